"""What an operator runs on: request ids, JSON logs, /metrics, error reports without personal
data."""

import http.server
import io
import json
import logging.config
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import zlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.utils import timezone

from config import observability
from matchmaking.models import TechnologyNeed
from tests.conftest import require, using_postgres, worker_database_url
from tests.factories import NeedFactory

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def test_every_response_names_its_request_id_and_keeps_the_one_a_proxy_gave(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f-]{32,36}", first)
    assert first != second
    assert client.get("/healthz", HTTP_X_REQUEST_ID="nginx-7f3a")["X-Request-ID"] == "nginx-7f3a"


def test_log_lines_are_json_and_carry_the_request_id_in_production(client, settings):
    from django.urls import path

    def noisy(request):
        logging.getLogger("matchmaking.services").warning("matching is %s minutes behind", 7)
        return HttpResponse("ok")

    settings.ROOT_URLCONF = type("urls", (), {"urlpatterns": [path("noisy/", noisy)]})
    stream = io.StringIO()
    config = observability.logging_config(json_lines=True, level="INFO", celery_level="WARNING")
    config["handlers"]["console"]["stream"] = stream
    logging.config.dictConfig(config)
    try:
        client.get("/noisy/", HTTP_X_REQUEST_ID="req-7")
    finally:
        logging.config.dictConfig(settings.LOGGING)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    ours = [line for line in lines if line["logger"] == "matchmaking.services"]
    assert [(x["event"], x["level"], x["request_id"]) for x in ours] == [
        ("matching is 7 minutes behind", "warning", "req-7")
    ]
    finished = [line for line in lines if line["event"] == "request_finished"]
    assert [(x["request_id"], x["code"]) for x in finished] == [("req-7", 200)]


@pytest.mark.worker
def test_the_request_id_follows_into_the_task_it_queues(celery_worker_process, client):
    """What a request bound (its id, by the middleware) travels with the tasks it queues."""
    import structlog

    from matchmaking.tasks import sweep_pending

    structlog.contextvars.bind_contextvars(request_id="req-into-worker")
    try:
        sweep_pending.delay().get(timeout=60)
    finally:
        structlog.contextvars.clear_contextvars()
    lines = celery_worker_process["log"].read_text().splitlines()
    started = [line for line in lines if "task_started" in line and "sweep_pending" in line]
    assert any("request_id=req-into-worker" in line for line in started), started[-3:]


def _scrape(client, **extra) -> str:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200, response.content[:200]
    return response.content.decode()


def _value(text: str, name: str, **labels) -> float:
    """The sum of the samples of `name` whose labels include `labels`."""
    total, found = 0.0, False
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        match = re.fullmatch(r"([a-z_:]+)(?:\{(.*)\})? (\S+)", line)
        if not match or match.group(1) != name:
            continue
        have = dict(re.findall(r'(\w+)="([^"]*)"', match.group(2) or ""))
        if all(have.get(k) == v for k, v in labels.items()):
            total += float(match.group(3))
            found = True
    assert found, f"no sample of {name} {labels}"
    return total


def test_metrics_count_requests_by_view_and_report_what_waits_for_matching(client):
    before = _scrape(client)
    for _ in range(3):
        client.get("/healthz")
    need = NeedFactory()
    TechnologyNeed.objects.filter(pk=need.pk).update(
        matching_pending=True, updated_at=timezone.now() - timedelta(minutes=7)
    )
    after = _scrape(client)

    def healthz(text):
        return _value(
            text, "django_http_responses_total_by_status_view_method_total", view="healthz"
        )

    assert healthz(after) - healthz(before) == 3
    assert _value(after, "nongqiao_matching_pending", kind="need") == 1
    assert _value(after, "nongqiao_matching_pending", kind="result") == 0
    assert 419 <= _value(after, "nongqiao_matching_oldest_pending_seconds") <= 480
    assert _value(after, "django_db_execute_total") > 0


def test_metrics_count_logins_by_outcome(client):
    from tests.factories import UserFactory

    user = UserFactory(username="operator-watch")
    before = _scrape(client)
    client.post("/accounts/login/", {"username": user.username, "password": "wrong"})
    client.post("/accounts/login/", {"username": user.username, "password": "pw-Nongqiao-2026"})
    after = _scrape(client)
    for outcome, more in (("failure", 1), ("success", 1), ("lockout", 0)):
        name = "nongqiao_logins_total"
        assert _value(after, name, outcome=outcome) - _value(before, name, outcome=outcome) == more


@override_settings(METRICS_TOKEN="s3cret-token")
def test_metrics_need_the_token_when_one_is_set(client):
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token").status_code == 200


