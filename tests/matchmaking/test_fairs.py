"""The fair: registration, requests, scheduling and re-scheduling, agendas as .ics, the day."""

from datetime import UTC, date, time

import icalendar
import pytest
import vobject
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.enums import OrganisationKind
from matchmaking.fairs import selectors as fair_selectors
from matchmaking.fairs import services as fairs
from matchmaking.models import Fair, Match, Meeting
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def fair():
    return Fair.objects.create(
        name="2026 中西部农村电商技术对接会",
        year=2026,
        city="成都",
        venue="成都世纪城会展中心",
        first_day=date(2026, 12, 10),
        days=1,
        registration_opens=date(2026, 11, 1),
        registration_closes=date(2026, 12, 5),
        day_start=time(9),
        day_end=time(12),
        slot_minutes=30,
        breaks=[["10:30", "11:00"]],
        tables=2,
        max_meetings=3,
        status="registration_open",
    )


@pytest.fixture
def people(fair):
    enterprise = OrganisationFactory(region_id="522634")
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    match = Match.objects.create(
        need=NeedFactory(organisation=enterprise),
        result=ResultFactory(organisation=institution),
        score=0.8,
        text_score=0.7,
        structured_score=0.9,
        matcher_version="t",
    )
    return {
        "enterprise": enterprise,
        "institution": institution,
        "match": match,
        "member": member_of(enterprise),
        "researcher": member_of(institution),
        "staff": member_of(OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])),
        "admin": UserFactory(is_staff=True),
    }


def register(fair, organisation, user, slots=()):
    return fairs.registration_save(
        fair=fair,
        organisation=organisation,
        by=user,
        attendees="张三 13800138000",
        available_slots=list(slots),
    )


def test_slots_follow_the_day_and_skip_the_break(fair):
    starts = [start.strftime("%H:%M") for _i, start, _e in fair.slots()]
    assert starts == ["09:00", "09:30", "10:00", "11:00", "11:30"]


def test_station_staff_register_an_enterprise_of_their_county_and_strangers_cannot(fair, people):
    registration = register(fair, people["enterprise"], people["staff"], slots=[0, 1, 99])
    assert registration.available_slots == [0, 1]
    with pytest.raises(PermissionDenied):
        register(fair, people["institution"], people["staff"])


def test_a_match_becomes_a_request_the_other_side_accepts(fair, people):
    register(fair, people["enterprise"], people["member"])
    register(fair, people["institution"], people["researcher"])
    request = fairs.meeting_request_from_match(
        fair=fair, match=people["match"], by=people["member"]
    )
    assert request.recipient.organisation == people["institution"]
    with pytest.raises(ValidationError):
        fairs.meeting_request_from_match(fair=fair, match=people["match"], by=people["researcher"])
    with pytest.raises(PermissionDenied):
        fairs.meeting_request_answer(request=request, by=people["member"], accept=True)
    request = fairs.meeting_request_answer(request=request, by=people["researcher"], accept=True)
    assert request.status == "accepted"


def test_asking_to_meet_someone_not_registered_says_so(fair, people):
    register(fair, people["enterprise"], people["member"])
    with pytest.raises(ValidationError) as error:
        fairs.meeting_request_from_match(fair=fair, match=people["match"], by=people["member"])
    assert people["institution"].name in str(error.value)


def _accepted_pairs(fair, count, people, availability=()):
    registrations = []
    for _ in range(count):
        enterprise = OrganisationFactory(region_id="522634")
        institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
        a = register(fair, enterprise, people["admin"], availability)
        b = register(fair, institution, people["admin"], availability)
        request = fairs.meeting_request_create(
            fair=fair, requester=a, recipient=b, by=people["admin"]
        )
        fairs.meeting_request_answer(request=request, by=people["admin"], accept=True)
        registrations.append((a, b))
    return registrations


def test_scheduling_previews_then_publishes_and_a_rerun_keeps_confirmed_meetings(fair, people):
    _accepted_pairs(fair, 4, people)
    run = fairs.schedule_compute(fairs.schedule_start(fair=fair, by=people["admin"]))
    assert (run.status, run.meetings) == ("preview", 4)
    assert not Meeting.objects.exists()  # nothing published yet
    fairs.schedule_publish(run=run, by=people["admin"])
    meetings = list(Meeting.objects.order_by("pk"))
    assert len({(m.slot, m.table) for m in meetings}) == 4
    assert max(m.table for m in meetings) <= fair.tables
    confirmed = meetings[0]
    Meeting.objects.filter(pk=confirmed.pk).update(status="confirmed")
    _accepted_pairs(fair, 3, people)
    rerun = fairs.schedule_compute(fairs.schedule_start(fair=fair, by=people["admin"]))
    assert rerun.assignments[str(confirmed.request_id)] == [confirmed.slot, confirmed.table]
    assert len(rerun.diff["added"]) == 3
    with pytest.raises(PermissionDenied):
        fairs.schedule_start(fair=fair, by=people["staff"])


