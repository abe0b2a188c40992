"""Queueing background work without letting a broker outage break the user's action."""

import logging

logger = logging.getLogger(__name__)


def enqueue(task, *args) -> bool:
    """Send the task; on failure log and return False. Callers leave a flag for the sweep.

    With eager tasks (the embedded default) the task runs here and now, and an error in it is
    caught the same way: the user's action has already been saved, the sweep retries.
    """
    try:
        task.apply_async(args=args, retry=False)
    except Exception:
        logger.warning(
            "could not run or queue %s%r; the sweep will retry", task.name, args, exc_info=True
        )
        return False
    return True
