"""``schedule()``: LP relaxation, rounding, local search, and an exact MILP polish when small.

Objective (lexicographic): first the most meetings, then the largest summed match score.
Implemented as one linear objective, ``BIG + score`` per meeting with ``BIG`` larger than any
possible score total (scores are at most 1), so one more meeting always beats any score gain.
Third, on a re-run, fewer moves: after optimising, each meeting that left its previous slot
goes back there if it fits as things stand (count and score unchanged). A stability bonus in
the LP objective was tried first: tiny coefficients made HiGHS five times slower.

Why this pipeline (measured on the bench's fairs, see bench/fair_schedule.py):

1. The LP relaxation (HiGHS) is nearly integral on these instances: per slot the constraints
   are a bipartite matching polytope, and only the caps, tables and "one slot per request" rows
   couple the slots. On the 6,000-request fair a few dozen of ~70,000 values are fractional and
   the solve takes 1-2 s.
2. Rounding keeps the columns at 1 and inserts the rest in order of LP value (slots in order of
   their LP value), with short ejection chains.
3. Local search (search.py) repairs what rounding lost. The result is compared with the LP
   bound; when they meet it is optimal, which is the usual case.
4. If a gap remains and the model is small, HiGHS branch-and-bound runs with a node limit (a
   work limit keeps the output deterministic, unlike a time limit), and its solution is taken
   when better.

If the LP cannot be solved in the time given, a greedy start (best score first, least contested
slot first) plus the same local search gives a valid, slightly weaker schedule.

Determinism: requests are sorted by id and participants numbered by first appearance, every
loop runs in index order, ties break on ids, HiGHS is deterministic, and no step depends on the
clock except the ``time_limit`` safety valves (which a normal run never reaches).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Literal, get_args

import numpy as np

from . import lp
from .check import validate
from .model import Bound, Instance, Problem, Reason, Schedule, bits
from .search import FREE, OutOfTime, State, greedy, improve
from .tables import number_tables

Method = Literal["auto", "lp", "greedy", "milp"]
METHODS = get_args(Method)
MILP_MAX_COLUMNS = 30_000  # the 1,500-request fair (~17k columns) closes in under a second
MILP_NODE_LIMIT = 200
EPS = 1e-6


def schedule(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    progress: Callable[[float], None] | None = None,
    method: Method = "auto",
) -> Schedule:
    """Place the accepted requests into (slot, table) pairs; see the module doc for how.

    ``method``: ``"auto"`` (LP, rounding, local search, MILP polish when small), ``"lp"`` (no
    MILP polish), ``"greedy"`` (no LP at all; the fallback), ``"milp"`` (exact branch and bound
    within ``time_limit``, for tests and benchmarks).
    Raises ValueError on malformed input (unknown ids, fixed meetings that contradict each
    other); fixed meetings that merely break a rule are kept and listed in ``warnings``.
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    start = time.monotonic()
    deadline = start + time_limit

    def report(x: float) -> None:
        if progress is not None:
            progress(min(1.0, max(0.0, x)))

    report(0.0)
    inst = Instance(problem)
    warnings = validate(problem, _fixed_only(inst))
    n = len(inst.requests)
    stats: dict[str, float] = {}

    prev_slot = {}
    for rid, (slot, _table) in problem.previous.items():
        i = inst.request_index.get(rid)
        k = inst.slot_index.get(slot)
        if i is not None and k is not None:
            prev_slot[i] = k

    big = len(inst.free) + 1.0
    state: State | None = None
    bound_value: float | None = None
    if method in ("auto", "lp", "milp") and inst.free:
        model = lp.build(inst)
        objective = big + model.weight
        report(0.05)
        if method == "milp":
            out = lp.solve(model, objective, integer=True, time_limit=time_limit)
            if out is not None:
                state = _state_from_columns(inst, model, out.x > 0.5, None)
                bound_value = out.bound
        else:
            out = lp.solve(model, objective, time_limit=max(0.1, 0.7 * time_limit))
            if out is not None:
                # Stopped early, HiGHS's point is still a fine guide, but its value no bound.
                x, bound_value = out.x, (out.value if out.optimal else None)
                stats["lp_fractional"] = float(np.sum((x > EPS) & (x < 1 - EPS)))
                report(0.6)
                state = _round(inst, model, x, prev_slot)
                try:
                    improve(state, deadline=deadline)
                except OutOfTime:
                    state.rollback(0)
                    state.commit()
                report(0.8)
                if (
                    method == "auto"
                    and bound_value is not None
                    and _value(state, big) < bound_value - 1e-7 * big
                    and len(model.req) <= MILP_MAX_COLUMNS
                    and time.monotonic() < deadline
                ):
                    state, bound_value = _polish(
                        inst, model, objective, state, big, bound_value, deadline, stats
                    )
    if state is None:
        state = _greedy_start(inst, prev_slot)
        try:
            improve(
                state,
                deadline=deadline,
                on_pass=lambda n_pass: report(min(0.85, 0.3 + 0.05 * n_pass)),
            )
        except OutOfTime:
            state.rollback(0)
            state.commit()
        stats["fallback"] = 1.0
    if prev_slot:
        stats["restored"] = float(_restore_previous(state, prev_slot))
    report(0.9)

    new = {i: state.slot_of[i] for i in range(n) if state.slot_of[i] != FREE}
    tables = number_tables(inst, new, problem.previous)
    assignments: dict[int, tuple[int, int]] = {}
    for i in range(n):
        r = inst.requests[i]
        if i in inst.fixed:
            k, t = inst.fixed[i]
            assignments[r.id] = (inst.slots[k], t)
        elif i in new:
            assignments[r.id] = (inst.slots[new[i]], tables[i])
    unscheduled = [
        (inst.requests[i].id, _reason(inst, state, i))
        for i in range(n)
        if i not in inst.fixed and i not in new
    ]
    count = len(assignments)
    weight = sum(inst.w[inst.request_index[rid]] for rid in assignments)
    result = Schedule(
        assignments=assignments,
        unscheduled=unscheduled,
        count=count,
        weight=weight,
        warnings=warnings,
        stats=stats,
    )
    if bound_value is not None:
        # count <= value / BIG for any schedule; score of any schedule with our count <= rest.
        fixed_w = sum(inst.w[i] for i in inst.fixed)
        n_new = count - len(inst.fixed)
        stats["bound_count"] = len(inst.fixed) + math.floor(bound_value / big + 1e-9)
        stats["bound_weight"] = fixed_w + bound_value - big * n_new
        stats["optimal"] = float(_value(state, big) >= bound_value - 1e-7 * big)
        result.upper_bound = Bound(count=stats["bound_count"], weight=stats["bound_weight"])
    stats["seconds"] = time.monotonic() - start

    # Safety net: whatever the fixed meetings break is known; anything else is a bug here.
    problems = [v for v in validate(problem, result) if v not in warnings]
    if problems:
        raise RuntimeError("scheduler produced an invalid schedule: " + "; ".join(problems))
    report(1.0)
    return result