def test_a_moved_meeting_keeps_its_calendar_uid_and_raises_its_sequence(fair, people, client):
    ((a, b),) = _accepted_pairs(fair, 1, people)
    fairs.schedule_publish(
        run=fairs.schedule_compute(fairs.schedule_start(fair=fair, by=people["admin"])),
        by=people["admin"],
    )
    url = reverse("fair-agenda-ics", args=[a.calendar_token])
    first = icalendar.Calendar.from_ical(client.get(url).content)
    meeting = Meeting.objects.get()
    # Someone becomes unavailable at the meeting's slot: the re-run moves it.
    a.available_slots = [s for s in range(5) if s != meeting.slot]
    a.save()
    fairs.schedule_publish(
        run=fairs.schedule_compute(fairs.schedule_start(fair=fair, by=people["admin"])),
        by=people["admin"],
    )
    second = icalendar.Calendar.from_ical(client.get(url).content)
    (event1,) = first.walk("VEVENT")
    events2 = [e for e in second.walk("VEVENT") if e["STATUS"] != "CANCELLED"]
    assert len(events2) == 1
    assert str(events2[0]["UID"]) == str(event1["UID"])
    assert int(events2[0]["SEQUENCE"]) > int(event1["SEQUENCE"])
    assert events2[0].decoded("DTSTART") != event1.decoded("DTSTART")


def _published_meeting_feed(fair, people, client):
    ((a, _b),) = _accepted_pairs(fair, 1, people)
    fairs.schedule_publish(
        run=fairs.schedule_compute(fairs.schedule_start(fair=fair, by=people["admin"])),
        by=people["admin"],
    )
    return a, reverse("fair-agenda-ics", args=[a.calendar_token])


def _vobject_events(content: bytes):
    return [c for c in vobject.readOne(content.decode("utf-8")).getChildren() if c.name == "VEVENT"]


def test_the_calendar_defines_the_time_zone_it_names_and_two_parsers_agree(fair, people, client):
    registration, url = _published_meeting_feed(fair, people, client)
    content = client.get(url).content
    calendar = icalendar.Calendar.from_ical(content)
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Asia/Shanghai"
    (event,) = calendar.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    (other,) = _vobject_events(content)
    assert other.dtstart.value.astimezone(UTC) == event.decoded("DTSTART").astimezone(UTC)
    meeting = Meeting.objects.get()
    (slot_start,) = [start for index, start, _end in fair.slots() if index == meeting.slot]
    assert other.dtstart.value.astimezone(UTC) == slot_start.astimezone(UTC)  # 8 h before 成都
    assert other.uid.value == str(event["UID"])
    assert int(other.sequence.value) == int(event["SEQUENCE"])

    # A move raises SEQUENCE in both parsers' reading, UID unchanged.
    registration.available_slots = [s for s in range(5) if s != meeting.slot]
    registration.save()
    fairs.schedule_publish(
        run=fairs.schedule_compute(fairs.schedule_start(fair=fair, by=people["admin"])),
        by=people["admin"],
    )
    moved = [e for e in _vobject_events(client.get(url).content) if e.status.value != "CANCELLED"]
    assert [e.uid.value for e in moved] == [other.uid.value]
    assert int(moved[0].sequence.value) > int(other.sequence.value)
    assert moved[0].dtstart.value != other.dtstart.value


@pytest.mark.parametrize(("language", "table"), [("zh-hans", "桌 1"), ("en", "table 1")])
def test_the_calendar_speaks_the_language_of_the_person_who_registered(
    fair, people, client, language, table
):
    registration, url = _published_meeting_feed(fair, people, client)
    Meeting.objects.update(table=1)
    registration.registered_by.language = language
    registration.registered_by.save()
    (event,) = icalendar.Calendar.from_ical(client.get(url).content).walk("VEVENT")
    assert str(event["LOCATION"]) == f"成都世纪城会展中心, {table}"
    assert str(event["SUMMARY"]).endswith(f" · {table}")


def test_the_calendar_feed_needs_its_secret(client, fair):
    assert client.get("/fairs/agenda/00000000-0000-0000-0000-000000000000.ics").status_code == 404


