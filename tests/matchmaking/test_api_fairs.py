"""The fair through /api/v1/: each role gets what the pages give it, by the same rules."""

from datetime import date, time

import pytest
from rest_framework.test import APIClient

from accounts.enums import MembershipRole, OrganisationKind
from matchmaking.fairs import services as fairs
from matchmaking.models import Fair, Match, Meeting, MeetingRequest
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    fair = Fair.objects.create(
        name="API 对接会",
        year=2026,
        city="成都",
        venue="会展中心",
        first_day=date(2026, 12, 10),
        registration_opens=date(2026, 11, 1),
        registration_closes=date(2026, 12, 5),
        day_start=time(9),
        day_end=time(11),
        breaks=[["10:00", "10:30"]],
        tables=3,
        status="registration_open",
    )
    enterprise = OrganisationFactory(region_id="522634", name="API 企业")
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION, name="API 研究院")
    match = Match.objects.create(
        need=NeedFactory(organisation=enterprise),
        result=ResultFactory(organisation=institution),
        score=0.8,
        text_score=0.7,
        structured_score=0.9,
        matcher_version="t",
    )
    return {
        "fair": fair,
        "match": match,
        "enterprise": member_of(enterprise, MembershipRole.OWNER),
        "researcher": member_of(institution, MembershipRole.OWNER),
        "station_in": member_of(
            OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
        ),
        "station_out": member_of(
            OrganisationFactory(kind=OrganisationKind.STATION, covered=["510131"])
        ),
        "admin": UserFactory(is_staff=True, is_superuser=True),
    }


