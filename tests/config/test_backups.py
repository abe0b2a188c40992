"""`manage.py backup` and `manage.py restore` (make backup, make restore) on PostgreSQL.

A small world is backed up, restored by a separate process into a freshly created database and
an empty MEDIA_ROOT, and read back there through Django.
"""

import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.enums import OrganisationKind
from matchmaking.matches import services as matches
from matchmaking.models import ImportJob, Match
from tests.conftest import require, using_postgres
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, member_of

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "restored-Nongqiao-2026"


@pytest.fixture
def empty_database(committed_db):
    require(using_postgres(), "PostgreSQL: set DATABASE_URL=postgres://…")
    require(
        shutil.which("pg_dump") is not None and shutil.which("pg_restore") is not None,
        "pg_dump and pg_restore: apt-get install postgresql-client",
    )
    name = f"nongqiao_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield urlparse(os.environ["DATABASE_URL"])._replace(path=f"/{name}").geturl()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(*args: str, database_url: str, var_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "VAR_DIR": str(var_dir), "REDIS_URL": ""}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


READ_BACK = """
import json
from django.apps import apps
from django.contrib.auth import authenticate
from django.test import RequestFactory
from matchmaking.models import ImportJob
job = ImportJob.objects.get()
print(json.dumps({
    "counts": {m._meta.label: m.objects.count() for m in apps.get_models()},
    "authenticated": authenticate(
        RequestFactory().post("/accounts/login/"), username=%r, password=%r
    ) is not None,
    "upload": job.file.read().hex(),
}))
"""


def test_a_backup_restored_into_an_empty_database_has_everything(
    empty_database, settings, tmp_path
):
    enterprise = OrganisationFactory(region_id="510131")
    member = member_of(enterprise, username="restored-user")
    # The site's own hasher (tests use a fast one): the restored site must accept the password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    member.set_password(PASSWORD)
    member.save()
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    match = Match.objects.create(
        need=NeedFactory(organisation=enterprise, created_by=member),
        result=ResultFactory(organisation=institution, created_by=member),
        score=0.8,
        text_score=0.7,
        structured_score=0.9,
        matcher_version="t",
    )
    matches.match_transition(match=match, to="shortlisted", by=member, note="看看")
    upload = "需求表".encode() + os.urandom(4096)  # bytes that no text conversion survives
    ImportJob.objects.create(
        kind="needs",
        file=ContentFile(upload, name="需求.xlsx"),
        original_name="需求.xlsx",
        created_by=member,
    )
    counts = {m._meta.label: m.objects.count() for m in apps.get_models()}
    settings.BACKUP_DIR = tmp_path / "backups"

    call_command("backup", stdout=open(os.devnull, "w"))  # noqa: SIM115

    (archive,) = (tmp_path / "backups").glob("nongqiao-*.tar.gz")
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert {"manifest.json", "database.dump"} <= set(names)
    assert any(name.startswith("media/imports/") for name in names)

    restored_var = tmp_path / "restored-var"
    done = _manage("restore", str(archive), database_url=empty_database, var_dir=restored_var)
    assert done.returncode == 0, done.stderr
    assert "Restored the postgresql database" in done.stdout

    read = _manage(
        "shell",
        "--verbosity=0",
        "-c",
        READ_BACK % ("restored-user", PASSWORD),
        database_url=empty_database,
        var_dir=restored_var,
    )
    assert read.returncode == 0, read.stderr
    found = json.loads(read.stdout.strip().splitlines()[-1])
    assert found["counts"] == counts
    assert counts["matchmaking.MatchEvent"] == 1 and counts["accounts.Region"] > 3000
    assert found["authenticated"] is True
    assert bytes.fromhex(found["upload"]) == upload

    # Restoring into a database with tables (here, the one backed up) would mix two sites.
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("restore", str(archive))


def test_restore_refuses_what_is_not_a_backup(db, tmp_path):
    stray = tmp_path / "stray.tar.gz"
    with tarfile.open(stray, "w:gz") as tar:
        tar.add(__file__, arcname="notes.txt")
    with pytest.raises(CommandError, match="not a Nongqiao backup"):
        call_command("restore", str(stray))
    with pytest.raises(CommandError, match="No such archive"):
        call_command("restore", str(tmp_path / "missing.tar.gz"))
