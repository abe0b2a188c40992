"""The local search's moves on their own (they repair what LP rounding misses, and they are the
whole fallback when there is no LP)."""

from __future__ import annotations

import random

from matchmaking.scheduling import Problem, Request, schedule, validate
from matchmaking.scheduling.model import Instance
from matchmaking.scheduling.search import FREE, State, improve


def state_with(problem: Problem, placed: dict[int, int]) -> tuple[Instance, State]:
    """A state with request id -> slot id placed by hand."""
    inst = Instance(problem)
    state = State(inst)
    for rid, slot in placed.items():
        state.assign(inst.request_index[rid], inst.slot_index[slot])
    state.commit()
    return inst, state


def slots_of(inst: Instance, state: State) -> dict[int, int]:
    return {inst.requests[i].id: inst.slots[k] for i, k in enumerate(state.slot_of) if k != FREE}


def test_ejection_chain_moves_a_meeting_to_make_room():
    # C can only come in slot 1, where A already meets B; A-B can move to slot 2.
    problem = Problem(
        slots=[1, 2],
        tables=1,
        cap=8,
        requests=[Request(1, "A", "B", 0.9), Request(2, "A", "C", 0.5)],
        availability={"C": {1}},
    )
    inst, state = state_with(problem, {1: 1})
    improve(state)
    assert slots_of(inst, state) == {1: 2, 2: 1}


def test_chain_of_two_relocations():
    # D-E needs slot 1 (E's only one); A-D sits there and can only go to 2, where A-B sits and
    # can go to 3.
    problem = Problem(
        slots=[1, 2, 3],
        tables=3,
        cap=8,
        requests=[Request(1, "A", "B", 0.9), Request(2, "A", "D", 0.8), Request(3, "D", "E", 0.5)],
        availability={"E": {1}, "D": {1, 2}, "B": {2, 3}},
    )
    inst, state = state_with(problem, {1: 2, 2: 1})
    improve(state, depth=2)
    assert slots_of(inst, state) == {1: 3, 2: 2, 3: 1}


def test_full_slot_sends_a_meeting_elsewhere():
    # Slot 1 has one table, taken by A-B, which could just as well meet in slot 2.
    problem = Problem(
        slots=[1, 2],
        tables={1: 1, 2: 1},
        cap=8,
        requests=[Request(1, "A", "B", 0.9), Request(2, "C", "D", 0.5)],
        availability={"C": {1}},
    )
    inst, state = state_with(problem, {1: 1})
    improve(state)
    assert slots_of(inst, state) == {1: 2, 2: 1}


def test_swap_at_cap_trades_up():
    problem = Problem(
        slots=[1, 2],
        tables=2,
        cap=1,
        requests=[Request(1, "X", "A", 0.3), Request(2, "X", "B", 0.8)],
    )
    inst, state = state_with(problem, {1: 1})
    improve(state)
    assert slots_of(inst, state) == {2: 1}


def test_swap_in_a_full_slot_trades_up():
    problem = Problem(
        slots=[1],
        tables=1,
        cap=8,
        requests=[Request(1, "A", "B", 0.3), Request(2, "C", "D", 0.8)],
    )
    inst, state = state_with(problem, {1: 1})
    improve(state)
    assert slots_of(inst, state) == {2: 1}


def test_rollback_restores_the_state_exactly():
    problem = Problem(
        slots=[1, 2],
        tables=2,
        cap=8,
        requests=[Request(1, "A", "B"), Request(2, "A", "C"), Request(3, "D", "E")],
    )
    inst, state = state_with(problem, {1: 1, 3: 1})
    before = (list(state.occ), list(state.pbusy), list(state.load), list(state.used), state.open)
    mark = state.mark()
    state.unassign(0)
    state.assign(1, 0)
    state.assign(0, 1)
    state.rollback(mark)
    after = (list(state.occ), list(state.pbusy), list(state.load), list(state.used), state.open)
    assert after == before and state.count == 2


def test_out_of_time_still_gives_a_valid_schedule():
    requests = [Request(i, f"E{i % 7}", f"L{i % 5}", 0.1 + (i % 9) / 10) for i in range(40)]
    problem = Problem(slots=[1, 2, 3, 4], tables=3, cap=3, requests=requests)
    for method in ("auto", "greedy"):
        out = schedule(problem, time_limit=0.0, method=method)
        assert validate(problem, out) == []
        assert out.count > 0


def one_pool_fair(seed: int) -> Problem:
    """Anyone may meet anyone (no enterprise / research sides): odd cycles make the LP
    relaxation fractional, which the two-sided fairs almost never are."""
    rng = random.Random(seed)
    requests: list[Request] = []
    pairs: set[frozenset[int]] = set()
    while len(requests) < 160:
        a, b = rng.sample(range(40), 2)
        if frozenset((a, b)) not in pairs:
            pairs.add(frozenset((a, b)))
            requests.append(Request(len(requests) + 1, a, b, round(rng.uniform(0.05, 1), 2)))
    slots = list(range(1, 7))
    availability = {p: set(rng.sample(slots, rng.randint(3, 6))) for p in range(40)}
    return Problem(slots=slots, tables=12, cap=3, requests=requests, availability=availability)


def test_triangle_in_one_slot_rounds_to_the_best_edge():
    # LP optimum: every meeting at 1/2 (1.5 meetings); integral optimum: one meeting.
    problem = Problem(
        slots=[1],
        tables=3,
        cap=8,
        requests=[Request(1, "A", "B", 0.4), Request(2, "B", "C", 0.7), Request(3, "C", "A", 0.5)],
    )
    for method in ("lp", "auto", "greedy"):
        out = schedule(problem, method=method)
        assert out.assignments == {2: (1, 1)}, method


def test_milp_polish_closes_the_rounding_gap():
    for seed in (0, 9):  # fairs where rounding + local search end one meeting short
        problem = one_pool_fair(seed)
        rounded = schedule(problem, method="lp")
        auto = schedule(problem)
        exact = schedule(problem, method="milp")
        assert rounded.stats["lp_fractional"] > 0 and rounded.stats["optimal"] == 0.0
        assert auto.stats["milp_polish"] == 1.0 and auto.stats["optimal"] == 1.0
        assert (auto.count, round(auto.weight, 6)) == (exact.count, round(exact.weight, 6))
        assert rounded.count >= 0.98 * exact.count
        assert validate(problem, auto) == []
