"""Queueing background work without letting a broker outage break the user's action."""

import logging

logger = logging.getLogger(__name__)


def _eager() -> bool:
    from config.celery import app

    return bool(app.conf.task_always_eager)


def _record_eager_failure(task, args, kwargs, error: Exception) -> None:
    """Run eagerly, a task's error propagates to here and Celery sends no `task_failure`
    signal: record it as the worker's signal would (matchmaking/services/task_failures.py)."""
    from matchmaking.services.task_failures import failure_record

    failure_record(task_name=task.name, task_id="", args=args, kwargs=kwargs, exception=error)


def enqueue(task, *args, **kwargs) -> bool:
    """Send the task; on failure log and return False. Callers leave a flag for the sweep.

    With eager tasks (the embedded default) the task runs here and now, and an error in it is
    caught the same way: the user's action has already been saved, the sweep retries.
    """
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    except Exception as error:
        logger.warning(
            "could not run or queue %s%r; the sweep will retry", task.name, args, exc_info=True
        )
        if _eager():
            _record_eager_failure(task, args, kwargs, error)
        return False
    return True


def enqueue_by_name(name: str, args: list, kwargs: dict) -> bool:
    """Queue a registered task by its name (a failed task's retry); False when the broker
    refused it. Run eagerly (no broker), the task runs here: its failing again is recorded as
    a new failure, and counts as run."""
    from config.celery import app

    task = app.tasks[name]
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    except Exception as error:
        # The arguments may hold a phone number (an SMS task): the name only.
        logger.warning("could not run or queue %s again", name, exc_info=True)
        if _eager():
            _record_eager_failure(task, args, kwargs, error)
            return True
        return False
    return True
