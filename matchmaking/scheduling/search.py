"""Feasible schedules and their improvement by local search.

The state keeps, per participant, a bitmask of the slots it is busy in, and per (participant,
slot) the meeting there, so "can request r go to slot k right now?" is a few integer ANDs.
Every change goes through a journal, so a move that fails half-way (an ejection chain that
cannot be completed) is undone exactly.

Moves, all of which keep the schedule valid:

* insert: put an unscheduled request into a slot where both sides are free and a table is left;
* ejection chain: put it into a slot where a side is busy (or the tables are full) after moving
  the blocking meeting to another slot, recursively up to a small depth;
* swap: when a participant is at its cap, or every usable slot is full, drop one of the
  blocking meetings of lower score and insert the request instead (same count, more score).

Every accepted move raises (count, score) lexicographically, so the search terminates.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from .model import Instance, bits

FIXED = -2  # marks a (participant, slot) taken by a fixed meeting
FREE = -1


class OutOfTime(Exception):
    pass


class State:
    def __init__(self, inst: Instance, slot_order: Sequence[Sequence[int]] | None = None) -> None:
        self.inst = inst
        s = inst.n_slots
        self.n_slots = s
        n_p = inst.n_participants
        self.occ = [FREE] * (n_p * s)
        self.pbusy = list(inst.busy)  # fixed meetings occupy their slots for good
        for p, mask in enumerate(inst.busy):
            for k in bits(mask):
                self.occ[p * s + k] = FIXED
        self.load = [0] * n_p
        self.used = [0] * s
        self.room = list(inst.room)
        self.open = sum(1 << k for k in range(s) if self.room[k] > 0)  # slots with a free table
        self.members: list[set[int]] = [set() for _ in range(s)]
        self.slot_of = [FREE] * len(inst.requests)
        self.journal: list[tuple[int, int, int]] = []
        # Preferred slot order per request (e.g. by LP value); default: time order.
        self.slot_order = slot_order
        self.count = 0
        self.weight = 0.0

    # -- primitive changes -------------------------------------------------------------------

    def assign(self, i: int, k: int) -> None:
        inst = self.inst
        a, b, s = inst.a[i], inst.b[i], self.n_slots
        bit = 1 << k
        self.occ[a * s + k] = i
        self.occ[b * s + k] = i
        self.pbusy[a] |= bit
        self.pbusy[b] |= bit
        self.load[a] += 1
        self.load[b] += 1
        self.used[k] += 1
        if self.used[k] >= self.room[k]:
            self.open &= ~bit
        self.members[k].add(i)
        self.slot_of[i] = k
        self.count += 1
        self.weight += inst.w[i]
        self.journal.append((1, i, k))

    def unassign(self, i: int) -> None:
        inst = self.inst
        k = self.slot_of[i]
        a, b, s = inst.a[i], inst.b[i], self.n_slots
        bit = 1 << k
        self.occ[a * s + k] = FREE
        self.occ[b * s + k] = FREE
        self.pbusy[a] &= ~bit
        self.pbusy[b] &= ~bit
        self.load[a] -= 1
        self.load[b] -= 1
        self.used[k] -= 1
        self.open |= bit
        self.members[k].discard(i)
        self.slot_of[i] = FREE
        self.count -= 1
        self.weight -= inst.w[i]
        self.journal.append((0, i, k))

    def mark(self) -> int:
        return len(self.journal)

    def rollback(self, mark: int) -> None:
        while len(self.journal) > mark:
            op, i, k = self.journal.pop()
            if op == 1:
                self.unassign(i)
            else:
                self.assign(i, k)
            self.journal.pop()  # the undo's own entry

    def commit(self) -> None:
        self.journal.clear()

    # -- queries -----------------------------------------------------------------------------

    def has_cap(self, i: int) -> bool:
        inst = self.inst
        a, b = inst.a[i], inst.b[i]
        return self.load[a] < inst.cap_left[a] and self.load[b] < inst.cap_left[b]

    def direct_slots(self, i: int) -> int:
        """Slots where ``i`` fits right now without touching anything."""
        inst = self.inst
        return inst.feasible[i] & ~self.pbusy[inst.a[i]] & ~self.pbusy[inst.b[i]] & self.open

    def ordered(self, i: int, mask: int) -> list[int]:
        if self.slot_order is None:
            return bits(mask)
        return [k for k in self.slot_order[i] if mask >> k & 1]

    # -- moves ---------------------------------------------------------------------------------

    def place(self, i: int, depth: int, locked: set[int]) -> bool:
        """Insert unscheduled ``i``, moving other meetings along chains of at most ``depth``
        relocations (never a meeting in ``locked``). On failure nothing has changed."""
        if not self.has_cap(i):
            return False
        direct = self.direct_slots(i)
        if direct:
            self.assign(i, self.ordered(i, direct)[0])
            return True
        if depth == 0:
            return False
        return any(
            self.place_at(i, k, depth, locked) for k in self.ordered(i, self.inst.feasible[i])
        )

    def place_at(self, i: int, k: int, depth: int, locked: set[int]) -> bool:
        """Insert unscheduled ``i`` into slot ``k``: the meetings of its sides there move to
        other slots (chains of at most ``depth`` relocations), and if the tables are full one
        other meeting moves out. ``locked`` meetings never move; on failure nothing changed."""
        inst = self.inst
        a, b, s = inst.a[i], inst.b[i], self.n_slots
        if self.room[k] == 0 or not (inst.feasible[i] >> k & 1) or not self.has_cap(i):
            return False
        # dict.fromkeys: one meeting may block both sides (a repeated pair of participants).
        blockers = [
            j for j in dict.fromkeys((self.occ[a * s + k], self.occ[b * s + k])) if j != FREE
        ]
        if FIXED in blockers or any(j in locked for j in blockers):
            return False
        if blockers and depth == 0:
            return False
        mark = self.mark()
        for j in blockers:
            self.unassign(j)
        locked.add(i)
        try:
            # Tables full (and nobody of ours to move out): move someone else out of k.
            if self.used[k] >= self.room[k] and (depth == 0 or not self._free_table(k, locked)):
                self.rollback(mark)
                return False
            self.assign(i, k)
            if all(self.place(j, depth - 1, locked) for j in blockers):
                return True
            self.rollback(mark)
            return False
        finally:
            locked.discard(i)

    def _free_table(self, k: int, locked: set[int]) -> bool:
        """Move one meeting out of full slot ``k`` straight into another open slot."""
        if not self.open & ~(1 << k):
            return False  # every other slot is full too (the usual case when tables bind)
        inst = self.inst
        for j in sorted(self.members[k]):
            if j in locked:
                continue
            # j's sides are busy in k already, so this mask excludes k.
            direct = inst.feasible[j] & ~self.pbusy[inst.a[j]] & ~self.pbusy[inst.b[j]] & self.open
            if direct:
                self.unassign(j)
                self.assign(j, self.ordered(j, direct)[0])
                return True
        return False

    def swap_in(self, i: int, depth: int) -> bool:
        """Insert ``i`` in place of one lower-score meeting that stands in its way: one of a
        capped participant's, or the one meeting (a side's, or the weakest in a full slot)
        that keeps ``i`` out of a slot. Count stays, score rises."""
        inst = self.inst
        a, b, s = inst.a[i], inst.b[i], self.n_slots
        wi = inst.w[i]
        capped = [p for p in (a, b) if self.load[p] >= inst.cap_left[p]]
        if len(capped) == 2:
            return False  # it would take two drops to make room: the count would fall
        if capped:
            p = capped[0]
            pool = {self.occ[p * s + k] for k in range(s)} - {FREE, FIXED}
            for _, j in sorted((inst.w[j], j) for j in pool if inst.w[j] < wi):
                mark = self.mark()
                self.unassign(j)
                if self.place(i, depth, {j}):
                    return True
                self.rollback(mark)
            return False
        best: tuple[float, int, int] | None = None  # (victim weight, slot, victim)
        for k in bits(inst.feasible[i]):
            if self.room[k] == 0:
                continue
            blockers = {self.occ[a * s + k], self.occ[b * s + k]} - {FREE}
            if FIXED in blockers or len(blockers) > 1:
                continue
            if blockers:
                j = blockers.pop()
            elif self.used[k] >= self.room[k]:
                j = min(self.members[k], key=lambda m: (inst.w[m], m))
            else:
                continue  # i fits here directly: place() would have taken it
            if inst.w[j] < wi and (best is None or (inst.w[j], j) < (best[0], best[2])):
                best = (inst.w[j], k, j)
        if best is None:
            return False
        _, k, j = best
        self.unassign(j)
        self.assign(i, k)
        # The dropped meeting may fit elsewhere; if so the count rises as well.
        self.place(j, 0, set())
        return True


def improve(
    state: State,
    *,
    depth: int = 2,
    max_passes: int = 20,
    deadline: float | None = None,
    on_pass: Callable[[int], None] | None = None,
) -> int:
    """Passes of insert / ejection-chain / swap moves over the unscheduled requests, best score
    first, until a pass changes nothing. Returns the number of accepted moves."""
    inst = state.inst
    order = sorted(inst.free, key=lambda i: (-inst.w[i], i))
    accepted = 0
    for n_pass in range(max_passes):
        changed = 0
        for i in order:
            if state.slot_of[i] != FREE:
                continue
            if deadline is not None and time.monotonic() > deadline:
                raise OutOfTime
            if state.place(i, depth, set()) or state.swap_in(i, depth):
                changed += 1
            state.commit()
        accepted += changed
        if on_pass is not None:
            on_pass(n_pass)
        if not changed:
            break
    return accepted


def greedy(state: State, order: Sequence[int], depth: int = 0) -> None:
    """Insert requests in the given order wherever they fit (with short chains if depth > 0)."""
    for i in order:
        if state.slot_of[i] == FREE:
            state.place(i, depth, set())
    state.commit()
