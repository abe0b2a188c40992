"""Backups: the database and the uploaded files in one archive, and back into an empty site.

An archive is `nongqiao-<YYYYmmdd-HHMMSS>.tar.gz` in BACKUP_DIR and holds
- `manifest.json`: when, from which database engine, the migrations applied, the files;
- `database.dump` (PostgreSQL: pg_dump's custom format, consistent while the site runs) or
  `database.sqlite3` (SQLite: its online backup API, consistent too);
- `media/…`: MEDIA_ROOT, the uploaded files.

Restoring needs an empty database (one freshly created, with no tables: nothing is merged
or overwritten there) of the same engine; the files go into MEDIA_ROOT.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


class BackupError(Exception):
    """Something an operator has to fix; the message says what."""


def _engine() -> str:
    if connection.vendor not in DUMP_NAMES:
        raise BackupError(f"Backups support PostgreSQL and SQLite, not {connection.vendor}.")
    return connection.vendor


def _pg_env() -> dict[str, str]:
    """libpq's variables for the default database: no password on a command line."""
    db = connection.settings_dict
    env = {**os.environ, "PGDATABASE": db["NAME"]}
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    if db.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    return env


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client)."
        )
    done = subprocess.run(command, env=_pg_env(), capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")


def _dump_database(engine: str, target: Path) -> None:
    if engine == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"])
    else:
        connection.ensure_connection()
        with closing(sqlite3.connect(target)) as copy:
            connection.connection.backup(copy)


def _unique_path(directory: Path) -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    path, n = directory / f"nongqiao-{stamp}.tar.gz", 1
    while path.exists():
        n += 1
        path = directory / f"nongqiao-{stamp}-{n}.tar.gz"
    return path


def backup(backup_dir: Path | None = None) -> Path:
    """Write an archive of the database and MEDIA_ROOT; returns its path."""
    engine = _engine()
    directory = Path(backup_dir or settings.BACKUP_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    media = Path(settings.MEDIA_ROOT)
    media_files = sorted(p for p in media.rglob("*") if p.is_file()) if media.is_dir() else []
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "engine": engine,
        "database": DUMP_NAMES[engine],
        "migrations": sorted(
            f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
        ),
        "media_files": len(media_files),
    }
    archive = _unique_path(directory)
    with tempfile.TemporaryDirectory(dir=directory) as work:
        dump = Path(work) / DUMP_NAMES[engine]
        _dump_database(engine, dump)
        (Path(work) / "manifest.json").write_text(json.dumps(manifest, indent=2))
        partial = Path(work) / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(Path(work) / "manifest.json", arcname="manifest.json")
            tar.add(dump, arcname=DUMP_NAMES[engine])
            for path in media_files:
                tar.add(path, arcname=str(PurePosixPath("media", path.relative_to(media))))
        os.replace(partial, archive)  # complete or absent: never half an archive
    return archive


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in tar.getmembers():
        path = PurePosixPath(member.name)
        if path.is_absolute() or ".." in path.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"Refusing a suspicious entry in the archive: {member.name}")
        members.append(member)
    return members


def _database_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def restore(archive: Path) -> dict:
    """Restore an archive into the (empty) default database and MEDIA_ROOT; returns its manifest."""
    engine = _engine()
    if not Path(archive).is_file():
        raise BackupError(f"No such archive: {archive}")
    with tarfile.open(archive, "r:*") as tar, tempfile.TemporaryDirectory() as work:
        members = _safe_members(tar)
        try:
            manifest = json.load(tar.extractfile("manifest.json"))
        except KeyError:
            raise BackupError(f"{archive} is not a Nongqiao backup (no manifest.json).") from None
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
        if manifest["engine"] != engine:
            raise BackupError(
                f"This archive holds a {manifest['engine']} database; the site uses {engine}."
            )
        if not _database_is_empty():
            raise BackupError(
                "The database is not empty: restore into a newly created, empty database."
            )
        extract = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tar.extractall(work, members=members, **extract)
        dump = Path(work) / manifest["database"]
        if engine == "postgresql":
            connection.close()
            _run(
                [
                    "pg_restore",
                    "--no-owner",
                    "--no-privileges",
                    "--exit-on-error",
                    "--single-transaction",
                    f"--dbname={connection.settings_dict['NAME']}",
                    str(dump),
                ]
            )
        else:
            connection.close()
            with (
                closing(sqlite3.connect(dump)) as source,
                closing(sqlite3.connect(connection.settings_dict["NAME"])) as target,
            ):
                source.backup(target)
        connection.close()  # the restored tables, sequences and content types are new
        media = Path(work) / "media"
        if media.is_dir():
            shutil.copytree(media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    return manifest
