"""The scheduling problem as a (mixed-integer) linear programme, solved with HiGHS via scipy.

One binary ``x[r, s]`` per free request ``r`` and slot ``s`` it could use, and four families of
rows: a request meets at most once, a participant is in at most one meeting per slot, a
participant has at most ``cap`` meetings (fixed ones already subtracted), a slot has at most as
many new meetings as free tables. Its LP relaxation is the upper bound reported next to every
schedule; the heuristic also uses the relaxation's values to decide which requests to place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from .model import Bound, Instance, Problem, bits


@dataclass
class Model:
    """Column ``j`` is request ``req[j]`` in slot index ``slot[j]``."""

    req: np.ndarray
    slot: np.ndarray
    weight: np.ndarray
    matrix: sparse.csr_array
    upper: np.ndarray


def build(inst: Instance) -> Model:
    req: list[int] = []
    slot: list[int] = []
    for i in inst.free:
        for k in bits(inst.feasible[i]):
            if inst.room[k] > 0:
                req.append(i)
                slot.append(k)
    req_a = np.asarray(req, dtype=np.int64)
    slot_a = np.asarray(slot, dtype=np.int64)
    n_cols = len(req)
    n_req = len(inst.requests)
    n_p = inst.n_participants
    n_s = inst.n_slots
    a = np.asarray(inst.a, dtype=np.int64)[req_a] if n_cols else req_a
    b = np.asarray(inst.b, dtype=np.int64)[req_a] if n_cols else req_a

    # Row blocks: [requests | participant x slot | participants | slots].
    off_ps = n_req
    off_p = off_ps + n_p * n_s
    off_s = off_p + n_p
    cols = np.arange(n_cols)
    rows = np.concatenate(
        [
            req_a,
            off_ps + a * n_s + slot_a,
            off_ps + b * n_s + slot_a,
            off_p + a,
            off_p + b,
            off_s + slot_a,
        ]
    )
    matrix = sparse.csr_array(
        (np.ones(len(rows)), (rows, np.tile(cols, 6))), shape=(off_s + n_s, n_cols)
    )
    upper = np.concatenate(
        [
            np.ones(n_req),
            np.ones(n_p * n_s),
            np.asarray(inst.cap_left, dtype=float),
            np.asarray(inst.room, dtype=float),
        ]
    )
    weight = np.asarray(inst.w, dtype=float)[req_a] if n_cols else np.zeros(0)
    return Model(req_a, slot_a, weight, matrix, upper)


@dataclass
class Solution:
    x: np.ndarray
    value: float
    bound: float  # no solution is worth more (the LP value itself for an LP)
    optimal: bool


def solve(
    model: Model,
    objective: np.ndarray,
    *,
    integer: bool = False,
    time_limit: float | None = None,
    node_limit: int | None = None,
) -> Solution | None:
    """Maximise ``objective @ x`` over the model's rows; None if HiGHS found no solution (out
    of time). Branch and bound runs to a zero relative gap: the objective's ``BIG`` term makes
    the default 1e-4 gap worth whole meetings."""
    n = len(objective)
    if n == 0:
        return Solution(np.zeros(0), 0.0, 0.0, True)
    options: dict[str, float | bool] = {"presolve": True}
    if time_limit is not None:
        options["time_limit"] = max(0.05, time_limit)
    if integer:
        options["mip_rel_gap"] = 0.0
        if node_limit is not None:
            options["node_limit"] = node_limit
    res = milp(
        -objective,
        constraints=LinearConstraint(model.matrix, -np.inf, model.upper),
        bounds=Bounds(0, 1),
        integrality=np.ones(n) if integer else None,
        options=options,
    )
    if res.x is None:
        return None
    bound = -res.fun
    if integer and getattr(res, "mip_dual_bound", None) is not None:
        bound = max(bound, -res.mip_dual_bound)
    return Solution(res.x, float(-res.fun), float(bound), res.status == 0)


def upper_bound(problem: Problem | Instance) -> Bound:
    """Upper bounds from the LP relaxation: the most meetings, and (separately) the largest
    summed score, that any valid schedule can reach, fixed meetings included.

    Both LPs are solved to optimality (HiGHS simplex/IPM); on the 6,000-request fair that takes
    a few seconds. A slightly weaker but instant fallback would be the table total.
    """
    inst = problem if isinstance(problem, Instance) else Instance(problem)
    fixed_count = len(inst.fixed)
    fixed_weight = sum(inst.w[i] for i in inst.fixed)
    model = build(inst)
    n = len(model.req)
    out_count = solve(model, np.ones(n))
    out_weight = solve(model, model.weight)
    if out_count is None or out_weight is None:  # x = 0 is feasible: only a solver failure
        raise RuntimeError("HiGHS could not solve the LP relaxation")
    # Counts are integers: the floor of the LP's count is still a bound.
    count = fixed_count + math.floor(out_count.value + 1e-6)
    return Bound(count=float(count), weight=fixed_weight + out_weight.value)