def test_metrics_without_a_token_answer_only_internal_addresses(client):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    # The public, through nginx on the same machine, arrives from 127.0.0.1 too.
    assert client.get("/metrics", HTTP_X_REAL_IP="203.0.113.9").status_code == 403


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.postgres
def test_two_gunicorn_workers_add_up_in_one_scrape(committed_db, tmp_path):
    """Multiprocess mode: each worker counts in its own file, and any worker's scrape sums them."""
    require(using_postgres(), "PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/…")
    port, multiproc = _free_port(), tmp_path / "prometheus"
    multiproc.mkdir()
    access = tmp_path / "access.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "deploy/gunicorn.conf.py",
            "--access-logfile",
            str(access),
            "--access-logformat",
            "%(p)s %(U)s",
            "config.wsgi",
        ],  # fmt: skip
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": worker_database_url(),
            "BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "2",
            "PROMETHEUS_MULTIPROC_DIR": str(multiproc),
            "VAR_DIR": str(tmp_path),
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=5).read()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)

        # Two clients at once, so that both workers take requests.
        def hit(n):
            for _ in range(n):
                urllib.request.urlopen(f"{base}/healthz", timeout=10).read()

        threads = [threading.Thread(target=hit, args=(20,)) for _ in range(2)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        text = urllib.request.urlopen(f"{base}/metrics", timeout=10).read().decode()
    finally:
        process.terminate()
        process.wait(timeout=20)
    served = [line.split()[0] for line in access.read_text().splitlines() if "/healthz" in line]
    assert len(set(served)) == 2, "one worker took every request; the sum proves nothing"
    assert len(served) >= 41  # the 40 above and at least one while waiting for the server
    total = _value(text, "django_http_responses_total_by_status_view_method_total", view="healthz")
    assert total == len(served)


class _Envelopes(http.server.BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = zlib.decompress(body, 16 + zlib.MAX_WBITS)
        elif encoding == "br":  # sentry-sdk compresses with brotli when it is installed
            import brotli

            body = brotli.decompress(body)
        type(self).received.append(body)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


# sentry-sdk patches Django and Celery for the whole process once it is initialised, so the
# reports are made in a process of their own, started as the site is: SENTRY_DSN in the
# environment, read by the settings.
REPORTING_PROCESS = """
import django
from django.conf import settings
django.setup()
from celery import shared_task
from django.test import Client
from django.urls import path
import sentry_sdk

def broken(request):
    raise RuntimeError("contact 13800138000 at li@example.cn about budget")

@shared_task(name="tests.failing_task")
def failing_task():
    raise ValueError("SMS to +86 138 0013 8000 failed; 18612345678 too")

settings.ROOT_URLCONF = type("urls", (), {"urlpatterns": [path("broken/", broken)]})
client = Client(raise_request_exception=False, HTTP_HOST="127.0.0.1")
assert client.get("/broken/?phone=13912345678").status_code == 500
from config.celery import app
app.conf.task_eager_propagates = False
failing_task.delay()
sentry_sdk.flush(timeout=10)
"""


@pytest.fixture
def sentry_reports(tmp_path):
    """What a site process with SENTRY_DSN sends to a local endpoint speaking Sentry's protocol."""
    _Envelopes.received = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Envelopes)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}
    }
    done = subprocess.run(
        [sys.executable, "-c", REPORTING_PROCESS],
        cwd=ROOT,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SENTRY_DSN": f"http://publickey@127.0.0.1:{server.server_port}/42",
            "SENTRY_RELEASE": "test-release",
            "VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    server.shutdown()
    assert done.returncode == 0, done.stderr[-3000:]
    return _events(_Envelopes.received)


def _events(received: list[bytes]) -> list[dict]:
    events = []
    for envelope in received:
        lines = envelope.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                events.append(json.loads(payload))
    return events


def test_a_view_error_and_a_task_error_are_reported_once_each_without_personal_data(
    sentry_reports,
):
    by_kind = {}
    for event in sentry_reports:
        (exception,) = event["exception"]["values"]
        by_kind.setdefault(exception["type"], []).append(event)
    assert sorted((kind, len(events)) for kind, events in by_kind.items()) == [
        ("RuntimeError", 1),
        ("ValueError", 1),
    ]
    raw = json.dumps(sentry_reports, ensure_ascii=False)
    assert {event["release"] for event in sentry_reports} == {"test-release"}
    for secret in (
        "13800138000",
        "13912345678",
        "li@example.cn",
        "18612345678",
        "138 0013 8000",
    ):
        assert secret not in raw


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("call 13800138000 now", "call [Filtered] now"),
        ("+8613800138000", "[Filtered]"),
        ("+86 138 0013 8000", "[Filtered]"),
        ("office 0851-85551234", "office [Filtered]"),
        ("mail wang.li+x@example.com.cn", "mail [Filtered]"),
        ("order 20261203123456 shipped", "order 20261203123456 shipped"),  # not a phone
    ],
)
def test_scrubbing_masks_phones_and_emails_but_not_other_numbers(text, scrubbed):
    assert observability.scrub(text) == scrubbed


def test_scrubbing_masks_money_by_field_name():
    event = {"request": {"data": {"budget_max": 380000, "title": "保鲜", "price": "8万"}}}
    assert observability.scrub(event) == {
        "request": {"data": {"budget_max": "[Filtered]", "title": "保鲜", "price": "[Filtered]"}}
    }


def test_the_operators_page_shows_what_waits_and_what_failed(client):
    from tests.factories import UserFactory

    need = NeedFactory()
    TechnologyNeed.objects.filter(pk=need.pk).update(
        matching_pending=True, updated_at=timezone.now() - timedelta(minutes=9)
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get("/operations/").content.decode()
    assert "behind: is a worker taking the queue?" in page or "落后" in page
    seconds = int(re.search(r'id="oldest-pending">(\d+) s<', page).group(1))
    assert 539 <= seconds <= 600


def test_the_operators_page_is_for_admins_only(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get("/operations/").status_code == 403
