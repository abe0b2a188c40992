"""Table numbers, once each slot's meetings are chosen.

Any numbering is valid (a slot's meetings never exceed its tables), so the only aim is
stability: people remember "table 12", and the printed floor plan should not reshuffle on a
re-run. Fixed meetings keep theirs; a meeting that stays in its previous slot keeps its previous
table if it is free; then a meeting that moved slots gets its previous table number if free;
the rest take the lowest free numbers in request-id order.
"""

from __future__ import annotations

from collections.abc import Mapping

from .model import Instance, Placement


def number_tables(
    inst: Instance, slot_of: Mapping[int, int], previous: Mapping[int, Placement]
) -> dict[int, int]:
    """``slot_of``: request index -> slot index for the new meetings. Returns request index ->
    table number for those meetings."""
    by_slot: dict[int, list[int]] = {}
    for i, k in slot_of.items():
        by_slot.setdefault(k, []).append(i)
    taken_by_fixed: dict[int, set[int]] = {}
    for k, t in inst.fixed.values():
        taken_by_fixed.setdefault(k, set()).add(t)

    out: dict[int, int] = {}
    for k in sorted(by_slot):
        n_tables = inst.tables[k]
        taken = set(taken_by_fixed.get(k, set()))
        meetings = sorted(by_slot[k])
        slot_id = inst.slots[k]

        def wish(i: int) -> Placement | None:
            return previous.get(inst.requests[i].id)

        stayers = [i for i in meetings if (p := wish(i)) is not None and p[0] == slot_id]
        movers = [i for i in meetings if (p := wish(i)) is not None and p[0] != slot_id]
        for group in (stayers, movers):
            for i in group:
                t = wish(i)[1]  # type: ignore[index]
                if 1 <= t <= n_tables and t not in taken:
                    out[i] = t
                    taken.add(t)
        free = (t for t in range(1, n_tables + 1) if t not in taken)
        for i in meetings:
            if i not in out:
                out[i] = next(free)
    return out
