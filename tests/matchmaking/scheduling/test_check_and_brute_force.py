"""validate() and diff(), and the scheduler against brute force on tiny random fairs."""

from __future__ import annotations

import random

import pytest

from matchmaking.scheduling import (
    FixedMeeting,
    Problem,
    Request,
    diff,
    schedule,
    upper_bound,
    validate,
)

# ----------------------------------------------------------------------------------------------
# validate()

RULES = Problem(
    slots=[1, 2],
    tables={1: 2, 2: 1},
    cap=2,
    requests=[
        Request(1, "A", "B"),
        Request(2, "A", "C"),
        Request(3, "D", "E"),
        Request(4, "A", "E"),
    ],
    availability={"D": {1}},
    fixed=[FixedMeeting(1, 1, 1)],
)


def test_validate_accepts_a_valid_schedule():
    assert validate(RULES, {1: (1, 1), 2: (2, 1), 3: (1, 2)}) == []
    assert validate(RULES, schedule(RULES)) == []


@pytest.mark.parametrize(
    ("assignments", "expected"),
    [
        ({1: (1, 1), 2: (1, 2)}, ["participant 'A': 2 meetings in slot 1 [1, 2]"]),
        ({1: (1, 1), 3: (1, 1)}, ["slot 1, table 1: 2 meetings [1, 3]"]),
        ({1: (1, 1), 3: (2, 1)}, ["request 3: participant 'D' is not available in slot 2"]),
        ({1: (1, 1), 3: (1, 3)}, ["request 3: table 3 not in 1..2"]),
        (
            {1: (1, 1), 2: (2, 1), 4: (1, 2)},
            [
                "participant 'A': 2 meetings in slot 1 [1, 4]",
                "participant 'A': 3 meetings, cap 2",
            ],
        ),  # fmt: skip
        ({1: (2, 1)}, ["fixed request 1: at (2, 1), fixed at (1, 1)"]),
        ({2: (1, 2)}, ["fixed request 1: at None, fixed at (1, 1)"]),
        ({1: (1, 1), 9: (1, 2)}, ["request 9: unknown request"]),
        ({1: (1, 1), 3: (7, 1)}, ["request 3: unknown slot 7"]),
    ],
)
def test_validate_names_each_broken_rule(assignments, expected):
    assert validate(RULES, assignments) == expected


def test_validate_counts_meetings_per_slot():
    problem = Problem(
        slots=[1],
        tables=1,
        cap=5,
        requests=[Request(1, "A", "B"), Request(2, "C", "D")],
    )
    out = validate(problem, {1: (1, 1), 2: (1, 2)})
    assert out == ["request 2: table 2 not in 1..1", "slot 1: 2 meetings for 1 tables"]


# ----------------------------------------------------------------------------------------------
# diff()


def test_diff_classifies_each_request():
    old = {1: (1, 1), 2: (1, 2), 3: (2, 1), 4: (3, 5)}
    new = {1: (1, 1), 2: (2, 2), 3: (2, 4), 5: (3, 1)}
    d = diff(old, new)
    assert d.added == [5]
    assert d.removed == [4]
    assert d.moved == [2, 3]  # slot changed, table changed
    assert d.unchanged == [1]
    assert d.changed
    assert not diff(new, dict(new)).changed


# ----------------------------------------------------------------------------------------------
# brute force