def _value(state: State, big: float) -> float:
    """The LP's objective for this schedule."""
    return big * state.count + state.weight


def _restore_previous(state: State, prev_slot: dict[int, int]) -> int:
    """Move meetings back to their previous slot, where needed by moving meetings that are not
    in their previous slot either (a chain of at most two), so that no move undoes another.
    Count and score do not change. Returns the number of meetings put back."""
    stays = {i for i, k in prev_slot.items() if state.slot_of[i] == k}
    restored = 0
    for _round in range(3):  # a move back can free the seat another one needs
        changed = False
        for i in sorted(prev_slot):
            k, now = prev_slot[i], state.slot_of[i]
            if now in (FREE, k):
                continue
            mark = state.mark()
            state.unassign(i)
            if state.place_at(i, k, 2, stays):
                stays.add(i)
                restored += 1
                changed = True
            else:
                state.rollback(mark)
            state.commit()
        if not changed:
            break
    return restored


def _fixed_only(inst: Instance) -> dict[int, tuple[int, int]]:
    return {inst.requests[i].id: (inst.slots[k], t) for i, (k, t) in inst.fixed.items()}


def _round(inst: Instance, model: lp.Model, x: np.ndarray, prev_slot: dict[int, int]) -> State:
    """Keep the LP's integral placements, then insert the rest by LP value."""
    n, s = len(inst.requests), inst.n_slots
    value = np.zeros(n)
    np.add.at(value, model.req, x)
    pref = np.zeros((n, s))
    pref[model.req, model.slot] = x
    for i, k in prev_slot.items():
        pref[i, k] += 1e-9  # on equal LP value, the previous slot first
    slot_order = [sorted(range(s), key=lambda k, row=pref[i]: (-row[k], k)) for i in range(n)]
    state = _state_from_columns(inst, model, x > 1 - EPS, slot_order)
    rest = sorted(inst.free, key=lambda i: (-value[i], -inst.w[i], i))
    greedy(state, rest, depth=2)
    return state


