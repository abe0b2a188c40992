"""Meeting scheduler of the technology matchmaking fair (技术对接会). Plain Python + numpy /
scipy (HiGHS); it never imports Django: the app passes dataclasses in and stores plain dicts.

Quick use
---------
::

    problem = Problem(
        slots=[1, 2, 3],                       # slot ids in time order
        tables={1: 40, 2: 40, 3: 30},          # or one int for every slot
        cap=8,                                 # meetings per participant, fixed ones included
        requests=[Request(id=7, a="ent-3", b="lab-9", weight=0.83), ...],
        availability={"lab-9": {2, 3}},        # missing participant = every slot
        fixed=[FixedMeeting(request_id=5, slot=1, table=4)],   # confirmed / held
        previous={7: (2, 11)},                 # last published placement: table stability
    )
    result = schedule(problem, time_limit=10, progress=task.update_progress)
    result.assignments   # {request_id: (slot, table)}, fixed meetings included
    result.unscheduled   # [(request_id, Reason.NO_COMMON_SLOT | CAP_REACHED | NO_ROOM)]
    result.count, result.weight, result.warnings, result.stats
    validate(problem, result)              # [] or the broken rules, readable
    diff(old_assignments, result.assignments)  # Diff(added, removed, moved, unchanged)
    upper_bound(problem)                   # Bound(count, weight) from the LP relaxation

Objective: most meetings first, then the largest summed match score (lexicographic), then
fewest slot changes against ``previous``. See solver.py for the algorithm and why.
"""

from .check import diff, validate
from .lp import upper_bound
from .model import (
    DEFAULT_WEIGHT,
    Bound,
    Diff,
    FixedMeeting,
    Placement,
    Problem,
    Reason,
    Request,
    Schedule,
)
from .solver import schedule

__all__ = [
    "DEFAULT_WEIGHT",
    "Bound",
    "Diff",
    "FixedMeeting",
    "Placement",
    "Problem",
    "Reason",
    "Request",
    "Schedule",
    "diff",
    "schedule",
    "upper_bound",
    "validate",
]
