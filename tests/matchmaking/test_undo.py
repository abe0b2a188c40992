"""撤销 after a move: only the person who made it, only the last step, only for a few seconds;
the undo is written into the history beside the move, which stays."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.enums import OrganisationKind
from matchmaking.listings import services as listings
from matchmaking.matches import services as matches
from matchmaking.models import Match, MatchEvent, TechnologyNeed
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    enterprise = OrganisationFactory(region_id="522634")
    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    match = Match.objects.create(
        need=NeedFactory(organisation=enterprise),
        result=ResultFactory(organisation=OrganisationFactory(kind=OrganisationKind.INSTITUTION)),
        score=0.8,
        text_score=0.7,
        structured_score=0.9,
        matcher_version="t",
    )
    owner = member_of(enterprise)
    matches.match_transition(match=match, to="shortlisted", by=owner)
    nine_days_ago = timezone.now() - timedelta(days=9)
    match.events.update(created_at=nine_days_ago)
    Match.objects.filter(pk=match.pk).update(
        state_changed_at=nine_days_ago, shortlisted_at=nine_days_ago
    )
    match.refresh_from_db()
    return {
        "match": match,
        "enterprise": owner,
        "staff": member_of(station),
        "colleague": member_of(station),
    }


def _age(event: MatchEvent, seconds: int) -> None:
    MatchEvent.objects.filter(pk=event.pk).update(
        created_at=timezone.now() - timedelta(seconds=seconds)
    )


def test_the_mover_undoes_a_move_and_the_match_is_as_before_with_both_steps_in_history(world):
    before = world["match"].state_changed_at
    moved = matches.match_transition(match=world["match"], to="evaluating", by=world["staff"])
    move = matches.last_event(moved)
    assert (moved.furthest_stage, moved.evaluating_at is not None) == (3, True)

    undone = matches.match_undo(match=moved, event_id=move.pk, by=world["staff"])

    undone.refresh_from_db()
    assert undone.state == "shortlisted"
    assert (undone.furthest_stage, undone.evaluating_at) == (1, None)
    # The waiting clock is not reset by a move taken back: still 9 days, as on the board.
    assert abs(undone.state_changed_at - before) < timedelta(seconds=1)
    history = list(undone.events.order_by("created_at", "pk"))
    assert [(e.from_state, e.to_state, e.undoes_id) for e in history] == [
        ("suggested", "shortlisted", None),
        ("shortlisted", "evaluating", None),
        ("evaluating", "shortlisted", move.pk),
    ]
    assert history[2].actor == world["staff"]


def test_a_stage_reached_before_stays_reached_after_an_undo(world):
    for step in ("evaluating", "solution_proposed", "evaluating"):
        matches.match_transition(match=world["match"], to=step, by=world["staff"])
    first_reached = Match.objects.get(pk=world["match"].pk).solution_proposed_at
    again = matches.match_transition(
        match=world["match"], to="solution_proposed", by=world["staff"]
    )

    undone = matches.match_undo(
        match=again, event_id=matches.last_event(again).pk, by=world["staff"]
    )

    assert (undone.state, undone.solution_proposed_at, undone.furthest_stage) == (
        "evaluating",
        first_reached,
        4,
    )


def test_someone_else_on_the_same_side_cannot_undo_a_move(world):
    moved = matches.match_transition(match=world["match"], to="evaluating", by=world["staff"])

    with pytest.raises(ValidationError, match="只有操作的人本人"):
        matches.match_undo(
            match=moved, event_id=matches.last_event(moved).pk, by=world["colleague"]
        )
    assert Match.objects.get(pk=moved.pk).state == "evaluating"


def test_a_move_cannot_be_undone_after_the_window(world):
    moved = matches.match_transition(match=world["match"], to="evaluating", by=world["staff"])
    move = matches.last_event(moved)
    _age(move, int(matches.UNDO_WINDOW.total_seconds()) + 1)

    with pytest.raises(ValidationError, match="来不及撤销"):
        matches.match_undo(match=moved, event_id=move.pk, by=world["staff"])
    assert Match.objects.get(pk=moved.pk).state == "evaluating"


def test_a_move_is_undone_just_inside_the_window(world):
    moved = matches.match_transition(match=world["match"], to="evaluating", by=world["staff"])
    move = matches.last_event(moved)
    _age(move, int(matches.UNDO_WINDOW.total_seconds()) - 2)

    assert matches.match_undo(match=moved, event_id=move.pk, by=world["staff"]).state == (
        "shortlisted"
    )


def test_only_the_last_step_can_be_undone(world):
    first = matches.match_transition(match=world["match"], to="evaluating", by=world["staff"])
    first_move = matches.last_event(first)
    second = matches.match_transition(match=first, to="solution_proposed", by=world["staff"])

    with pytest.raises(ValidationError, match="只能撤销匹配的最后一步"):
        matches.match_undo(match=second, event_id=first_move.pk, by=world["staff"])
    undone = matches.match_undo(
        match=second, event_id=matches.last_event(second).pk, by=world["staff"]
    )
    assert undone.state == "evaluating"


def test_a_double_tap_on_undo_takes_back_one_step_only(world):
    first = matches.match_transition(match=world["match"], to="evaluating", by=world["staff"])
    second = matches.match_transition(match=first, to="solution_proposed", by=world["staff"])
    move = matches.last_event(second)

    matches.match_undo(match=second, event_id=move.pk, by=world["staff"])
    with pytest.raises(ValidationError):
        matches.match_undo(match=second, event_id=move.pk, by=world["staff"])

    assert Match.objects.get(pk=second.pk).state == "evaluating"
    assert MatchEvent.objects.filter(match=second, undoes__isnull=False).count() == 1


def test_an_undo_itself_cannot_be_undone(world):
    moved = matches.match_transition(match=world["match"], to="evaluating", by=world["staff"])
    matches.match_undo(match=moved, event_id=matches.last_event(moved).pk, by=world["staff"])
    undo = matches.last_event(moved)

    with pytest.raises(ValidationError, match="这一步无法撤销"):
        matches.match_undo(match=moved, event_id=undo.pk, by=world["staff"])


def test_a_contact_request_cannot_be_undone(world):
    contacted = matches.match_request_contact(
        match=world["match"], by=world["enterprise"], message="请联系我"
    )

    with pytest.raises(ValidationError, match="联系请求无法撤销"):
        matches.match_undo(
            match=contacted, event_id=matches.last_event(contacted).pk, by=world["enterprise"]
        )


def test_an_undone_decline_clears_its_reason(world):
    declined = matches.match_not_relevant(match=world["match"], by=world["enterprise"])
    assert declined.decline_reason == "not_relevant"

    undone = matches.match_undo(
        match=declined, event_id=matches.last_event(declined).pk, by=world["enterprise"]
    )

    assert (undone.state, undone.decline_reason) == ("shortlisted", "")


def test_the_undo_button_after_a_board_move_and_bad_input_never_500(client, world):
    client.force_login(world["staff"])
    board = reverse("station-board")
    response = client.post(
        reverse("match-action", args=[world["match"].pk]),
        {"to": "evaluating", "expected_state": "shortlisted", "next": board},
        follow=True,
    )
    assert response.status_code == 200
    assert "撤销" in response.content.decode() or "Undo" in response.content.decode()
    # Shown once: the next page has no toast.
    assert 'class="toast"' not in client.get(board).content.decode()

    for junk in ("", "abc", "9" * 30, "-1", "１２"):
        response = client.post(reverse("match-undo", args=[world["match"].pk]), {"event": junk})
        assert response.status_code == 302
    assert Match.objects.get(pk=world["match"].pk).state == "evaluating"

    move = matches.last_event(world["match"])
    client.post(reverse("match-undo", args=[world["match"].pk]), {"event": move.pk})
    assert Match.objects.get(pk=world["match"].pk).state == "shortlisted"


@pytest.fixture
def need_and_owner():
    enterprise = OrganisationFactory()
    owner = member_of(enterprise)
    return NeedFactory(organisation=enterprise, created_by=owner), owner


def _close(client, need, owner):
    client.force_login(owner)
    return client.post(reverse("need-transition", args=[need.pk]), {"to": "closed"}, follow=True)


def test_closing_a_need_offers_an_undo_that_reopens_it(client, need_and_owner):
    need, owner = need_and_owner
    page = _close(client, need, owner).content.decode()
    assert 'class="toast"' in page
    assert TechnologyNeed.objects.get(pk=need.pk).status == "closed"

    client.post(reverse("need-undo", args=[need.pk]))

    need.refresh_from_db()
    assert (need.status, need.closed_at) == ("open", None)
    # Nothing left to undo: a second tap changes nothing.
    client.post(reverse("need-undo", args=[need.pk]))
    assert TechnologyNeed.objects.get(pk=need.pk).status == "open"


def test_a_listing_undo_is_refused_to_another_user_after_the_window_or_after_a_change(
    need_and_owner,
):
    need, owner = need_and_owner
    other = member_of(need.organisation)

    def close():
        listings.need_transition(need=need, to="closed", by=owner)
        return listings.listing_move_of(need, moved_from="open", by=owner, closed_at_before=None)

    move = close()
    with pytest.raises(PermissionDenied):
        listings.listing_undo(listing=need, move=move, by=other)

    late = move.__class__(
        **{
            **move.as_dict(),
            "moved_at": (timezone.now() - listings.UNDO_WINDOW - timedelta(seconds=1)).isoformat(),
        }
    )
    with pytest.raises(ValidationError, match="来不及撤销"):
        listings.listing_undo(listing=need, move=late, by=owner)

    listings.need_transition(need=need, to="open", by=owner)
    listings.need_transition(need=need, to="closed", by=other)
    with pytest.raises(ValidationError, match="之后已有变动"):
        listings.listing_undo(listing=need, move=move, by=owner)
    assert TechnologyNeed.objects.get(pk=need.pk).status == "closed"


def test_not_relevant_on_a_card_offers_an_undo_that_brings_the_result_back(client, world):
    client.force_login(world["enterprise"])
    need_page = reverse("need-detail", args=[world["match"].need_id])
    page = client.post(
        reverse("match-not-relevant", args=[world["match"].pk]), {"next": need_page}, follow=True
    ).content.decode()
    assert "已标记为不相关" in page and 'class="toast"' in page
    move = matches.last_event(world["match"])

    client.post(reverse("match-undo", args=[world["match"].pk]), {"event": move.pk})

    match = Match.objects.get(pk=world["match"].pk)
    assert (match.state, match.decline_reason) == ("shortlisted", "")


def test_an_offer_not_shown_in_time_is_dropped_rather_than_shown_late(client, world):
    client.force_login(world["staff"])
    client.post(
        reverse("match-action", args=[world["match"].pk]),
        {"to": "evaluating", "expected_state": "shortlisted"},
    )
    session = client.session
    session["undo_offer"] = {**session["undo_offer"], "until": 0}
    session.save()

    assert 'class="toast"' not in client.get(reverse("station-board")).content.decode()


def test_the_api_history_tells_an_undo_from_a_move(client, world):
    moved = matches.match_transition(match=world["match"], to="evaluating", by=world["staff"])
    move = matches.last_event(moved)
    matches.match_undo(match=moved, event_id=move.pk, by=world["staff"])
    client.force_login(world["staff"])

    events = client.get(reverse("api-match-events", args=[moved.pk])).json()

    assert [(e["from_state"], e["to_state"], e["undoes"]) for e in events][-2:] == [
        ("shortlisted", "evaluating", None),
        ("evaluating", "shortlisted", move.pk),
    ]
