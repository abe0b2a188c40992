"""Queueing background work by the task's name, without letting a broker outage break the
user's action.

Services and pages queue work here, by name ("matchmaking.tasks.rematch_need"), and never
import a tasks module: tasks call services, so an import the other way would make a circle
(import-linter keeps it out; see pyproject.toml).
"""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def enqueue(task_name: str, *args, **kwargs) -> bool:
    """Send the task; on failure log and return False. Callers leave a flag for the sweep.

    With eager tasks (the embedded default) the task runs here and now, and an error in it is
    caught the same way: the user's action has already been saved, the sweep retries. Celery
    sends no `task_failure` signal for an eager run, so the failure is recorded here as the
    worker's signal would record it (for /operations/ and its retry button).
    """
    task = _task(task_name)
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    except Exception as error:
        logger.warning(
            "could not run or queue %s%s; the sweep will retry",
            task_name,
            _loggable(args),
            exc_info=True,
        )
        if settings.CELERY_TASK_ALWAYS_EAGER:
            # Not at the top: config is imported before the apps are ready.
            from matchmaking.core.task_failures import failure_record

            failure_record(
                task_name=task.name, task_id="", args=args, kwargs=kwargs, exception=error
            )
        return False
    return True


def enqueue_and_wait(task_name: str, *args, timeout: float, **kwargs) -> bool:
    """Send the task and wait up to `timeout` seconds for it to finish; True if it did.

    For what a page is about to show and a worker must work out (it holds what the web
    process does not load). Waiting longer, or failing, the page goes on without it: never an
    error for the user. Eager, the task runs here and now.
    """
    task = _task(task_name)
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False).get(
            timeout=timeout, propagate=True, disable_sync_subtasks=False
        )
    except Exception:
        logger.warning("%s%s did not finish in %.1f s", task_name, _loggable(args), timeout)
        return False
    return True


def _task(name: str):
    """The task registered under `name` (its import path, for the project's own tasks)."""
    from config.celery import app

    task = app.tasks.get(name)
    return task if task is not None else import_string(name)


def _loggable(args: tuple) -> str:
    """Ids are worth logging; anything else (a phone number, SMS parameters) is not."""
    flat = [x for arg in args for x in (arg if isinstance(arg, list | tuple) else [arg])]
    if all(isinstance(x, int) for x in flat):
        return repr(args)
    return f"({len(args)} arguments)"
