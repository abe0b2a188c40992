"""Every rule of the scheduler on hand-made fairs whose optimum is known."""

from __future__ import annotations

import random

import pytest

from matchmaking.scheduling import (
    FixedMeeting,
    Problem,
    Reason,
    Request,
    schedule,
    upper_bound,
    validate,
)

METHODS = ["auto", "lp", "milp"]


def solve(problem: Problem, method: str = "auto"):
    out = schedule(problem, method=method)
    assert validate(problem, out) == out.warnings
    return out


@pytest.mark.parametrize("method", METHODS)
def test_three_compete_for_one_slot(method):
    # X is in all three requests and there is one slot: only the best match can meet.
    problem = Problem(
        slots=[1],
        tables=5,
        cap=8,
        requests=[Request(1, "A", "X", 0.7), Request(2, "B", "X", 0.9), Request(3, "C", "X", 0.8)],
    )
    out = solve(problem, method)
    assert out.assignments == {2: (1, 1)}
    assert (out.count, out.weight) == (1, 0.9)
    assert out.unscheduled == [(1, Reason.NO_ROOM), (3, Reason.NO_ROOM)]


@pytest.mark.parametrize("method", METHODS)
def test_cap_binds(method):
    # Four slots and plenty of tables, but X may have two meetings: its two best ones.
    problem = Problem(
        slots=[1, 2, 3, 4],
        tables=10,
        cap=2,
        requests=[Request(i, f"E{i}", "X", w) for i, w in enumerate([0.2, 0.9, 0.5, 0.8], 1)],
    )
    out = solve(problem, method)
    assert sorted(out.assignments) == [2, 4]
    assert dict(out.unscheduled) == {1: Reason.CAP_REACHED, 3: Reason.CAP_REACHED}


@pytest.mark.parametrize("method", METHODS)
def test_count_comes_before_score(method):
    # X-A alone scores 0.95; X-B plus A-C score less (0.5) but are two meetings, which wins.
    problem = Problem(
        slots=[1],
        tables=5,
        cap=1,
        requests=[Request(1, "A", "X", 0.95), Request(2, "B", "X", 0.2), Request(3, "A", "C", 0.3)],
    )
    out = solve(problem, method)
    assert sorted(out.assignments) == [2, 3]
    assert out.count == 2 and out.weight == pytest.approx(0.5)


@pytest.mark.parametrize("method", METHODS)
def test_availability_forces_the_slot(method):
    problem = Problem(
        slots=[10, 20, 30],
        tables=1,
        cap=8,
        requests=[Request(1, "A", "B", 0.6), Request(2, "C", "D", 0.9)],
        availability={"A": {20}, "C": {20, 30}, "D": {10, 20}},
    )
    out = solve(problem, method)
    # Both pairs can only meet in slot 20, which has one table: the better match gets it.
    assert out.assignments == {2: (20, 1)}
    # Once D can stay for slot 30, C-D moves there and A-B gets slot 20, A's only slot.
    problem.availability = {"A": {20}, "C": {20, 30}}
    out = solve(problem, method)
    assert out.assignments == {1: (20, 1), 2: (30, 1)}


@pytest.mark.parametrize("method", METHODS)
def test_tables_bind_and_may_differ_per_slot(method):
    pairs = [Request(i, f"E{i}", f"L{i}", w) for i, w in enumerate([0.3, 0.9, 0.4, 0.8, 0.5], 1)]
    # Slot 2 (lunch) has no tables at all, slot 3 one: three meetings, the three best.
    problem = Problem(slots=[1, 2, 3], tables={1: 2, 3: 1}, cap=8, requests=pairs)
    out = solve(problem, method)
    assert sorted(out.assignments) == [2, 4, 5]
    assert {slot for slot, _ in out.assignments.values()} == {1, 3}
    assert sorted(t for s, t in out.assignments.values() if s == 1) == [1, 2]


@pytest.mark.parametrize("method", METHODS)
def test_weights_decide_between_conflicting_requests(method):
    problem = Problem(
        slots=[1],
        tables=3,
        cap=8,
        requests=[Request(1, "A", "B", 0.41), Request(2, "A", "C", 0.42)],
    )
    assert sorted(solve(problem, method).assignments) == [2]