def as_(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def register_both(world):
    for who, attendees in (("enterprise", "王五 13600000001"), ("researcher", "赵六 13600000002")):
        response = as_(world[who]).post(
            f"/api/v1/fairs/{world['fair'].pk}/register/",
            {"attendees": attendees, "available_slots": [1, 2, 99]},
            format="json",
        )
        assert response.status_code == 200, response.data
    return {r.organisation.name: r for r in world["fair"].registrations.all()}


def test_anyone_reads_the_fairs_and_a_fair_with_its_slots_and_breaks(world):
    client = as_(None)
    (listed,) = client.get("/api/v1/fairs/").data["results"]
    assert (listed["name"], listed["day_start"], listed["breaks"]) == (
        "API 对接会",
        "09:00",
        [["10:00", "10:30"]],
    )
    detail = client.get(f"/api/v1/fairs/{world['fair'].pk}/").json()
    assert [(s["index"], s["start"][11:16]) for s in detail["slots"]] == [
        (0, "09:00"),
        (1, "09:30"),
        (2, "10:30"),
    ]
    assert detail["tables"] == 3


def test_registering_through_the_api_and_participants_show_public_fields_only(world):
    registrations = register_both(world)
    mine = registrations["API 企业"]
    assert mine.available_slots == [1, 2]  # a slot that does not exist is dropped
    response = as_(world["station_out"]).get(f"/api/v1/fairs/{world['fair'].pk}/participants/")
    assert response.status_code == 200
    names = {p["name"]: p for p in response.data["results"]}
    assert set(names) == {"API 企业", "API 研究院"}
    assert set(names["API 企业"]) == {
        "id",
        "organisation",
        "name",
        "kind",
        "region",
        "needs",
        "results",
    }
    assert "13600000001" not in response.content.decode()
    own = as_(world["enterprise"]).get(f"/api/v1/fairs/{world['fair'].pk}/my-registrations/")
    assert [r["attendees"] for r in own.data] == ["王五 13600000001"]
    # A station registers enterprises it covers, not itself; anonymous callers not at all.
    refused = as_(world["station_in"]).post(
        f"/api/v1/fairs/{world['fair'].pk}/register/", {"attendees": "x"}, format="json"
    )
    assert refused.status_code == 400
    assert as_(None).post(f"/api/v1/fairs/{world['fair'].pk}/register/", {}).status_code == 403


def test_a_request_from_a_match_is_accepted_by_the_other_side_only(world):
    register_both(world)
    created = as_(world["enterprise"]).post(
        "/api/v1/meeting-requests/",
        {"fair": world["fair"].pk, "match": world["match"].pk, "message": "见面谈"},
        format="json",
    )
    assert created.status_code == 201
    assert (created.data["recipient_name"], created.data["status"]) == ("API 研究院", "pending")
    rid = created.data["id"]
    assert (
        as_(world["enterprise"]).post(f"/api/v1/meeting-requests/{rid}/accept/").status_code == 403
    )
    assert (
        as_(world["station_out"]).post(f"/api/v1/meeting-requests/{rid}/decline/").status_code
        == 403
    )
    accepted = as_(world["researcher"]).post(f"/api/v1/meeting-requests/{rid}/accept/")
    assert (accepted.status_code, accepted.data["status"]) == (200, "accepted")
    again = as_(world["researcher"]).post(f"/api/v1/meeting-requests/{rid}/decline/")
    assert again.status_code == 400 and "non_field_errors" in again.data
    assert [
        r["id"] for r in as_(world["enterprise"]).get("/api/v1/meeting-requests/").data["results"]
    ] == [rid]
    assert as_(world["station_out"]).get("/api/v1/meeting-requests/").data["results"] == []


def test_a_request_to_a_participant_needs_a_registration_of_ones_own(world):
    registrations = register_both(world)
    stranger = member_of(OrganisationFactory(region_id="620102"))
    response = as_(stranger).post(
        "/api/v1/meeting-requests/",
        {"fair": world["fair"].pk, "recipient": registrations["API 研究院"].pk},
        format="json",
    )
    assert (response.status_code, list(response.data)) == (400, ["requester"])
    both = as_(world["enterprise"]).post(
        "/api/v1/meeting-requests/",
        {"fair": world["fair"].pk, "recipient": 1, "match": world["match"].pk},
        format="json",
    )
    assert both.status_code == 400


def test_my_agenda_check_in_and_outcomes_by_role(world):
    registrations = register_both(world)
    request = fairs.meeting_request_from_match(
        fair=world["fair"], match=world["match"], by=world["enterprise"]
    )
    fairs.meeting_request_answer(request=request, by=world["researcher"], accept=True)
    run = fairs.schedule_compute(fairs.schedule_start(fair=world["fair"], by=world["admin"]))
    fairs.schedule_publish(run=run, by=world["admin"])
    meeting = Meeting.objects.get()

    (agenda,) = as_(world["researcher"]).get(f"/api/v1/fairs/{world['fair'].pk}/agenda/").json()
    (row,) = agenda["meetings"]
    assert (row["with_name"], row["with_attendees"], row["table"]) == (
        "API 企业",
        "王五 13600000001",
        meeting.table,
    )
    assert row["start"][11:16] in ("09:30", "10:30")  # both registered for slots 1 and 2
    token = registrations["API 研究院"].calendar_token
    assert agenda["calendar_url"] == f"/fairs/agenda/{token}.ics"
    assert as_(world["station_out"]).get(f"/api/v1/fairs/{world['fair'].pk}/agenda/").data == []

    url = f"/api/v1/fairs/{world['fair'].pk}/check-in/"
    body = {"registration": registrations["API 企业"].pk}
    assert as_(world["enterprise"]).post(url, body, format="json").status_code == 403
    assert as_(world["station_out"]).post(url, body, format="json").status_code == 404
    checked = as_(world["station_in"]).post(url, body, format="json")
    assert checked.status_code == 200 and checked.data["checked_in_at"]
    first = checked.data["checked_in_at"]
    assert as_(world["admin"]).post(url, body, format="json").data["checked_in_at"] == first

    outcome = f"/api/v1/meetings/{meeting.pk}/outcome/"
    assert (
        as_(world["enterprise"]).post(outcome, {"outcome": "held"}, format="json").status_code
        == 403
    )
    assert (
        as_(world["station_out"]).post(outcome, {"outcome": "held"}, format="json").status_code
        == 403
    )
    bad = as_(world["station_in"]).post(outcome, {"outcome": "maybe"}, format="json")
    assert (bad.status_code, list(bad.data)) == (400, ["outcome"])
    done = as_(world["station_in"]).post(
        outcome, {"outcome": "follow_up", "note": "下月考察"}, format="json"
    )
    assert (done.status_code, done.data["status"], done.data["outcome"]) == (
        200,
        "held",
        "follow_up",
    )
    assert MeetingRequest.objects.get().match.state == "contacted"
