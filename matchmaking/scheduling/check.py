"""Checking a schedule against the rules, and comparing two schedules."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from .model import Diff, Participant, Placement, Problem, Schedule


def validate(problem: Problem, schedule: Schedule | Mapping[int, Placement]) -> list[str]:
    """Every rule the schedule breaks, as readable lines (empty when it is valid).

    Checked: known requests, slots and tables; one meeting per table and slot; nobody in two
    meetings at once; availability; the per-participant cap; the tables per slot; fixed
    meetings exactly where they were fixed. The scheduler runs this on its own output as a
    safety net, so the messages are deterministic (sorted, no set ordering).
    """
    assignments = schedule.assignments if isinstance(schedule, Schedule) else schedule
    requests = {r.id: r for r in problem.requests}
    slot_ids = set(problem.slots)
    out: list[str] = []
    tables_used: dict[tuple[int, int], list[int]] = defaultdict(list)
    per_slot: dict[int, int] = defaultdict(int)
    busy: dict[tuple[Participant, int], list[int]] = defaultdict(list)
    load: dict[Participant, int] = defaultdict(int)
    order: dict[Participant, int] = {}  # first-seen order, to report participants stably

    for rid in sorted(assignments):
        slot, table = assignments[rid]
        r = requests.get(rid)
        if r is None:
            out.append(f"request {rid}: unknown request")
            continue
        if slot not in slot_ids:
            out.append(f"request {rid}: unknown slot {slot}")
            continue
        if not 1 <= table <= problem.tables_at(slot):
            out.append(f"request {rid}: table {table} not in 1..{problem.tables_at(slot)}")
        tables_used[(slot, table)].append(rid)
        per_slot[slot] += 1
        for p in (r.a, r.b):
            order.setdefault(p, len(order))
            busy[(p, slot)].append(rid)
            load[p] += 1
            if not problem.available(p, slot):
                out.append(f"request {rid}: participant {p!r} is not available in slot {slot}")

    for (slot, table), rids in sorted(tables_used.items()):
        if len(rids) > 1:
            out.append(f"slot {slot}, table {table}: {len(rids)} meetings {rids}")
    for (p, slot), rids in sorted(busy.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])):
        if len(rids) > 1:
            out.append(f"participant {p!r}: {len(rids)} meetings in slot {slot} {rids}")
    for p in sorted(load, key=order.__getitem__):
        if load[p] > problem.cap:
            out.append(f"participant {p!r}: {load[p]} meetings, cap {problem.cap}")
    for slot in sorted(per_slot):
        if per_slot[slot] > problem.tables_at(slot):
            out.append(
                f"slot {slot}: {per_slot[slot]} meetings for {problem.tables_at(slot)} tables"
            )
    for f in sorted(problem.fixed, key=lambda f: f.request_id):
        got = assignments.get(f.request_id)
        if got != (f.slot, f.table):
            out.append(f"fixed request {f.request_id}: at {got}, fixed at {(f.slot, f.table)}")
    return out


def diff(old: Mapping[int, Placement], new: Mapping[int, Placement]) -> Diff:
    """What publishing ``new`` over ``old`` would change: meetings added, removed, moved (slot
    or table changed) and unchanged, each a sorted list of request ids."""
    added = sorted(rid for rid in new if rid not in old)
    removed = sorted(rid for rid in old if rid not in new)
    both = sorted(rid for rid in new if rid in old)
    moved = [rid for rid in both if tuple(old[rid]) != tuple(new[rid])]
    unchanged = [rid for rid in both if tuple(old[rid]) == tuple(new[rid])]
    return Diff(added=added, removed=removed, moved=moved, unchanged=unchanged)