def _state_from_columns(
    inst: Instance, model: lp.Model, chosen: np.ndarray, slot_order: list[list[int]] | None
) -> State:
    state = State(inst, slot_order)
    for j in np.flatnonzero(chosen):
        i, k = int(model.req[j]), int(model.slot[j])
        # Guard against numerical noise: only take what is still valid.
        if state.slot_of[i] == FREE and state.has_cap(i) and state.direct_slots(i) >> k & 1:
            state.assign(i, k)
    state.commit()
    return state


def _polish(
    inst: Instance,
    model: lp.Model,
    objective: np.ndarray,
    state: State,
    big: float,
    bound: float,
    deadline: float,
    stats: dict[str, float],
) -> tuple[State, float]:
    """Branch and bound on a small model; keep its solution only if it beats the local
    search. Returns the state and the (possibly tighter) bound."""
    left = deadline - time.monotonic()
    out = lp.solve(model, objective, integer=True, time_limit=left, node_limit=MILP_NODE_LIMIT)
    if out is None:
        return state, bound
    bound = min(bound, out.bound)
    candidate = _state_from_columns(inst, model, out.x > 0.5, state.slot_order)
    if _value(candidate, big) > _value(state, big) + 1e-9:
        stats["milp_polish"] = 1.0
        return candidate, bound
    return state, bound


def _greedy_start(inst: Instance, prev_slot: dict[int, int]) -> State:
    """Best score first; each request into its previous slot if possible, else the slot that
    the fewest other requests (weighted by how few options they have) could use per table."""
    s = inst.n_slots
    demand = [0.0] * s
    for i in inst.free:
        slots = bits(inst.feasible[i])
        for k in slots:
            demand[k] += 1.0 / len(slots)
    pressure = [demand[k] / inst.room[k] if inst.room[k] else float("inf") for k in range(s)]
    base = sorted(range(s), key=lambda k: (pressure[k], k))
    slot_order = []
    for i in range(len(inst.requests)):
        k0 = prev_slot.get(i)
        slot_order.append(base if k0 is None else [k0] + [k for k in base if k != k0])
    state = State(inst, slot_order)
    greedy(state, sorted(inst.free, key=lambda i: (-inst.w[i], i)), depth=1)
    return state


def _reason(inst: Instance, state: State, i: int) -> Reason:
    a, b = inst.a[i], inst.b[i]
    common = inst.avail[a] & inst.avail[b]
    if not any(inst.tables[k] > 0 for k in bits(common)):
        return Reason.NO_COMMON_SLOT
    cap = inst.problem.cap
    if inst.fixed_load[a] + state.load[a] >= cap or inst.fixed_load[b] + state.load[b] >= cap:
        return Reason.CAP_REACHED
    return Reason.NO_ROOM