@pytest.mark.parametrize("method", METHODS)
def test_nobody_in_two_places_at_once(method):
    # A star around X with two slots: X meets two of them, one in each slot.
    problem = Problem(
        slots=[1, 2],
        tables=3,
        cap=8,
        requests=[Request(i, f"E{i}", "X", 0.5) for i in range(1, 4)],
    )
    out = solve(problem, method)
    assert out.count == 2
    assert sorted(s for s, _ in out.assignments.values()) == [1, 2]


def test_default_weight_and_mixed_participant_ids():
    problem = Problem(
        slots=[1, 2],
        tables=1,
        cap=8,
        requests=[Request(1, 7, "lab-1"), Request(2, 7, "lab-2", 0.6), Request(3, "x", 8)],
    )
    out = solve(problem)
    # 7 meets both labs (one per slot) or lab-2 and x-8 meet: 1.1 either way; 2 is in both.
    assert out.count == 2 and out.weight == pytest.approx(1.1)
    assert 2 in out.assignments


def test_fixed_meetings_stay_and_use_capacity():
    requests = [Request(i, f"E{i % 3}", f"L{i % 4}", 0.3 + 0.05 * i) for i in range(1, 13)]
    problem = Problem(slots=[1, 2, 3], tables=2, cap=3, requests=requests)
    free = solve(problem)
    fixed = [FixedMeeting(1, 3, 2), FixedMeeting(2, 1, 1)]  # request 1 is not in `free`'s best
    problem.fixed = fixed
    out = solve(problem)
    assert out.assignments[1] == (3, 2) and out.assignments[2] == (1, 1)
    assert out.count <= free.count
    assert not validate(problem, out)


def test_fixed_meetings_breaking_rules_are_kept_with_warnings():
    problem = Problem(
        slots=[1, 2],
        tables=1,
        cap=1,
        requests=[Request(1, "A", "B", 0.5), Request(2, "A", "C", 0.9), Request(3, "D", "C")],
        availability={"B": {2}},  # B said after confirming that it cannot come in slot 1
        fixed=[FixedMeeting(1, 1, 1)],
    )
    out = schedule(problem)
    assert out.assignments[1] == (1, 1)
    assert out.warnings == ["request 1: participant 'B' is not available in slot 1"]
    assert validate(problem, out) == out.warnings
    assert 2 not in out.assignments  # A is at its cap through the fixed meeting
    assert out.assignments[3] == (2, 1)  # slot 1's only table is taken


@pytest.mark.parametrize(
    ("fixed", "message"),
    [
        ([FixedMeeting(99, 1, 1)], "unknown request"),
        ([FixedMeeting(1, 5, 1)], "unknown slot"),
        ([FixedMeeting(1, 1, 1), FixedMeeting(1, 2, 1)], "fixed twice"),
        ([FixedMeeting(1, 1, 1), FixedMeeting(3, 1, 1)], "two fixed meetings at slot 1"),
        ([FixedMeeting(1, 1, 1), FixedMeeting(2, 1, 2)], "two fixed meetings in slot 1"),
    ],
)
def test_contradictory_fixed_meetings_are_refused(fixed, message):
    problem = Problem(
        slots=[1, 2],
        tables=3,
        cap=8,
        requests=[Request(1, "A", "B"), Request(2, "A", "C"), Request(3, "D", "E")],
        fixed=fixed,
    )
    with pytest.raises(ValueError, match=message):
        schedule(problem)


@pytest.mark.parametrize(
    ("requests", "message"),
    [
        ([Request(1, "A", "B"), Request(1, "C", "D")], "unique"),
        ([Request(1, "A", "A")], "itself"),
        ([Request(1, "A", "B", 0.0)], r"\(0, 1\]"),
        ([Request(1, "A", "B", 1.5)], r"\(0, 1\]"),
        ([Request(1, "A", "B", float("nan"))], "finite"),
    ],
)
def test_malformed_requests_are_refused(requests, message):
    with pytest.raises(ValueError, match=message):
        schedule(Problem(slots=[1], tables=1, cap=1, requests=requests))


def test_reasons_for_unscheduled_requests():
    problem = Problem(
        slots=[1, 2],
        tables={1: 1, 2: 1},
        cap=1,
        requests=[
            Request(1, "A", "B", 0.9),  # scheduled
            Request(2, "A", "C", 0.8),  # A is at its cap
            Request(3, "D", "E", 0.7),  # D and E never overlap
            Request(4, "F", "G", 0.6),  # scheduled in slot 2
            Request(5, "H", "I", 0.5),  # both slots' only table is taken
        ],
        availability={"D": {1}, "E": {2}},
    )
    out = solve(problem)
    assert sorted(out.assignments) == [1, 4]
    assert out.unscheduled == [
        (2, Reason.CAP_REACHED),
        (3, Reason.NO_COMMON_SLOT),
        (5, Reason.NO_ROOM),
    ]


