"""Reads spread to a real PostgreSQL streaming replica; writes and one's own reads stay primary.

The replica is made here from the local PostgreSQL, as an operator would: `pg_basebackup -R`
into a new directory and a second server started on another port with `pg_ctl`, streaming from
the first. Its replay is paused (`pg_wal_replay_pause()`) to make it lag on purpose; the site
runs under gunicorn with DATABASE_REPLICA_URL pointing at it.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlparse

import psycopg
import pytest
from rest_framework.authtoken.models import Token

from tests.conftest import require, using_postgres, worker_database_url
from tests.factories import NeedFactory, OrganisationFactory, UserFactory, member_of

pytestmark = [pytest.mark.postgres]

ROOT = Path(__file__).resolve().parents[2]
KIWI = quote("猕猴桃预冷")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(candidates[-1]) if candidates else None


def _as_postgres(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """PostgreSQL refuses to run as root: tools that own the data directory run as postgres."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


@pytest.fixture
def replica(committed_db):
    """A streaming replica of the test database's cluster, on its own port, logging statements."""
    require(using_postgres(), "PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/…")
    basebackup, pg_ctl = _pg_bin("pg_basebackup"), _pg_bin("pg_ctl")
    require(bool(basebackup and pg_ctl), "pg_basebackup and pg_ctl (Debian: postgresql)")
    primary = urlparse(worker_database_url())
    # Not under pytest's own temporary folder: that one is closed to the postgres user.
    directory = Path(tempfile.mkdtemp(prefix="nongqiao-replica-"))
    data = directory / "data"
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    made = _as_postgres(
        [
            basebackup,
            "-h",
            primary.hostname or "127.0.0.1",
            "-p",
            str(primary.port or 5432),
            "-U",
            primary.username or "postgres",
            "-D",
            str(data),
            "-R",
            "-X",
            "stream",
            "--checkpoint=fast",
        ],  # fmt: skip
        timeout=300,
    )
    require(
        made.returncode == 0,
        "replication connections to the local PostgreSQL (pg_hba.conf: "
        f"'host replication all 127.0.0.1/32 trust'; .ci/run adds it): {made.stderr.strip()}",
    )
    # Debian keeps the configuration outside the data directory, so the copy has none.
    for name, text in {
        "postgresql.conf": "",
        "pg_hba.conf": "local all all trust\nhost all all 127.0.0.1/32 trust\n",
        "pg_ident.conf": "",
    }.items():
        if not (data / name).exists():
            (data / name).write_text(text)
            if os.geteuid() == 0:
                shutil.chown(data / name, "postgres", "postgres")
    port = _free_port()
    log = directory / "replica.log"
    started = _as_postgres(
        [
            pg_ctl,
            "-D",
            str(data),
            "-l",
            str(log),
            "-w",
            "-t",
            "60",
            "start",
            "-o",
            f"-p {port} -k {directory} -c hot_standby=on -c log_statement=all "
            "-c log_line_prefix='' -c logging_collector=off",
        ],  # fmt: skip
        timeout=90,
    )
    assert started.returncode == 0, started.stderr + log.read_text()
    url = primary._replace(netloc=f"{primary.username or 'postgres'}@127.0.0.1:{port}").geturl()
    try:
        yield {"url": url, "log": log}
    finally:
        _as_postgres([pg_ctl, "-D", str(data), "-m", "immediate", "stop"], timeout=60)
        shutil.rmtree(directory, ignore_errors=True)


def _sql(url: str, query: str):
    with psycopg.connect(url, autocommit=True) as connection:
        return connection.execute(query).fetchone()


def _wait_until_replayed(primary: str, replica: str) -> None:
    target = _sql(primary, "SELECT pg_current_wal_lsn()")[0]
    deadline = time.monotonic() + 30
    while _sql(replica, f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")[0] is not True:
        assert time.monotonic() < deadline, "the replica did not catch up in 30 s"
        time.sleep(0.1)


@pytest.fixture
def site(replica, tmp_path):
    port = _free_port()
    with (tmp_path / "gunicorn.log").open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi"],
            cwd=ROOT,
            env={
                **os.environ,
                "DATABASE_URL": worker_database_url(),
                "DATABASE_REPLICA_URL": replica["url"],
                "BIND": f"127.0.0.1:{port}",
                "WEB_CONCURRENCY": "1",
                "VAR_DIR": str(tmp_path),
                # Matching is not what this test is about: leave published listings pending.
                "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
                "CELERY_TASK_ALWAYS_EAGER": "false",
            },
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=5).read()
            break
        except (OSError, urllib.error.HTTPError):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail((tmp_path / "gunicorn.log").read_text()[-3000:])
            time.sleep(0.3)
    yield base
    process.terminate()
    process.wait(timeout=20)


def _call(url: str, *, token: str | None = None, data: dict | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _titles(answer: dict) -> set[str]:
    return {item["title"] for item in answer["results"]}


def test_lists_and_statistics_read_the_replica_writes_the_primary_and_writers_see_their_own(
    replica, site
):
    primary = worker_database_url()
    enterprise = OrganisationFactory()
    token = Token.objects.create(user=member_of(enterprise)).key
    NeedFactory(organisation=enterprise, title="复制前的需求：猕猴桃预冷")
    _wait_until_replayed(primary, replica["url"])
    status, listed = _call(f"{site}/api/v1/needs/?q={KIWI}")
    assert status == 200 and _titles(listed) == {"复制前的需求：猕猴桃预冷"}

    _sql(replica["url"], "SELECT pg_wal_replay_pause()")
    # Written on the primary while the replica stands still.
    NeedFactory(organisation=enterprise, title="延迟期间的需求：猕猴桃预冷")
    status, listed = _call(f"{site}/api/v1/needs/?q={KIWI}")
    assert _titles(listed) == {"复制前的需求：猕猴桃预冷"}, "the public list read the primary"

    # A write through the site: the replica is read-only, so a 201 means the primary took it.
    status, created = _call(
        f"{site}/api/v1/needs/",
        token=token,
        data={
            "organisation": enterprise.pk,
            "title": "刚保存的需求：洋芋贮藏",
            "description": "洋芋放到开春就发芽，想找贮藏办法",
            "category": "cold-storage",
            "budget_min": "20000",
            "budget_max": "80000",
            "transfer_modes": ["technical_service"],
        },
    )
    assert status == 201, created
    # Read-your-writes: the writer's next reads come from the primary, lag or not.
    status, mine = _call(f"{site}/api/v1/needs/?mine=true", token=token)
    assert "刚保存的需求：洋芋贮藏" in _titles(mine)
    assert "延迟期间的需求：猕猴桃预冷" in _titles(mine)

    statements = replica["log"].read_text()
    assert '"matchmaking_technologyneed"' in statements  # the list's query ran on the replica
    for write in ("INSERT INTO", "UPDATE ", "DELETE FROM"):
        assert write not in statements

    # The statistics, too, are read from the replica.
    admin = Token.objects.create(user=UserFactory(is_staff=True, is_superuser=True)).key
    before = replica["log"].read_text().count("matchmaking_match")
    status, _funnel = _call(f"{site}/api/v1/stats/funnel/", token=admin)
    assert status == 200
    assert replica["log"].read_text().count("matchmaking_match") > before

    _sql(replica["url"], "SELECT pg_wal_replay_resume()")
    _wait_until_replayed(primary, replica["url"])
    status, listed = _call(f"{site}/api/v1/needs/?q={KIWI}")
    assert _titles(listed) == {"复制前的需求：猕猴桃预冷", "延迟期间的需求：猕猴桃预冷"}
