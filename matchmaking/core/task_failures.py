"""Failed background tasks: recorded when they fail, listed for admins, retried once a press.

A row per failed run, written from Celery's `task_failure` signal (the worker's, or the web
process's when tasks run eagerly), beside the counter that config/metrics.py keeps. Not
django-celery-results: it would store every task's result (millions of re-matches) to keep the
few failures, and knows nothing of our request ids or of a retry.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import structlog
from celery import signals
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import User
from config.queue import enqueue
from matchmaking.models import TaskFailure

logger = logging.getLogger(__name__)

EXCEPTION_CHARS = 2000


def _as_json(value):
    """The value if it survives JSON (what the broker would have carried), else None."""
    try:
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
    except (TypeError, ValueError):
        return None


def failure_record(
    *, task_name: str, task_id: str, args, kwargs, exception: BaseException
) -> TaskFailure | None:
    """Keep one failed run. Never raises: the task's own error is what matters."""
    try:
        with transaction.atomic():
            return TaskFailure.objects.create(
                task_name=task_name[:200],
                task_id=(task_id or "")[:64],
                args=_as_json(list(args or ())),
                kwargs=_as_json(dict(kwargs or {})),
                exception=f"{type(exception).__name__}: {exception}"[:EXCEPTION_CHARS],
                request_id=str(structlog.contextvars.get_contextvars().get("request_id") or "")[
                    :100
                ],
            )
    except Exception:
        logger.warning("could not record the failure of %s", task_name, exc_info=True)
        return None


@signals.task_failure.connect
def _task_failed(sender=None, task_id=None, exception=None, args=None, kwargs=None, **extra):
    failure_record(
        task_name=getattr(sender, "name", "unknown"),
        task_id=task_id,
        args=args,
        kwargs=kwargs,
        exception=exception,
    )


def recent_failures(limit: int = 20) -> list[TaskFailure]:
    return list(TaskFailure.objects.select_related("retried_by")[:limit])


def failure_retry(*, failure_id: int, by: User) -> TaskFailure:
    """Queue the task again with the same arguments, once: a second press (or a second admin
    at the same moment) finds it already retried and queues nothing."""
    if not permissions.is_admin(by):
        raise PermissionDenied(_("Only administrators retry tasks."))
    failure = TaskFailure.objects.filter(pk=failure_id).first()
    if failure is None:
        raise ValidationError(_("This failure is no longer recorded."))
    if failure.args is None or failure.kwargs is None:
        raise ValidationError(_("This task's arguments were not kept; it cannot be retried."))
    from config.celery import app

    if failure.task_name not in app.tasks:
        raise ValidationError(
            _("No task is called %(name)s any more.") % {"name": failure.task_name}
        )
    claimed = TaskFailure.objects.filter(pk=failure.pk, retried_at__isnull=True).update(
        retried_at=timezone.now(), retried_by=by
    )
    if not claimed:
        raise ValidationError(_("This task was already retried."))
    queued = enqueue(failure.task_name, *failure.args, **failure.kwargs)
    # Run eagerly (no broker), the task ran here: failing again, it is recorded anew.
    if not queued and not settings.CELERY_TASK_ALWAYS_EAGER:
        # Nothing was queued: let the operator press again once the broker is back.
        TaskFailure.objects.filter(pk=failure.pk).update(retried_at=None, retried_by=None)
        raise ValidationError(_("The queue could not be reached; nothing was queued."))
    failure.refresh_from_db()
    return failure


def failures_trim(days: int) -> int:
    """Forget failures older than `days`; returns how many."""
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _by_model = TaskFailure.objects.filter(failed_at__lt=cutoff).delete()
    return deleted
