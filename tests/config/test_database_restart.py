"""PostgreSQL goes away under a running site (gunicorn as deployed, a Celery worker) and back.

A restart of PostgreSQL ends every server process (backend) and with it every client's
connection; the clients find out at their next query. Ending the backends of the test database
with pg_terminate_backend is that, seen from the site, without restarting the cluster that
other test runs on this machine share: the web server's kept connections (CONN_MAX_AGE) and
the worker's are cut the same way, while requests are running.
"""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from tests.conftest import worker_database_url
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, member_of

pytestmark = pytest.mark.worker

ROOT = Path(__file__).resolve().parents[2]
APP_NAME = "nongqiao-web-under-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _request(url, data=None, token=None) -> tuple[int, dict | None]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            payload = response.read()
            kind = response.headers.get("Content-Type", "")
            return response.status, json.loads(payload) if "json" in kind else None
    except urllib.error.HTTPError as error:
        return error.code, {"error": error.read().decode(errors="replace")[:500]}


@pytest.fixture
def gunicorn(committed_db, celery_worker_process, shared_var_dir, tmp_path):
    """The site under gunicorn with deploy/gunicorn.conf.py: one worker process, two threads."""
    port = _free_port()
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi"],
            cwd=ROOT,
            env={
                **os.environ,
                "DATABASE_URL": worker_database_url(),
                "PGAPPNAME": APP_NAME,  # names its connections in pg_stat_activity
                "BIND": f"127.0.0.1:{port}",
                "WEB_CONCURRENCY": "1",
                "CELERY_QUEUE": celery_worker_process["queue"],
                "VAR_DIR": str(shared_var_dir),
                # Four clients from one address ask the anonymous API hundreds of times a
                # minute: throttling is not what this test is about, and how soon it would
                # answer 429 depends only on how fast the pages are.
                "API_THROTTLE_ANON": "100000/min",
            },
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if _request(f"{base}/healthz")[0] == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        pytest.fail(f"gunicorn did not answer within 30 s; see {log_path}")
    yield base, log_path
    process.terminate()
    process.wait(timeout=15)


class _Cut:
    started = finished = 0.0


def _cut() -> tuple[_Cut, int, int]:
    """End every connection to the test database but this test's own, as a restart would.

    Returns when it happened, how many connections ended, and how many were the web server's.
    """
    when = _Cut()
    when.started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)), "
            "count(*) FILTER (WHERE application_name = %s) "
            "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
            [APP_NAME],
        )
        ended, web = cursor.fetchone()
    when.finished = time.monotonic()
    return when, ended, web


def _under_load(urls, seconds_before: float, seconds_after: float):
    """Four clients request the pages in turn; the connections are cut in between if asked."""
    done = threading.Event()
    log: list[tuple[float, float, int]] = []  # (started, ended, status)

    def load(offset):
        n = offset
        while not done.is_set():
            started = time.monotonic()
            try:
                status = _request(urls[n % len(urls)])[0]
            except OSError:
                status = 0
            log.append((started, time.monotonic(), status))
            n += 1

    clients = [threading.Thread(target=load, args=(i,)) for i in range(4)]
    for client in clients:
        client.start()
    time.sleep(seconds_before)
    when, web = None, 0
    if seconds_after:
        when, _, web = _cut()
        time.sleep(seconds_after)
    done.set()
    for client in clients:
        client.join(timeout=30)
    return when, web, log


def test_the_site_recovers_from_a_database_restart_without_being_restarted(gunicorn):
    base, log_path = gunicorn
    enterprise = OrganisationFactory(region_id="510131")
    member = member_of(enterprise)
    token = Token.objects.create(user=member).key
    ResultFactory(title="猕猴桃采后1-MCP处理与低温物流保鲜技术", keywords="猕猴桃 冷链 预冷")
    need = NeedFactory(organisation=enterprise, created_by=member)
    urls = [
        f"{base}/needs/",
        f"{base}/results/",
        f"{base}/api/v1/needs/",
        f"{base}/needs/{need.pk}/",
    ]

    # While requests run: those in flight when their connection is cut may fail; the rest not.
    ended, web, log = _under_load(urls, seconds_before=1.5, seconds_after=2.5)
    before = [s for _, end, s in log if end < ended.started]
    in_flight = [s for started, end, s in log if started < ended.started < end]
    after = [s for started, _, s in log if started > ended.finished]
    print(
        f"\nunder load: {web} connections of the web server ended; requests: {len(before)} "
        f"before, {len(in_flight)} in flight ({len([s for s in in_flight if s != 200])} failed), "
        f"{len(after)} after ({len([s for s in after if s != 200])} failed)"
    )
    assert set(before) == {200}
    assert web >= 1  # the web server kept its connections between requests
    assert in_flight, "no request was running when the connections were cut"
    assert len(after) > 10 and set(after) == {200}

    # While the site is idle, its kept connections are dead when the next requests come: the
    # health check on first use (CONN_HEALTH_CHECKS) finds out and reconnects.
    _, _, log = _under_load(urls, seconds_before=1.0, seconds_after=0)  # both threads connected
    _, _, web = _cut()
    assert web == 2  # gunicorn's two threads, each with its connection
    _, _, log = _under_load(urls, seconds_before=1.0, seconds_after=0)
    statuses = [s for *_, s in log]
    print(f"idle: {web} connections ended; then {len(statuses)} requests: {set(statuses)}")
    assert len(statuses) > 10 and set(statuses) == {200}
    assert log_path.read_text().count("Booting worker") == 1  # the same process throughout

    # Background work goes on: the worker opens a connection for each task (Celery's Django
    # fix-up closes it after), so it had none to lose; its next task connects anew.
    status, body = _request(
        f"{base}/api/v1/needs/",
        {
            "organisation": enterprise.pk,
            "title": "猕猴桃运到广州就软了",
            "description": "猕猴桃发到广州路上就软了，想找产地预冷和冷链保鲜的办法",
            "category": "origin-precooling",
            "budget_negotiable": True,
            "transfer_modes": ["technical_service"],
        },
        token,
    )
    assert status == 201, body
    url = f"{base}/api/v1/needs/{body['id']}/"
    assert _request(f"{url}transition/", {"to": "open"}, token)[0] == 200
    deadline = time.monotonic() + 15
    matches = []
    while not matches and time.monotonic() < deadline:
        time.sleep(0.3)
        matches = _request(f"{url}matches/", token=token)[1]
    assert matches and matches[0]["result_title"].startswith("猕猴桃采后")
