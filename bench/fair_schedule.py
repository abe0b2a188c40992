"""Quality and speed of the fair's meeting scheduler (matchmaking/scheduling) on synthetic fairs.

Fairs (seeded, so every run sees the same instances): 16 slots over two days (4 morning and 4
afternoon slots a day, fewer tables after lunch), cap 8 meetings per participant, 60% of the
participants enterprises and 40% research teams whose popularity is log-normal (a few teams are
asked by far more enterprises than their cap allows). Each participant misses a random 0-30% of
the slots: a quarter arrive late, a quarter leave early, the rest have scattered gaps. Weights
are match scores (Beta(5, 3), three decimals; 15% of requests have no score and weigh 0.5).

    small       50 participants,   200 requests, 8 / 6 tables     (tables bind)
    medium     300 participants, 1,500 requests, 60 / 45 tables   (tables and caps)
    large    1,000 participants, 6,000 requests, 120 / 90 tables  (tables bind)
    large-cap 1,000 participants, 6,000 requests, 250 / 188 tables (caps and availability bind)

For each: meetings and summed score of ``schedule()``, its time, the LP upper bound, the exact
optimum by HiGHS branch and bound (scipy, always available) and by OR-tools CP-SAT (only when
``ortools`` is installed; 2 workers, ``--cpsat-limit`` seconds), and the ratios to the best
proven optimum (or to the bound). Then a re-run after late changes with 10% of the meetings
fixed (fixed kept, diff of what moved) and a determinism check (same input twice, and the
requests in another order).

Usage: python bench/fair_schedule.py [--no-exact] [--cpsat-limit S] [--quick]
``--quick`` runs small and medium only. About 2-4 minutes in full on 2 cores.

Then the fair day (matchmaking/services/fairs.py, day_of): on the large fair (1,000
participants), 10% of the participants with meetings are absent at 11:00 (slot 3; slots are an
hour from 09:00). Their meetings from 11:00 on are freed; the re-run keeps every other meeting,
takes no new meeting in slots already started, and places accepted requests that did not fit
between participants present. Refilled = new meetings placed; compared with what the MILP
(HiGHS, same model) refills. Run on large (tables bind) and large-cap (caps and availability
bind). ``--day-of-only`` runs just this part.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from matchmaking.scheduling import (  # noqa: E402
    FixedMeeting,
    Problem,
    Request,
    diff,
    schedule,
    upper_bound,
    validate,
)
from matchmaking.scheduling.model import Instance, bits  # noqa: E402

N_SLOTS = 16
CAP = 8
FAIRS = [
    ("small", 50, 200, 8),
    ("medium", 300, 1500, 60),
    ("large", 1000, 6000, 120),
    ("large-cap", 1000, 6000, 250),
]


def make_fair(n_participants: int, n_requests: int, tables: int, seed: int = 0) -> Problem:
    rng = random.Random(seed)
    n_ent = int(n_participants * 0.6)
    enterprises = [f"ent-{i}" for i in range(n_ent)]
    teams = [f"lab-{i}" for i in range(n_participants - n_ent)]
    popularity = [rng.lognormvariate(0, 0.8) for _ in teams]
    pairs: set[tuple[str, str]] = set()
    requests = []
    while len(requests) < n_requests:
        e = rng.choice(enterprises)
        t = rng.choices(teams, popularity)[0]
        if (e, t) in pairs:
            continue
        pairs.add((e, t))
        score = round(min(1.0, max(0.05, rng.betavariate(5, 3))), 3)
        w = 0.5 if rng.random() < 0.15 else score  # no match score: the default weight
        requests.append(Request(id=1000 + len(requests), a=e, b=t, weight=w))
    slots = list(range(1, N_SLOTS + 1))
    availability = {}
    for p in enterprises + teams:
        k = round(rng.uniform(0, 0.3) * N_SLOTS)
        mode = rng.random()
        if mode < 0.25:
            off = slots[:k]  # arrives late
        elif mode < 0.5:
            off = slots[N_SLOTS - k :]  # leaves early
        else:
            off = rng.sample(slots, k)
        if off:
            availability[p] = set(slots) - set(off)
    per_slot = {s: tables if (s - 1) % 8 < 4 else round(tables * 0.75) for s in slots}
    return Problem(
        slots=slots, tables=per_slot, cap=CAP, requests=requests, availability=availability
    )


def cpsat(problem: Problem, limit: float) -> tuple[int, float, str, float] | None:
    """Exact optimum by CP-SAT, same lexicographic objective (scores in thousandths)."""
    try:
        from ortools.sat.python import cp_model
    except ImportError:
        return None
    inst = Instance(problem)
    m = cp_model.CpModel()
    x = {}
    for i in inst.free:
        for k in bits(inst.feasible[i]):
            if inst.room[k] > 0:
                x[i, k] = m.NewBoolVar(f"x{i}_{k}")
    by_req: dict = {}
    by_ps: dict = {}
    by_p: dict = {}
    by_s: dict = {}
    for (i, k), v in x.items():
        by_req.setdefault(i, []).append(v)
        by_s.setdefault(k, []).append(v)
        for p in (inst.a[i], inst.b[i]):
            by_ps.setdefault((p, k), []).append(v)
            by_p.setdefault(p, []).append(v)
    for vs in list(by_req.values()) + list(by_ps.values()):
        m.AddAtMostOne(vs)
    for p, vs in by_p.items():
        m.Add(sum(vs) <= inst.cap_left[p])
    for k, vs in by_s.items():
        m.Add(sum(vs) <= inst.room[k])
    big = 1000 * (len(inst.free) + 1)
    m.Maximize(sum((big + round(1000 * inst.w[i])) * v for (i, _k), v in x.items()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.num_workers = 2
    t0 = time.monotonic()
    status = solver.Solve(m)
    elapsed = time.monotonic() - t0
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    obj = round(solver.ObjectiveValue())
    fixed_w = sum(inst.w[i] for i in inst.fixed)
    count = len(inst.fixed) + obj // big
    return count, fixed_w + (obj % big) / 1000, solver.StatusName(status), elapsed


def row(cells: list[str], widths: list[int]) -> str:
    return "  ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-exact", action="store_true", help="skip HiGHS B&B and CP-SAT")
    ap.add_argument("--cpsat-limit", type=float, default=30.0)
    ap.add_argument("--milp-limit", type=float, default=60.0)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    fairs = FAIRS[:2] if args.quick else FAIRS
    try:
        import ortools  # noqa: F401

        have_cpsat = not args.no_exact
    except ImportError:
        have_cpsat = False
        if not args.no_exact:
            print("(ortools not installed: no CP-SAT column)")

    heads = [
        "fair",
        "reqs",
        "meetings",
        "score",
        "time s",
        "LP bound",
        "HiGHS opt",
        "t s",
        "CP-SAT",
        "t s",
        "count %",
        "score %",
    ]
    widths = [9, 5, 8, 8, 6, 17, 17, 5, 22, 5, 7, 7]
    print(row(heads, widths))
    results = {}
    for name, n_p, n_r, tables in fairs:
        problem = make_fair(n_p, n_r, tables)
        t0 = time.monotonic()
        got = schedule(problem)
        elapsed = time.monotonic() - t0
        assert not validate(problem, got), validate(problem, got)
        results[name] = (problem, got)
        bound = upper_bound(problem)
        ref_count, ref_weight, ref_proved = bound.count, bound.weight, False
        milp_cell = cp_cell = "-"
        milp_t = cp_t = "-"
        if not args.no_exact:
            t1 = time.monotonic()
            exact = schedule(problem, method="milp", time_limit=args.milp_limit)
            milp_t = f"{time.monotonic() - t1:.1f}"
            proved = exact.stats.get("optimal") == 1.0
            milp_cell = f"{exact.count}/{exact.weight:.3f}{'' if proved else '?'}"
            if proved:
                ref_count, ref_weight, ref_proved = exact.count, exact.weight, True
        if have_cpsat:
            out = cpsat(problem, args.cpsat_limit)
            if out is not None:
                c, w, status, t = out
                cp_cell = f"{c}/{w:.3f} {status[:4].lower()}"
                cp_t = f"{t:.1f}"
                if status == "OPTIMAL" and not ref_proved:
                    ref_count, ref_weight, ref_proved = c, w, True
        print(
            row(
                [
                    name,
                    str(n_r),
                    str(got.count),
                    f"{got.weight:.3f}",
                    f"{elapsed:.2f}",
                    f"{bound.count:.1f}/{bound.weight:.2f}",
                    milp_cell,
                    milp_t,
                    cp_cell,
                    cp_t,
                    f"{100 * got.count / max(ref_count, 1e-9):.2f}",
                    f"{100 * got.weight / max(ref_weight, 1e-9):.2f}",
                ],
                widths,
            )
        )
    print(
        "score = summed match scores; LP bound = most meetings / most score, each on its own;"
        "\n'?' = B&B stopped before proving optimality; % against the proven optimum, else the"
        " bound."
    )

    # Re-run after late changes, with 10% of the meetings confirmed (fixed).
    name = "large-cap" if "large-cap" in results else fairs[-1][0]
    problem, first = results[name]
    rng = random.Random(1)
    rids = sorted(first.assignments)
    fixed_ids = sorted(rng.sample(rids, len(rids) // 10))
    fixed = [FixedMeeting(rid, *first.assignments[rid]) for rid in fixed_ids]
    fixed_set = set(fixed_ids)
    # Late changes: 2% of the other requests withdrawn, 3% new ones, 5% of the participants
    # lose one more slot (fixed meetings are never touched).
    requests = [r for r in problem.requests if r.id in fixed_set or rng.random() > 0.02]
    participants = sorted({p for r in problem.requests for p in (r.a, r.b)})
    pairs = {(r.a, r.b) for r in requests}
    next_id = max(r.id for r in problem.requests) + 1
    for _ in range(len(problem.requests) * 3 // 100):
        a = rng.choice([p for p in participants if p.startswith("ent")])
        b = rng.choice([p for p in participants if p.startswith("lab")])
        if (a, b) not in pairs:
            pairs.add((a, b))
            requests.append(Request(next_id, a, b, round(rng.uniform(0.3, 1.0), 3)))
            next_id += 1
    busy_fixed = {(p, f.slot) for f in fixed for r in problem.requests if r.id == f.request_id
                  for p in (r.a, r.b)}  # fmt: skip
    availability = {p: set(s) for p, s in problem.availability.items()}
    for p in rng.sample(participants, len(participants) // 20):
        options = [s for s in availability.get(p, set(problem.slots)) if (p, s) not in busy_fixed]
        if options:
            availability[p] = set(availability.get(p, set(problem.slots))) - {rng.choice(options)}
    late = Problem(
        slots=problem.slots,
        tables=problem.tables,
        cap=problem.cap,
        requests=requests,
        availability=availability,
        fixed=fixed,
        previous=first.assignments,
    )
    t0 = time.monotonic()
    again = schedule(late)
    elapsed = time.monotonic() - t0
    assert not validate(late, again), validate(late, again)
    kept = all(again.assignments[f.request_id] == (f.slot, f.table) for f in fixed)
    d = diff(first.assignments, again.assignments)
    moved_slot = sum(1 for rid in d.moved if first.assignments[rid][0] != again.assignments[rid][0])
    late_bound = upper_bound(late)
    print(
        f"\nre-run of {name} after late changes, {len(fixed)} meetings fixed (10%): "
        f"{again.count} meetings, score {again.weight:.3f} (LP bound {late_bound.weight:.3f}), "
        f"{elapsed:.2f} s; fixed kept: {kept}\n"
        f"  diff: {len(d.added)} added, {len(d.removed)} removed, {len(d.moved)} moved "
        f"({moved_slot} to another slot, {len(d.moved) - moved_slot} table only), "
        f"{len(d.unchanged)} unchanged"
    )

    # Determinism: the same input twice, and the same input with the requests shuffled.
    twice = schedule(late)
    shuffled_requests = list(late.requests)
    random.Random(2).shuffle(shuffled_requests)
    shuffled = schedule(
        Problem(
            slots=late.slots,
            tables=late.tables,
            cap=late.cap,
            requests=shuffled_requests,
            availability=late.availability,
            fixed=list(reversed(late.fixed)),
            previous=late.previous,
        )
    )
    same = twice.assignments == again.assignments
    same_shuffled = shuffled.assignments == again.assignments
    print(f"determinism: same input -> same schedule: {same}; shuffled input: {same_shuffled}")
    if not (kept and same and same_shuffled):
        sys.exit(1)


def day_of(fair: tuple = FAIRS[2], milp_limit: float = 120.0) -> None:
    """10% no-shows at 11:00 on a 1,000-participant fair: re-run time and tables refilled."""
    name, n_p, n_r, tables = fair
    problem = make_fair(n_p, n_r, tables, seed=0)
    t0 = time.monotonic()
    first = schedule(problem)
    print(
        f"\nday-of re-run on {name} ({n_p} participants, {n_r} requests): first agenda "
        f"{first.count} meetings in {time.monotonic() - t0:.1f} s"
    )
    rng = random.Random(3)
    by_id = {r.id: r for r in problem.requests}
    with_meetings = sorted({p for rid in first.assignments for p in (by_id[rid].a, by_id[rid].b)})
    absent = set(rng.sample(with_meetings, len(with_meetings) // 10))
    now_slot = 3  # 11:00
    ahead = {s for s in problem.slots if s >= now_slot}
    fixed, freed = [], 0
    for rid, (slot, table) in sorted(first.assignments.items()):
        r = by_id[rid]
        if {r.a, r.b} & absent and slot in ahead:
            freed += 1  # cancelled: the table is free
            continue
        fixed.append(FixedMeeting(rid, slot, table))  # kept (a past no-show still counts)
    placed = {f.request_id for f in fixed}
    requests = [r for r in problem.requests if r.id in placed or not ({r.a, r.b} & absent)]
    participants = {p for r in problem.requests for p in (r.a, r.b)}
    availability = {
        p: set(problem.availability.get(p, set(problem.slots))) & ahead for p in participants
    }
    rest = Problem(
        slots=problem.slots,
        tables={s: (problem.tables_at(s) if s in ahead else 0) for s in problem.slots},
        cap=problem.cap,
        requests=requests,
        availability=availability,
        fixed=fixed,
        previous=dict(first.assignments),
    )
    t0 = time.monotonic()
    again = schedule(rest)
    elapsed = time.monotonic() - t0
    kept = all(again.assignments[f.request_id] == (f.slot, f.table) for f in fixed)
    refilled = again.count - len(fixed)
    t1 = time.monotonic()
    exact = schedule(rest, method="milp", time_limit=milp_limit)
    milp_elapsed = time.monotonic() - t1
    optimum = exact.count - len(fixed)
    proved = exact.stats.get("optimal") == 1.0
    print(
        f"  {len(absent)} absent at 11:00 ({len(absent) / len(with_meetings):.0%} of those with "
        f"meetings); {freed} meetings from 11:00 on freed; {len(fixed)} meetings kept: {kept}\n"
        f"  re-run: {refilled} meetings placed at free tables in {elapsed:.2f} s "
        f"({refilled / max(freed, 1):.0%} of the freed tables)\n"
        f"  MILP{'' if proved else ' (not proved optimal)'}: {optimum} placed in "
        f"{milp_elapsed:.1f} s; the re-run refills {100 * refilled / max(optimum, 1):.1f}% "
        f"of what the optimum refills (target >= 80%)"
    )
    if not kept:
        sys.exit(1)


if __name__ == "__main__":
    if "--day-of-only" not in sys.argv:
        main()
    for fair in FAIRS[2:]:  # large (tables bind) and large-cap (caps and availability bind)
        day_of(fair)