def test_follow_up_wanted_moves_the_match_with_history(fair, people):
    a = register(fair, people["enterprise"], people["member"])
    b = register(fair, people["institution"], people["researcher"])
    request = fairs.meeting_request_from_match(
        fair=fair, match=people["match"], by=people["member"]
    )
    fairs.meeting_request_answer(request=request, by=people["researcher"], accept=True)
    fairs.schedule_publish(
        run=fairs.schedule_compute(fairs.schedule_start(fair=fair, by=people["admin"])),
        by=people["admin"],
    )
    fairs.check_in(registration=a, by=people["staff"])
    assert b.checked_in_at is None
    meeting = Meeting.objects.get()
    fairs.record_outcome(
        meeting=meeting, by=people["staff"], outcome="follow_up", note="下月去县里看现场"
    )
    match = Match.objects.get(pk=people["match"].pk)
    assert (match.state, match.contact_status) == ("contacted", "accepted")
    assert "下月去县里看现场" in match.events.get().note
    with pytest.raises(PermissionDenied):
        fairs.record_outcome(meeting=meeting, by=people["member"], outcome="held")
    report = fair_selectors.fair_report(fair)
    assert (
        report["registrations"],
        report["checked_in"],
        report["held"],
        report["follow_ups"],
    ) == (2, 1, 1, 1)


def test_only_a_covering_station_records_an_outcome(fair, people):
    a = register(fair, people["enterprise"], people["member"])
    b = register(fair, people["institution"], people["researcher"])
    request = fairs.meeting_request_create(fair=fair, requester=a, recipient=b, by=people["member"])
    fairs.meeting_request_answer(request=request, by=people["researcher"], accept=True)
    run = fairs.schedule_compute(fairs.schedule_start(fair=fair, by=people["admin"]))
    fairs.schedule_publish(run=run, by=people["admin"])
    far_staff = member_of(OrganisationFactory(kind=OrganisationKind.STATION, covered=["620102"]))
    with pytest.raises(PermissionDenied):
        fairs.record_outcome(meeting=Meeting.objects.get(), by=far_staff, outcome="held")
    assert fairs.schedule_compute(run).status == "published"  # a redelivered task changes nothing


# -- the check-in desk: the fair's organisers and the stations covering the registrant ------------


@pytest.fixture
def desk(fair):
    """A Guizhou and a Sichuan enterprise registered; a station in each province, and a third
    that organises the fair."""
    guizhou = OrganisationFactory(name="雷山县银球茶合作社", region_id="522634")
    sichuan = OrganisationFactory(name="蒲江县猕猴桃合作社", region_id="510131")
    registrations = {}
    for organisation, phone in ((guizhou, "13600000001"), (sichuan, "13600000002")):
        registrations[organisation.region_id] = fairs.registration_save(
            fair=fair,
            organisation=organisation,
            by=member_of(organisation),
            attendees=f"王五 {phone}",
            available_slots=[],
        )
    organiser = OrganisationFactory(kind=OrganisationKind.STATION, covered=["510100"])
    fair.organisers.add(organiser)
    return {
        "guizhou": registrations["522634"],
        "sichuan": registrations["510131"],
        # Chengdu prefecture covers 蒲江县; Qiandongnan prefecture covers 雷山县.
        "chengdu": member_of(
            OrganisationFactory(kind=OrganisationKind.STATION, covered=["510100"])
        ),
        "qiandongnan": member_of(
            OrganisationFactory(kind=OrganisationKind.STATION, covered=["522600"])
        ),
        "organiser": member_of(organiser),
        "admin": UserFactory(is_staff=True),
    }


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("chengdu", ["13600000002"]),
        ("qiandongnan", ["13600000001"]),
        ("organiser", ["13600000001", "13600000002"]),
        ("admin", ["13600000001", "13600000002"]),
    ],
)
def test_the_desk_lists_only_the_registrants_a_station_covers(client, fair, desk, who, sees):
    client.force_login(desk[who])
    html = client.get(reverse("fair-check-in", args=[fair.pk])).content.decode()
    assert [phone for phone in ("13600000001", "13600000002") if phone in html] == sees


def test_a_chengdu_station_cannot_check_in_a_guizhou_registration(client, fair, desk):
    guizhou = desk["guizhou"]
    client.force_login(desk["chengdu"])
    response = client.post(reverse("fair-check-in", args=[fair.pk]), {"registration": guizhou.pk})
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        fairs.check_in(registration=guizhou, by=desk["chengdu"])
    guizhou.refresh_from_db()
    assert guizhou.checked_in_at is None
    client.force_login(desk["qiandongnan"])
    response = client.post(reverse("fair-check-in", args=[fair.pk]), {"registration": guizhou.pk})
    assert response.status_code == 302
    guizhou.refresh_from_db()
    assert guizhou.checked_in_at is not None


def test_the_desk_rule_is_one_predicate_and_its_queryset_filter_agrees(fair, desk):
    from accounts import permissions

    registrations = [desk["guizhou"], desk["sichuan"]]
    for who in ("chengdu", "qiandongnan", "organiser", "admin"):
        user = desk[who]
        allowed = {r.pk for r in registrations if permissions.can_check_in(user, r)}
        listed = set(
            permissions.check_in_registrations(user, fair, fair.registrations.all()).values_list(
                "pk", flat=True
            )
        )
        assert listed == allowed, who
    assert not permissions.can_check_in(desk["chengdu"], desk["guizhou"])
    assert permissions.can_check_in(desk["organiser"], desk["guizhou"])
