"""Every state machine's table names each of its states and moves only between them (issue #19).

The tables in the `states.py` modules are what the writers read and what a newcomer reads to
learn the moves; a state added to an enum without a row, or a row pointing at a state that no
longer exists, fails here.
"""

import pytest

from matchmaking.fairs import states as fair_states
from matchmaking.impact import states as impact_states
from matchmaking.listings import states as listing_states
from matchmaking.matches import states as match_states

MACHINES = [
    (listing_states.NeedStatus, listing_states.NEED_TRANSITIONS),
    (listing_states.ResultStatus, listing_states.RESULT_TRANSITIONS),
    (match_states.MatchState, match_states.TRANSITIONS),
    (match_states.RunStatus, match_states.RUN_TRANSITIONS),
    (fair_states.FairStatus, fair_states.FAIR_TRANSITIONS),
    (fair_states.RequestStatus, fair_states.REQUEST_TRANSITIONS),
    (fair_states.ScheduleRunStatus, fair_states.SCHEDULE_RUN_TRANSITIONS),
    (impact_states.EvidenceStatus, impact_states.EVIDENCE_TRANSITIONS),
    (impact_states.TrialStatus, impact_states.TRIAL_TRANSITIONS),
    (impact_states.MilestoneStatus, impact_states.MILESTONE_TRANSITIONS),
]


@pytest.mark.parametrize(("enum", "table"), MACHINES, ids=[enum.__name__ for enum, _t in MACHINES])
def test_the_table_moves_only_between_the_states_of_its_enum(enum, table):
    states = set(enum.values)
    assert set(table) <= states
    for source, targets in table.items():
        assert set(targets) <= states, f"{source} moves to an unknown state"


@pytest.mark.parametrize(
    ("enum", "table"),
    [(e, t) for e, t in MACHINES if e is not match_states.MatchState],
    ids=[e.__name__ for e, _t in MACHINES if e is not match_states.MatchState],
)
def test_every_state_has_a_row_even_if_it_is_final(enum, table):
    assert set(table) == set(enum.values)


def test_a_match_can_leave_every_state_but_the_closed_and_adopted_ones():
    movable = set(match_states.TRANSITIONS)
    assert movable | {match_states.MatchState.ADOPTED} | set(match_states.CLOSED) >= set(
        match_states.MatchState.values
    )