def brute_force(problem: Problem) -> tuple[int, float]:
    """Best (count, score) over every way to give each request a slot or none."""
    requests = sorted(problem.requests, key=lambda r: r.id)
    fixed = {f.request_id: f.slot for f in problem.fixed}
    busy: set[tuple[object, int]] = set()
    load: dict[object, int] = {}
    used = dict.fromkeys(problem.slots, 0)
    for r in requests:
        if r.id in fixed:
            s = fixed[r.id]
            busy |= {(r.a, s), (r.b, s)}
            load[r.a] = load.get(r.a, 0) + 1
            load[r.b] = load.get(r.b, 0) + 1
            used[s] += 1
    free = [r for r in requests if r.id not in fixed]
    best = (0, 0.0)

    def go(i: int, count: int, weight: float) -> None:
        nonlocal best
        if (count, round(weight, 9)) > (best[0], round(best[1], 9)):
            best = (count, weight)
        if i == len(free) or count + len(free) - i < best[0]:
            return
        r = free[i]
        if load.get(r.a, 0) < problem.cap and load.get(r.b, 0) < problem.cap:
            for s in problem.slots:
                if (
                    used[s] < problem.tables_at(s)
                    and (r.a, s) not in busy
                    and (r.b, s) not in busy
                    and problem.available(r.a, s)
                    and problem.available(r.b, s)
                ):
                    busy.update({(r.a, s), (r.b, s)})
                    load[r.a] = load.get(r.a, 0) + 1
                    load[r.b] = load.get(r.b, 0) + 1
                    used[s] += 1
                    go(i + 1, count + 1, weight + r.weight)
                    busy.difference_update({(r.a, s), (r.b, s)})
                    load[r.a] -= 1
                    load[r.b] -= 1
                    used[s] -= 1
        go(i + 1, count, weight)

    fixed_weight = sum(r.weight for r in requests if r.id in fixed)
    go(0, len(fixed), fixed_weight)
    return best


def tiny_fair(seed: int) -> Problem:
    rng = random.Random(seed)
    slots = [1, 2, 3]
    people_a = [f"e{i}" for i in range(rng.randint(2, 4))]
    people_b = [f"r{i}" for i in range(rng.randint(1, 3))]
    if rng.random() < 0.4:
        # One pool on both sides: odd cycles make the LP fractional, so rounding, local
        # search and the MILP polish all get exercised (on the two-sided fairs the LP is
        # almost always integral already).
        people_a = people_b = people_a + people_b
    pairs = sorted(
        {
            pair
            for _ in range(rng.randint(3, 8))
            if (pair := (rng.choice(people_a), rng.choice(people_b)))[0] != pair[1]
        }
    )
    # Weights from a few values, so that ties (broken by ids) are common.
    requests = [
        Request(10 * (n + 1), a, b, rng.choice([0.5, 0.3, 0.8, 1.0, round(rng.random(), 2) or 0.1]))
        for n, (a, b) in enumerate(pairs)
    ]
    availability = {
        p: set(rng.sample(slots, rng.randint(1, 3)))
        for p in people_a + people_b
        if rng.random() < 0.4
    }
    tables = {s: rng.randint(0, 3) for s in slots} if rng.random() < 0.7 else rng.randint(1, 2)
    problem = Problem(
        slots=slots,
        tables=tables,
        cap=rng.randint(1, 3),
        requests=requests,
        availability=availability,
    )
    if rng.random() < 0.4:
        # Fix one request where a valid schedule had it, so that the fixed set is consistent.
        some = schedule(problem, method="greedy").assignments
        if some:
            rid = rng.choice(sorted(some))
            problem.fixed = [FixedMeeting(rid, *some[rid])]
    return problem


@pytest.mark.parametrize("seed", range(120))
def test_matches_brute_force_on_tiny_fairs(seed):
    problem = tiny_fair(seed)
    best_count, best_weight = brute_force(problem)
    bound = upper_bound(problem)
    assert bound.count >= best_count and bound.weight >= best_weight - 1e-9
    for method in ("auto", "milp"):
        out = schedule(problem, method=method)
        assert validate(problem, out) == []
        assert out.count == best_count, method
        assert out.weight == pytest.approx(best_weight), method
    # The fallbacks are never better than the optimum, and valid.
    for method in ("lp", "greedy"):
        out = schedule(problem, method=method)
        assert validate(problem, out) == []
        assert (out.count, round(out.weight, 9)) <= (best_count, round(best_weight, 9))
