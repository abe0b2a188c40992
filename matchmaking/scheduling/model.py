"""The scheduler's plain data: what the app passes in, what it gets back, and the indexed form
the algorithms work on.

Participants are whatever hashable ids the app uses (organisation ids, ints or strings, even
mixed); internally they become dense indices in a deterministic order so that no algorithm ever
sorts or hashes the app's ids (mixed ints and strings would not even sort).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

Participant = Hashable
Slot = int
Placement = tuple[int, int]  # (slot id, table number 1..T)

DEFAULT_WEIGHT = 0.5


@dataclass(frozen=True)
class Request:
    """An accepted meeting request between participant ``a`` (enterprise side) and ``b``
    (research side). ``weight`` is the match score in (0, 1]; requests without a match score
    get ``DEFAULT_WEIGHT``."""

    id: int
    a: Participant
    b: Participant
    weight: float = DEFAULT_WEIGHT


@dataclass(frozen=True)
class FixedMeeting:
    """A meeting already confirmed or held: it keeps its slot and table on every re-run."""

    request_id: int
    slot: Slot
    table: int


@dataclass
class Problem:
    """One fair's scheduling input.

    ``slots`` are slot ids in time order. ``tables`` is the number of tables in every slot, or
    per slot (a slot missing from the dict has no tables). ``cap`` is the most meetings one
    participant may have, fixed ones included. ``availability`` maps a participant to the
    slots it can attend; a participant missing from it is available in every slot.
    ``previous`` is the last published placement of each request (for table stability only:
    it is a preference, never a constraint).
    """

    slots: list[Slot]
    tables: int | Mapping[Slot, int]
    cap: int
    requests: list[Request]
    availability: Mapping[Participant, set[Slot] | frozenset[Slot]] = field(default_factory=dict)
    fixed: list[FixedMeeting] = field(default_factory=list)
    previous: Mapping[int, Placement] = field(default_factory=dict)

    def tables_at(self, slot: Slot) -> int:
        if isinstance(self.tables, int):
            return self.tables
        return int(self.tables.get(slot, 0))

    def available(self, participant: Participant, slot: Slot) -> bool:
        slots = self.availability.get(participant)
        return slots is None or slot in slots


class Reason(StrEnum):
    """Why a request stayed unscheduled (the first that applies, in this order)."""

    NO_COMMON_SLOT = "no_common_slot"  # the two participants share no free slot at all
    CAP_REACHED = "cap_reached"  # one participant already has ``cap`` meetings
    NO_ROOM = "no_room"  # every common slot is taken by their other meetings or full tables


@dataclass
class Schedule:
    """The result. ``assignments`` holds fixed and new meetings alike. ``count`` and ``weight``
    are the number of meetings and their summed match scores. ``upper_bound`` (from the LP
    relaxation, when it was solved): no schedule has more than ``upper_bound.count`` meetings,
    and none with at least ``count`` meetings scores more than ``upper_bound.weight``.
    ``warnings`` lists the ways the
    fixed meetings themselves break the rules (e.g. a participant later became unavailable):
    they are kept regardless, since only people can cancel a confirmed meeting.

    ``stats`` (for logs and the bench): ``seconds``; ``lp_fractional`` (fractional values in
    the LP solution); ``optimal`` (1.0 when the schedule meets the bound, within 1e-7 of a
    meeting); ``milp_polish`` (1.0 when branch and bound improved it); ``fallback`` (1.0 when
    no LP was used); ``restored`` (meetings put back into their previous slot)."""

    assignments: dict[int, Placement]
    unscheduled: list[tuple[int, Reason]]
    count: int
    weight: float
    upper_bound: Bound | None = None
    warnings: list[str] = field(default_factory=list)
    stats: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Bound:
    """Upper bounds on what any valid schedule reaches: at most ``count`` meetings and at most
    ``weight`` summed score (each bound holds on its own; the lexicographic optimum meets
    both)."""

    count: float
    weight: float


@dataclass(frozen=True)
class Diff:
    """How a new assignment differs from an old one, by request id (each list sorted)."""

    added: list[int]
    removed: list[int]
    moved: list[int]  # slot or table changed
    unchanged: list[int]

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed or self.moved)


class Instance:
    """The problem in indexed form: requests, participants and slots as dense ints, slot sets
    as bitmasks (bit ``k`` = the ``k``-th slot in time order).

    Fixed meetings are taken out of the free part: they occupy their participants' slots, use
    up tables and count towards caps. ``feasible[r]`` is the mask of slots where free request
    ``r`` could go as far as availability and fixed meetings are concerned.
    """

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        if problem.cap < 0:
            raise ValueError("cap must be >= 0")
        if len(set(problem.slots)) != len(problem.slots):
            raise ValueError("slot ids must be unique")
        self.slots: list[Slot] = list(problem.slots)
        self.slot_index = {s: k for k, s in enumerate(self.slots)}
        self.n_slots = len(self.slots)
        self.all_slots = (1 << self.n_slots) - 1

        # Requests sorted by id: the order of the input list must not change the output.
        requests = sorted(problem.requests, key=lambda r: r.id)
        ids = [r.id for r in requests]
        if len(set(ids)) != len(ids):
            raise ValueError("request ids must be unique")
        for r in requests:
            if r.a == r.b:
                raise ValueError(f"request {r.id}: a participant cannot meet itself")
            if not (isinstance(r.weight, int | float) and math.isfinite(r.weight)):
                raise ValueError(f"request {r.id}: weight must be a finite number")
            if not 0 < r.weight <= 1:
                raise ValueError(f"request {r.id}: weight must be in (0, 1]")
        self.requests = requests
        self.request_index = {r.id: i for i, r in enumerate(requests)}

        # Participants in order of first appearance along the sorted requests.
        self.participants: list[Participant] = []
        p_index: dict[Participant, int] = {}
        for r in requests:
            for p in (r.a, r.b):
                if p not in p_index:
                    p_index[p] = len(self.participants)
                    self.participants.append(p)
        self.participant_index = p_index
        n_p = len(self.participants)

        self.avail = [self.all_slots] * n_p
        for p, i in p_index.items():
            if p in problem.availability:
                mask = 0
                for s in problem.availability[p]:
                    k = self.slot_index.get(s)
                    if k is not None:
                        mask |= 1 << k
                self.avail[i] = mask

        self.tables = [problem.tables_at(s) for s in self.slots]
        if any(t < 0 for t in self.tables):
            raise ValueError("table counts must be >= 0")

        # Fixed meetings: check what would make the input meaningless, keep the rest.
        self.fixed: dict[int, tuple[int, int]] = {}  # request index -> (slot index, table)
        self.busy = [0] * n_p  # slots taken by fixed meetings
        self.fixed_load = [0] * n_p
        self.fixed_per_slot = [0] * self.n_slots
        seen_tables: set[tuple[int, int]] = set()
        for f in sorted(problem.fixed, key=lambda f: f.request_id):
            i = self.request_index.get(f.request_id)
            if i is None:
                raise ValueError(f"fixed meeting for unknown request {f.request_id}")
            if i in self.fixed:
                raise ValueError(f"request {f.request_id} is fixed twice")
            k = self.slot_index.get(f.slot)
            if k is None:
                raise ValueError(f"fixed meeting {f.request_id} in unknown slot {f.slot}")
            if (k, f.table) in seen_tables:
                raise ValueError(f"two fixed meetings at slot {f.slot}, table {f.table}")
            seen_tables.add((k, f.table))
            bit = 1 << k
            for p in (p_index[requests[i].a], p_index[requests[i].b]):
                if self.busy[p] & bit:
                    raise ValueError(
                        f"participant {self.participants[p]!r} has two fixed meetings "
                        f"in slot {f.slot}"
                    )
            for p in (p_index[requests[i].a], p_index[requests[i].b]):
                self.busy[p] |= bit
                self.fixed_load[p] += 1
            self.fixed[i] = (k, f.table)
            self.fixed_per_slot[k] += 1

        n = len(requests)
        self.a = [p_index[r.a] for r in requests]
        self.b = [p_index[r.b] for r in requests]
        self.w = [float(r.weight) for r in requests]
        self.cap_left = [max(0, problem.cap - load) for load in self.fixed_load]
        # Tables left for new meetings (a fixed meeting outside 1..T still uses one up).
        self.room = [max(0, t - f) for t, f in zip(self.tables, self.fixed_per_slot, strict=True)]
        self.feasible = [0] * n
        for i in range(n):
            if i in self.fixed:
                continue
            a, b = self.a[i], self.b[i]
            self.feasible[i] = self.avail[a] & self.avail[b] & ~(self.busy[a] | self.busy[b])
        # Free requests worth looking at: a common free slot and cap room on both sides.
        self.free = [
            i
            for i in range(n)
            if i not in self.fixed
            and self.feasible[i]
            and self.cap_left[self.a[i]] > 0
            and self.cap_left[self.b[i]] > 0
        ]
        self.n_participants = n_p


def popcount(x: int) -> int:
    return x.bit_count()


def bits(mask: int) -> list[int]:
    """Indices of the set bits, lowest first (slots in time order)."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out
