"""Every page carries a CSP allowing only our own scripts, and no page has an inline script."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/needs/",
        "/results/",
        "/accounts/login/",
        "/accounts/signup/",
        "/api/docs/",
        "/fairs/",
        "/stats/public/",
    ],
)
def test_pages_have_a_script_policy_and_no_inline_script(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert not INLINE_SCRIPT.search(response.content.decode()), url


def test_the_deployment_check_is_clean_under_production_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
        env={
            "PATH": "/usr/bin:/bin",
            "DEBUG": "false",
            "SECRET_KEY": "x" * 60 + "-production-key",
            "ALLOWED_HOSTS": "nongqiao.example.cn",
            "SECURE_SSL_REDIRECT": "true",
            "VAR_DIR": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
