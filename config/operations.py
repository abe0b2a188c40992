"""The site's state as an operator reads it: what waits, what queues, what the last runs did.

One reading feeds both `/metrics` (config/metrics.py) and the operator's page, so the two
never disagree.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from config.celery import app
from matchmaking.models import RebuildRun, ResearchResult, ScheduleRun, TechnologyNeed


@dataclass(frozen=True)
class Snapshot:
    pending: dict[str, int]
    oldest_pending_seconds: float
    queues: dict[str, int]
    rebuild_done: int
    rebuild_total: int
    rebuild: object | None = None
    schedule_runs: list = field(default_factory=list)
    newest_backup: datetime | None = None


def queue_names() -> list[str]:
    names = {settings.CELERY_TASK_DEFAULT_QUEUE}
    for route in (getattr(settings, "CELERY_TASK_ROUTES", None) or {}).values():
        if isinstance(route, dict) and route.get("queue"):
            names.add(route["queue"])
    return sorted(names)


def queue_depths() -> dict[str, int]:
    """Messages waiting per queue; -1 when the broker cannot be read; empty when eager."""

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {}
    depths = {}
    try:
        with app.connection_for_read() as connection:
            connection.ensure_connection(max_retries=1, timeout=1)
            channel = connection.default_channel
            for name in queue_names():
                try:
                    depths[name] = channel.queue_declare(queue=name, passive=True).message_count
                except Exception:  # a queue nobody declared yet holds nothing
                    depths[name] = 0
    except Exception:
        return {name: -1 for name in queue_names()}
    return depths


def newest_backup() -> datetime | None:
    directory = settings.BACKUP_DIR
    with contextlib.suppress(OSError):
        times = [p.stat().st_mtime for p in directory.glob("nongqiao-*.tar.gz")]
        if times:
            return datetime.fromtimestamp(max(times), tz=timezone.get_current_timezone())
    return None


def snapshot() -> Snapshot:

    pending, oldest = {}, None
    for kind, model in (("need", TechnologyNeed), ("result", ResearchResult)):
        waiting = model.objects.filter(matching_pending=True)
        figures = waiting.aggregate(oldest=Min("updated_at"))
        pending[kind] = waiting.count()
        if figures["oldest"] and (oldest is None or figures["oldest"] < oldest):
            oldest = figures["oldest"]
    rebuild = RebuildRun.objects.order_by("-started_at").first()
    return Snapshot(
        pending=pending,
        oldest_pending_seconds=(timezone.now() - oldest).total_seconds() if oldest else 0.0,
        queues=queue_depths(),
        rebuild_done=rebuild.done_chunks if rebuild else 0,
        rebuild_total=rebuild.total_chunks if rebuild else 0,
        rebuild=rebuild,
        schedule_runs=list(ScheduleRun.objects.select_related("fair").order_by("-pk")[:5]),
        newest_backup=newest_backup(),
    )
