"""Prometheus metrics: django-prometheus for requests and queries, and the site's own figures.

Counters (notifications, tasks, logins) are prometheus-client objects in the process that
counts; with several gunicorn workers `PROMETHEUS_MULTIPROC_DIR` makes them files that the
scrape adds up (multiprocess mode; deploy/gunicorn.conf.py marks dead workers). Gauges that
describe the site rather than a process (what waits for matching, queue depths, the rebuild)
are read from the database and the broker at scrape time, once, whichever worker answers.

`/metrics` answers only with `METRICS_TOKEN` as a bearer token, or, when no token is set, to
addresses in `METRICS_ALLOWED_IPS` (loopback by default): it is not for the public.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator

from axes.signals import user_locked_out
from celery import signals as celery_signals
from django.conf import settings
from django.contrib.auth import signals as auth_signals
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from config import operations

NOTIFICATIONS = Counter(
    "nongqiao_notifications_total",
    "Notifications delivered, by channel (email, sms), kind and outcome (sent, failed).",
    ["channel", "kind", "outcome"],
)
TASK_FAILURES = Counter(
    "nongqiao_task_failures_total", "Celery tasks that raised, by task.", ["task"]
)
TASK_RETRIES = Counter("nongqiao_task_retries_total", "Celery task retries, by task.", ["task"])
LOGINS = Counter(
    "nongqiao_logins_total", "Logins by outcome (success, failure, lockout).", ["outcome"]
)


# Every outcome is a sample from the start, so that a rate over it exists before the first event.
for _outcome in ("success", "failure", "lockout"):
    LOGINS.labels(outcome=_outcome)


def notification(channel: str, kind: str, *, ok: bool) -> None:
    NOTIFICATIONS.labels(channel=channel, kind=kind, outcome="sent" if ok else "failed").inc()


@celery_signals.task_failure.connect
def _task_failed(sender=None, **kwargs) -> None:
    TASK_FAILURES.labels(task=getattr(sender, "name", "unknown")).inc()


@celery_signals.task_retry.connect
def _task_retried(sender=None, **kwargs) -> None:
    TASK_RETRIES.labels(task=getattr(sender, "name", "unknown")).inc()


@auth_signals.user_logged_in.connect
def _logged_in(**kwargs) -> None:
    LOGINS.labels(outcome="success").inc()


@auth_signals.user_login_failed.connect
def _login_failed(**kwargs) -> None:
    LOGINS.labels(outcome="failure").inc()


def _connect_lockouts() -> None:

    user_locked_out.connect(lambda **kwargs: LOGINS.labels(outcome="lockout").inc(), weak=False)


_connect_lockouts()


class SiteCollector(Collector):
    """The site's state, read when scraped: the same figures as the operator's page."""

    def describe(self) -> list:
        # Registering must not query the database; the names come with each scrape.
        return []

    def collect(self) -> Iterator[GaugeMetricFamily]:

        state = operations.snapshot()
        pending = GaugeMetricFamily(
            "nongqiao_matching_pending", "Listings waiting for matching, by kind.", labels=["kind"]
        )
        for kind, count in state.pending.items():
            pending.add_metric([kind], count)
        yield pending
        yield GaugeMetricFamily(
            "nongqiao_matching_oldest_pending_seconds",
            "Age of the oldest listing waiting for matching (0 when none waits).",
            value=state.oldest_pending_seconds,
        )
        depth = GaugeMetricFamily(
            "nongqiao_celery_queue_depth",
            "Messages waiting in each Celery queue (-1 when the broker cannot be read).",
            labels=["queue"],
        )
        for queue, count in state.queues.items():
            depth.add_metric([queue], count)
        yield depth
        rebuild = GaugeMetricFamily(
            "nongqiao_rebuild_chunks",
            "Chunks of the latest full re-match, done and total.",
            labels=["state"],
        )
        rebuild.add_metric(["done"], state.rebuild_done)
        rebuild.add_metric(["total"], state.rebuild_total)
        yield rebuild


SITE = SiteCollector()
REGISTRY.register(SITE)


def _registry() -> CollectorRegistry:
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    # Several workers: add up the files they write, then the site's figures once.
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(SITE)
    return registry


def counters() -> dict[str, dict[tuple[str, ...], float]]:
    """The site's own counters as /metrics shows them (summed over workers), for the page."""
    found: dict[str, dict[tuple[str, ...], float]] = {}
    for family in _registry().collect():
        if family.type != "counter" or not family.name.startswith("nongqiao_"):
            continue
        for sample in family.samples:
            if sample.name.endswith("_total"):
                key = tuple(sample.labels.values())
                found.setdefault(family.name, {})[key] = sample.value
    return found


def _allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.encode())
    # Through the proxy every client would come from 127.0.0.1: a forwarded request is outside.
    forwarded = "HTTP_X_REAL_IP" in request.META or "HTTP_X_FORWARDED_FOR" in request.META
    return not forwarded and request.META.get("REMOTE_ADDR", "") in settings.METRICS_ALLOWED_IPS


def metrics_view(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        return HttpResponseForbidden("Forbidden\n", content_type="text/plain")
    response = HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
