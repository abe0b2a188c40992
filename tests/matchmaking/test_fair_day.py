"""The fair day at the door: a short code and its QR code on the agenda, typed or scanned."""

import re

import pytest
from django.urls import reverse

from matchmaking.fairs.models import CODE_ALPHABET
from matchmaking.models import Fair, FairRegistration
from tests.matchmaking.test_fairs import desk, fair  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_every_registration_gets_a_six_character_code_without_lookalikes(desk):  # noqa: F811
    codes = [desk["guizhou"].check_in_code, desk["sichuan"].check_in_code]
    assert all(len(c) == 6 and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert len(set(codes)) == 2
    assert not set("01OIL") & set(CODE_ALPHABET)


def test_the_agenda_prints_the_code_and_a_qr_code_of_the_desk_address(client, fair, desk):  # noqa: F811
    registration = desk["guizhou"]
    client.force_login(registration.registered_by)
    for query in ("", "?print=1"):
        page = client.get(reverse("fair-agenda", args=[fair.pk]) + query).content.decode()
        assert (
            f'<strong class="check-in-code__value" data-uc>{registration.check_in_code}</strong>'
            in page
        )
        qr = page[page.index('class="check-in-code__qr"') :]
        svg = re.search(r"<svg[^>]*>.*?</svg>", qr, re.S).group(0)
        assert 'class="segno"' in svg and "<path" in svg


def test_a_desk_checks_in_by_the_typed_code_in_any_case_and_a_second_time_keeps_the_first(
    client,
    fair,  # noqa: F811
    desk,  # noqa: F811
):
    registration = desk["guizhou"]
    url = reverse("fair-check-in", args=[fair.pk])
    client.force_login(desk["qiandongnan"])
    typed = " ".join(registration.check_in_code.lower())
    response = client.post(url, {"code": typed}, follow=True)
    assert "已签到" in response.content.decode()
    first = FairRegistration.objects.get(pk=registration.pk).checked_in_at
    assert first is not None
    response = client.post(url, {"code": registration.check_in_code}, follow=True)
    assert (
        f"已于 {first.astimezone().strftime('%H:%M')}" in response.content.decode()
        or "已于" in (response.content.decode())
    )
    assert FairRegistration.objects.get(pk=registration.pk).checked_in_at == first


def test_a_code_of_a_registrant_the_desk_does_not_cover_is_refused(client, fair, desk):  # noqa: F811
    client.force_login(desk["chengdu"])
    url = reverse("fair-check-in", args=[fair.pk])
    response = client.post(url, {"code": desk["guizhou"].check_in_code})
    assert response.status_code == 403
    response = client.post(url, {"code": "ZZZZZZ"}, follow=True)
    assert "没有使用该签到码的报名" in response.content.decode()
    assert not FairRegistration.objects.filter(checked_in_at__isnull=False).exists()


def test_the_scanned_address_opens_the_desk_with_that_registration_only(client, fair, desk):  # noqa: F811
    client.force_login(desk["organiser"])
    code = desk["sichuan"].check_in_code
    page = client.get(reverse("fair-check-in", args=[fair.pk]) + f"?code={code}").content.decode()
    assert "蒲江县猕猴桃合作社" in page and "雷山县银球茶合作社" not in page


def test_the_api_checks_in_by_code(fair, desk):  # noqa: F811
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(desk["qiandongnan"])
    url = f"/api/v1/fairs/{fair.pk}/check-in/"
    response = client.post(url, {"code": desk["guizhou"].check_in_code.lower()}, format="json")
    assert (response.status_code, response.data["organisation_name"]) == (200, "雷山县银球茶合作社")
    response = client.post(url, {"code": "ZZZZZZ"}, format="json")
    assert (response.status_code, list(response.data)) == (400, ["code"])
    assert Fair.objects.count() == 1


# -- no-shows and the day-of re-run ---------------------------------------------------------------


@pytest.mark.parametrize("source", ["accepted", "standby"])
def test_an_absent_participants_later_table_goes_to_a_pair_that_did_not_fit(
    fair,  # noqa: F811
    source,
    django_capture_on_commit_callbacks,
):
    """Slots 09:00 09:30 10:00 11:00 11:30, one table. E1 meets I1 at 09:00 and I3 at 11:30 but
    never checks in; at 11:15 E1 is absent, the 11:30 table is freed and goes to E2 and I3,
    who could not meet before (an accepted request that did not fit, or both on standby)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from matchmaking.fairs import selectors, services
    from matchmaking.models import Match, Meeting, MeetingRequest, Notification
    from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, UserFactory
    from tests.factories import member_of as member

    Fair.objects.filter(pk=fair.pk).update(tables=1)
    fair.refresh_from_db()
    admin = UserFactory(is_staff=True)
    regs, users = {}, {}
    for name, kind, slots in (
        ("E1", "enterprise", [0, 4]),
        ("E2", "enterprise", []),
        ("I1", "institution", [0]),
        ("I2", "institution", []),
        ("I3", "institution", [4]),
    ):
        organisation = OrganisationFactory(name=name, kind=kind, region_id="522634")
        users[name] = member(organisation)
        regs[name] = services.registration_save(
            fair=fair,
            organisation=organisation,
            by=users[name],
            attendees=name,
            available_slots=slots,
            standby=source == "standby" and name in ("E2", "I3"),
        )

    def accept(a, b):
        request = services.meeting_request_create(
            fair=fair, requester=regs[a], recipient=regs[b], by=users[a]
        )
        return services.meeting_request_answer(request=request, by=users[b], accept=True)

    for a, b in (("E1", "I1"), ("E1", "I3"), ("E2", "I2")):
        accept(a, b)
    if source == "accepted":
        late = accept("E2", "I3")
    else:
        Match.objects.create(
            need=NeedFactory(organisation=regs["E2"].organisation),
            result=ResultFactory(organisation=regs["I3"].organisation),
            score=0.7,
            text_score=0.7,
            structured_score=0.7,
            matcher_version="t",
        )
    run = services.schedule_compute(services.schedule_start(fair=fair, by=admin))
    services.schedule_publish(run=run, by=admin)
    placed = {
        (m.request.requester.organisation.name, m.request.recipient.organisation.name): m.slot
        for m in Meeting.objects.select_related(
            "request__requester__organisation", "request__recipient__organisation"
        )
    }
    assert placed[("E1", "I1")] == 0 and placed[("E1", "I3")] == 4
    if source == "accepted":
        assert not Meeting.objects.filter(request=late).exists()  # I3's one slot was taken

    now = datetime(2026, 12, 10, 11, 15, tzinfo=ZoneInfo("Asia/Shanghai"))
    for name in ("E2", "I1", "I2", "I3"):
        services.check_in(registration=regs[name], by=admin)
    day_of = services.day_of_start(fair=fair, by=admin, now=now)
    regs["E1"].refresh_from_db()
    assert regs["E1"].absent_at == now
    statuses = dict(
        Meeting.objects.values_list("request__recipient__organisation__name", "status").filter(
            request__requester=regs["E1"]
        )
    )
    assert statuses == {"I1": "no_show", "I3": "cancelled"}

    day_of = services.schedule_compute(day_of)
    assert day_of.status == "preview"
    verified = users["E2"]
    verified.phone, verified.phone_verified = "+8613800138000", True
    verified.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.schedule_publish(run=day_of, by=admin)
    refilled = Meeting.objects.get(refilled=True)
    from matchmaking.models import SmsMessage

    # The participant with a verified number also gets a text, for a hall without signal.
    (sms,) = SmsMessage.objects.filter(template="meeting_moved")
    assert (sms.number, sms.params["time"], sms.params["table"]) == ("+8613800138000", "11:30", "1")
    assert (
        refilled.request.requester,
        refilled.request.recipient,
        refilled.slot,
        refilled.table,
    ) == (regs["E2"], regs["I3"], 4, 1)
    assert MeetingRequest.objects.filter(message="standby").count() == (source == "standby")
    e2_meeting = Meeting.objects.get(request__requester=regs["E2"], request__recipient=regs["I2"])
    assert e2_meeting.status == "scheduled" and not e2_meeting.refilled  # kept where it was
    for name in ("E2", "I3"):
        (note,) = Notification.objects.filter(user=users[name]).exclude(kind="contact_request")
        assert note.title.startswith("今天 11:30") or "11:30" in note.title
    report = selectors.fair_report(fair)
    assert (report["absent"], report["no_show_rate"], report["refilled"]) == (1, 20.0, 1)
    assert (report["planned"], report["held_of_planned"]) == (3, 0)


def test_two_desks_checking_in_the_same_person_keep_the_first_time(fair, desk):  # noqa: F811
    """The organiser's desk was offline 30 minutes ago and syncs now; the county desk checked
    the same person in 20 minutes ago, online. One check-in, the first; a time ahead is now."""
    from datetime import timedelta

    from django.utils import timezone

    from matchmaking.fairs import services

    now = timezone.now()
    registration = desk["guizhou"]
    services.check_in(
        registration=registration, by=desk["qiandongnan"], at=now - timedelta(minutes=20)
    )
    synced = services.check_in(
        registration=registration, by=desk["organiser"], at=now - timedelta(minutes=30)
    )
    assert synced.checked_in_at == now - timedelta(minutes=30)
    later = services.check_in(registration=registration, by=desk["admin"])
    assert later.checked_in_at == now - timedelta(minutes=30)
    ahead = services.check_in(
        registration=desk["sichuan"], by=desk["organiser"], at=now + timedelta(days=1)
    )
    assert now <= ahead.checked_in_at <= timezone.now()