def test_empty_and_degenerate_inputs():
    assert schedule(Problem(slots=[1], tables=1, cap=1, requests=[])).assignments == {}
    no_tables = Problem(slots=[1, 2], tables=0, cap=3, requests=[Request(1, "A", "B")])
    assert solve(no_tables).unscheduled == [(1, Reason.NO_COMMON_SLOT)]
    zero_cap = Problem(slots=[1], tables=1, cap=0, requests=[Request(1, "A", "B")])
    assert solve(zero_cap).unscheduled == [(1, Reason.CAP_REACHED)]


def random_fair(seed: int, n_people: int = 40, n_requests: int = 150, n_slots: int = 8):
    rng = random.Random(seed)
    requests = []
    pairs = set()
    while len(requests) < n_requests:
        a, b = f"E{rng.randrange(n_people)}", f"L{rng.randrange(n_people // 2)}"
        if (a, b) not in pairs:
            pairs.add((a, b))
            requests.append(Request(len(requests) + 1, a, b, round(rng.uniform(0.05, 1), 2)))
    slots = list(range(1, n_slots + 1))
    availability = {
        p: set(rng.sample(slots, n_slots - rng.randrange(3)))
        for p in {r.a for r in requests} | {r.b for r in requests}
        if rng.random() < 0.5
    }
    tables = {s: rng.randrange(4, 9) for s in slots}
    return Problem(slots=slots, tables=tables, cap=4, requests=requests, availability=availability)


def test_same_input_same_output_and_input_order_does_not_matter():
    problem = random_fair(3)
    first = solve(problem)
    again = solve(problem)
    assert first.assignments == again.assignments and first.unscheduled == again.unscheduled
    shuffled = list(problem.requests)
    random.Random(0).shuffle(shuffled)
    problem.requests = shuffled
    assert solve(problem).assignments == first.assignments


def test_rerun_after_changes_keeps_fixed_and_tables():
    problem = random_fair(5)
    first = solve(problem)
    confirmed = sorted(first.assignments)[::5]
    problem.fixed = [FixedMeeting(rid, *first.assignments[rid]) for rid in confirmed]
    problem.previous = first.assignments
    # Late change: a popular participant's first meeting request is withdrawn.
    withdrawn = next(r.id for r in problem.requests if r.id not in confirmed)
    problem.requests = [r for r in problem.requests if r.id != withdrawn]
    out = solve(problem)
    for f in problem.fixed:
        assert out.assignments[f.request_id] == (f.slot, f.table)
    same_slot = [
        rid
        for rid, (slot, _table) in out.assignments.items()
        if rid in first.assignments and first.assignments[rid][0] == slot
    ]
    # A meeting that stays in its slot keeps its table.
    assert all(out.assignments[rid] == first.assignments[rid] for rid in same_slot)
    assert out.count >= first.count - 1


def test_new_meetings_take_free_tables_around_fixed_ones():
    problem = Problem(
        slots=[1],
        tables=3,
        cap=8,
        requests=[Request(1, "A", "B"), Request(2, "C", "D"), Request(3, "E", "F")],
        fixed=[FixedMeeting(2, 1, 2)],
        previous={3: (1, 2), 1: (1, 3)},  # 3 wants table 2, which the fixed meeting holds
    )
    out = solve(problem)
    assert out.assignments == {1: (1, 3), 2: (1, 2), 3: (1, 1)}


def test_progress_is_reported_from_zero_to_one():
    seen: list[float] = []
    schedule(random_fair(1), progress=seen.append)
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert seen == sorted(seen)


@pytest.mark.parametrize("seed", range(4))
def test_methods_agree_with_bound_on_random_fairs(seed):
    problem = random_fair(seed)
    bound = upper_bound(problem)
    exact = solve(problem, "milp")
    assert exact.stats["optimal"] == 1.0
    assert exact.count <= bound.count and exact.weight <= bound.weight + 1e-6
    auto = solve(problem)
    assert (auto.count, round(auto.weight, 6)) == (exact.count, round(exact.weight, 6))
    greedy = solve(problem, "greedy")
    assert greedy.count <= exact.count
    assert greedy.count + greedy.weight >= 0.95 * (exact.count + exact.weight)
