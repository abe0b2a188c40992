"""Queueing background work by the task's name, without letting a broker outage break the
user's action.

Services and pages queue work here, by name ("matchmaking.tasks.rematch_need"), and never
import a tasks module: tasks call services, so an import the other way would make a circle
(import-linter keeps it out; see pyproject.toml).
"""

import logging

from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def enqueue(task_name: str, *args) -> bool:
    """Send the task; on failure log and return False. Callers leave a flag for the sweep.

    With eager tasks (the embedded default) the task runs here and now, and an error in it is
    caught the same way: the user's action has already been saved, the sweep retries.
    """
    task = import_string(task_name)
    try:
        task.apply_async(args=args, retry=False)
    except Exception:
        logger.warning(
            "could not run or queue %s%s; the sweep will retry",
            task_name,
            _loggable(args),
            exc_info=True,
        )
        return False
    return True


def _loggable(args: tuple) -> str:
    """Ids are worth logging; anything else (a phone number, SMS parameters) is not."""
    flat = [x for arg in args for x in (arg if isinstance(arg, list | tuple) else [arg])]
    if all(isinstance(x, int) for x in flat):
        return repr(args)
    return f"({len(args)} arguments)"
