"""Every user-facing string has its Chinese translation (English is the source language).

The check extracts the strings afresh from a copy of the source, so a new string that nobody
translated fails here, not in front of a user.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["accounts", "matchmaking", "config", "templates", "locale", "manage.py"]


def _untranslated(po_path: Path) -> list[str]:
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def test_the_chinese_catalogue_translates_every_string_in_the_source(tmp_path):
    if shutil.which("xgettext") is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs GNU gettext (apt-get install gettext)")
        pytest.skip("needs GNU gettext's xgettext: apt-get install gettext")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("*.mo"))
        else:
            shutil.copy(source, tmp_path / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete", "-v", "0"],
        cwd=tmp_path,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "VAR_DIR": str(tmp_path / "var")},
    )
    missing = _untranslated(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    assert missing == [], "untranslated (run makemessages and translate):\n" + "\n".join(missing)
