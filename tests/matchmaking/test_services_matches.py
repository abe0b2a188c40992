"""The match workflow: one table, each move by the right side, every move recorded."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.enums import OrganisationKind
from matchmaking.matches import services as matches
from matchmaking.matches import states as matches_states
from matchmaking.matches.selectors import strength
from matchmaking.matching import calibration
from matchmaking.models import Match, Notification, NotificationSetting
from matchmaking.notifications import services as notifications
from tests.factories import (
    NeedFactory,
    OrganisationFactory,
    ResultFactory,
    UserFactory,
    member_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    enterprise = OrganisationFactory(region_id="522634")
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION, phone="0571-88881234")
    match = Match.objects.create(
        need=NeedFactory(organisation=enterprise),
        result=ResultFactory(organisation=institution),
        score=0.8,
        text_score=0.7,
        structured_score=0.9,
        matcher_version="t",
    )
    return {
        "match": match,
        "enterprise": member_of(enterprise, email="ent@example.cn"),
        "researcher": member_of(institution, email="res@example.cn", language="en"),
        "staff": member_of(OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])),
        "stranger": member_of(OrganisationFactory()),
    }


def test_the_table_has_every_state_and_closing_moves_from_every_open_state():
    assert set(matches_states.TRANSITIONS) == set(matches_states.FORWARD) | matches_states.CLOSED
    for state in matches_states.FORWARD[:-1]:
        assert {"declined", "withdrawn"} <= set(matches_states.TRANSITIONS[state])


def test_the_enterprise_shortlists_and_the_move_is_recorded(pair):
    match = matches.match_transition(
        match=pair["match"], to="shortlisted", by=pair["enterprise"], note="看着不错"
    )
    assert match.state == "shortlisted"
    event = match.events.get()
    assert (event.actor, event.from_state, event.to_state, event.note) == (
        pair["enterprise"],
        "suggested",
        "shortlisted",
        "看着不错",
    )


@pytest.mark.parametrize("who", ["enterprise", "staff", "admin"])
def test_no_one_moves_a_match_to_contacted_without_a_contact_request(pair, who):
    by = UserFactory(is_staff=True, is_superuser=True) if who == "admin" else pair[who]
    with pytest.raises(ValidationError) as refused:
        matches.match_transition(match=pair["match"], to="contacted", by=by)
    assert refused.value.message_dict == {
        "to": [
            gettext(
                "Request contact instead: the match becomes “contacted” through a contact "
                "request, with your message, that the researcher answers."
            )
        ]
    }
    pair["match"].refresh_from_db()
    assert (pair["match"].state, pair["match"].contact_status) == ("suggested", "")


def test_the_match_page_refuses_the_shortcut_to_contacted_with_the_way(client, pair):
    client.force_login(pair["enterprise"])
    response = client.post(
        reverse("match-action", args=[pair["match"].pk]),
        {"to": "contacted", "expected_state": "suggested"},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        gettext(
            "Request contact instead: the match becomes “contacted” through a contact request, "
            "with your message, that the researcher answers."
        )
    ]
    pair["match"].refresh_from_db()
    assert pair["match"].state == "suggested"


def test_station_staff_act_for_the_enterprise_in_their_county(pair):
    match = matches.match_transition(match=pair["match"], to="shortlisted", by=pair["staff"])
    assert match.state == "shortlisted"


def test_the_researcher_cannot_shortlist_and_a_stranger_cannot_touch(pair):
    with pytest.raises(PermissionDenied):
        matches.match_transition(match=pair["match"], to="shortlisted", by=pair["researcher"])
    with pytest.raises(PermissionDenied):
        matches.match_transition(match=pair["match"], to="withdrawn", by=pair["stranger"])


def test_an_illegal_move_is_refused_with_a_message(pair):
    with pytest.raises(ValidationError) as error:
        matches.match_transition(match=pair["match"], to="adopted", by=pair["enterprise"])
    assert "state" in error.value.message_dict
    assert Match.objects.get(pk=pair["match"].pk).state == "suggested"


def test_declining_needs_a_structured_reason(pair):
    with pytest.raises(ValidationError):
        matches.match_transition(match=pair["match"], to="declined", by=pair["enterprise"])
    with pytest.raises(ValidationError):
        matches.match_transition(
            match=pair["match"], to="declined", by=pair["enterprise"], reason="other"
        )
    match = matches.match_transition(
        match=pair["match"], to="declined", by=pair["enterprise"], reason="too_expensive"
    )
    assert (match.state, match.decline_reason) == ("declined", "too_expensive")


def test_contact_flow_opens_contact_details_only_after_acceptance(
    pair, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        match = matches.match_request_contact(
            match=pair["match"], by=pair["enterprise"], message="想了解价格"
        )
    assert (match.state, match.contact_status, match.contact_open) == (
        "contacted",
        "pending",
        False,
    )
    assert [m.to for m in mail.outbox] == [["res@example.cn"]]
    assert "asks to talk" in mail.outbox[0].subject  # the researcher reads English
    with pytest.raises(ValidationError):
        matches.match_transition(match=match, to="solution_proposed", by=pair["enterprise"])
    with pytest.raises(PermissionDenied):
        matches.match_answer_contact(match=match, by=pair["enterprise"], accept=True)
    with django_capture_on_commit_callbacks(execute=True):
        match = matches.match_answer_contact(match=match, by=pair["researcher"], accept=True)
    assert match.contact_open
    assert mail.outbox[-1].to == ["ent@example.cn"]
    assert "接受" in mail.outbox[-1].subject  # the enterprise reads Chinese
    match = matches.match_transition(match=match, to="solution_proposed", by=pair["enterprise"])
    assert match.state == "solution_proposed"


def test_a_declined_contact_request_declines_the_match(pair):
    match = matches.match_request_contact(
        match=pair["match"], by=pair["enterprise"], message="你好"
    )
    match = matches.match_answer_contact(
        match=match, by=pair["researcher"], accept=False, note="已转让"
    )
    assert (match.state, match.contact_status) == ("declined", "declined")


def test_a_second_person_moving_the_same_match_gets_a_conflict_message(pair):
    matches.match_transition(
        match=pair["match"], to="shortlisted", by=pair["enterprise"], expected_state="suggested"
    )
    with pytest.raises(ValidationError) as error:
        matches.match_transition(
            match=pair["match"], to="shortlisted", by=pair["staff"], expected_state="suggested"
        )
    assert "Someone else" in str(error.value) or "刚刚" in str(error.value)
    assert pair["match"].events.count() == 1


def test_unanswered_requests_are_reminded_once_after_three_days(pair):
    match = matches.match_request_contact(
        match=pair["match"], by=pair["enterprise"], message="你好"
    )
    Match.objects.filter(pk=match.pk).update(
        contact_requested_at=timezone.now() - timedelta(days=4)
    )
    assert notifications.send_reminders() == 1
    assert notifications.send_reminders() == 0
    assert Notification.objects.filter(user=pair["researcher"], kind="reminder").count() == 1


def test_a_user_who_turned_a_kind_off_gets_nothing_of_it(pair):
    NotificationSetting.objects.create(
        user=pair["researcher"], kind="contact_request", in_app=False, email=False
    )
    matches.match_request_contact(match=pair["match"], by=pair["enterprise"], message="你好")
    assert notifications.contact_requested(pair["match"].pk) == 0
    assert not Notification.objects.filter(user=pair["researcher"]).exists()


def test_strong_new_matches_are_announced_to_both_sides(pair):
    assert notifications.strong_matches([pair["match"].pk]) == 2
    assert Notification.objects.filter(kind="strong_match").count() == 2


@pytest.mark.parametrize(
    ("method", "score", "announced"),
    [
        ("hybrid", 0.95, True),
        ("hybrid", 0.85, False),
        ("hybrid", 0.6, False),
        ("lexical", 0.35, True),
    ],
)
def test_only_a_match_its_card_calls_strong_is_announced_as_strong(pair, method, score, announced):
    """The bell says "a strong match" only where the card says 强: a 较好 or 可能 match,
    announced, would bury the messages that matter under a dozen notices per need."""
    match = pair["match"]
    Match.objects.filter(pk=match.pk).update(score=score, explanation={"method": method})
    match.refresh_from_db()
    card_says = strength(match)
    assert (card_says == calibration.STRONG) is announced
    assert notifications.strong_matches([match.pk]) == (2 if announced else 0)
