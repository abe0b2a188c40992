"""The health check and the settings' refusals, run as real processes."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.django_db
def test_healthz_reports_each_service(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["cache"] == "ok"
    assert body["broker"] in {"ok", "eager"}


def test_healthz_answers_503_when_the_database_is_down(tmp_path):
    # A real server process whose database is a closed port: nothing is mocked.
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code, r.json()['database'])"
    )
    result = _run(
        code,
        DATABASE_URL="postgres://postgres@127.0.0.1:1/nowhere",
        REDIS_URL="",
        ALLOWED_HOSTS="testserver",
        VAR_DIR=str(tmp_path),
    )
    assert result.stdout.split() == ["503", "down"], result.stderr


def test_the_site_refuses_to_start_without_debug_on_the_default_secret_key(tmp_path):
    result = _run(
        "import django; django.setup()", DEBUG="false", SECRET_KEY="", VAR_DIR=str(tmp_path)
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_redis_url_switches_cache_and_broker_to_redis(tmp_path):
    code = (
        "from django.conf import settings;"
        "print(settings.CACHES['default']['BACKEND'], settings.CELERY_BROKER_URL,"
        " settings.CELERY_TASK_ALWAYS_EAGER)"
    )
    result = _run(code, REDIS_URL="redis://127.0.0.1:6379/3", VAR_DIR=str(tmp_path))
    assert result.stdout.split() == [
        "config.cache.TolerantRedisCache",
        "redis://127.0.0.1:6379/3",
        "False",
    ], result.stderr
