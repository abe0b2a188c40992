"""SMS for what cannot wait: sent once per notification and person, only to verified numbers,
as each person chose; a refusal recorded; "TD" stops that kind; links through /s/<code>."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.enums import OrganisationKind
from accounts.sms import outbox
from matchmaking.matches import services as matches
from matchmaking.models import Match, NotificationSetting, SmsMessage
from matchmaking.notifications import services as notifications
from tests.accounts.test_sms_backends import Endpoint
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, member_of

pytestmark = pytest.mark.django_db

FARMER = "+8613985512345"


@pytest.fixture(autouse=True)
def _sms_in_memory(settings):
    settings.SMS_URL = "locmem://"
    settings.SITE_URL = "https://nongqiao.cn"
    outbox.clear()
    yield
    outbox.clear()


@pytest.fixture
def world():
    enterprise = OrganisationFactory(region_id="522634")
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)

    def new_match():
        return Match.objects.create(
            need=NeedFactory(organisation=enterprise),
            result=ResultFactory(organisation=institution),
            score=0.8,
            text_score=0.7,
            structured_score=0.9,
            matcher_version="t",
        )

    return {
        "new_match": new_match,
        "farmer": member_of(enterprise, phone=FARMER, phone_verified=True),
        "unverified": member_of(enterprise, phone="+8613908557321", phone_verified=False),
        "researcher": member_of(institution),
    }


def accept_contact(world, match, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        matches.match_request_contact(match=match, by=world["farmer"], message="你好")
    with django_capture_on_commit_callbacks(execute=True):
        matches.match_answer_contact(match=match, by=world["researcher"], accept=True)


def test_an_accepted_contact_request_goes_by_sms_once_to_verified_numbers_only(
    world, django_capture_on_commit_callbacks
):
    match = world["new_match"]()
    accept_contact(world, match, django_capture_on_commit_callbacks)
    [sms] = outbox
    assert (sms["to"], sms["kind"]) == (FARMER, "contact_answered")
    code = SmsMessage.objects.get().params["link"].rsplit("/", 1)[1]
    assert sms["text"] == f"对方已同意与您联系，联系方式见https://nongqiao.cn/s/{code}"
    assert len(sms["text"]) < 70
    assert SmsMessage.objects.get().status == "sent"

    with django_capture_on_commit_callbacks(execute=True):
        notifications.contact_answered(match.pk)  # the same notification delivered again
    assert len(outbox) == 1


def test_the_short_link_opens_the_page_it_stands_for(client, world):
    match = world["new_match"]()
    link = notifications.short_link(reverse("match-detail", args=[match.pk]))
    code = link.rsplit("/", 1)[1]
    response = client.get(f"/s/{code}")
    assert (response.status_code, response["Location"]) == (302, f"/matches/{match.pk}/")
    assert client.get("/s/nothing").status_code == 404


def test_sms_of_a_kind_turned_off_on_the_notifications_page_are_not_sent(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world["farmer"])
    client.post(
        reverse("notification-settings"),
        {"contact_answer_in_app": "on", "contact_request_sms": "on"},
    )
    assert not NotificationSetting.objects.get(user=world["farmer"], kind="contact_answer").sms
    accept_contact(world, world["new_match"](), django_capture_on_commit_callbacks)
    assert outbox == []


def test_replying_td_stops_that_numbers_sms_of_that_kind(world, django_capture_on_commit_callbacks):
    accept_contact(world, world["new_match"](), django_capture_on_commit_callbacks)
    assert len(outbox) == 1
    call_command("sms_reply", "13985512345", "TD", stdout=__import__("io").StringIO())
    setting = NotificationSetting.objects.get(user=world["farmer"], kind="contact_answer")
    assert (setting.sms, setting.in_app, setting.email) == (False, True, True)

    accept_contact(world, world["new_match"](), django_capture_on_commit_callbacks)
    assert len(outbox) == 1  # no SMS of that kind any more

    # Another kind still comes: a meeting request at the fair.
    assert notifications.sms_wanted(world["farmer"], "contact_request")


def test_a_refusal_by_the_provider_is_recorded_and_not_retried(
    settings, world, django_capture_on_commit_callbacks
):
    endpoint = Endpoint()
    try:
        endpoint.answer = (
            200,
            {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号", "RequestId": "r"},
        )
        settings.SMS_URL = (
            f"aliyun://k:s@{endpoint.host}?scheme=http&sign=农桥&template_contact_answered=SMS_3"
        )
        accept_contact(world, world["new_match"](), django_capture_on_commit_callbacks)
    finally:
        endpoint.close()
    sms = SmsMessage.objects.get()
    assert (sms.status, sms.attempts, sms.error) == (
        "refused",
        1,
        "isv.MOBILE_NUMBER_ILLEGAL: 非法手机号",
    )
    assert len(endpoint.requests) == 1


def test_an_unreachable_provider_is_retried_then_marked_failed(
    settings, world, django_capture_on_commit_callbacks
):
    from matchmaking.tasks import send_queued_sms

    endpoint = Endpoint()
    url = f"aliyun://k:s@{endpoint.host}?scheme=http&sign=农桥&template_contact_answered=SMS_3"
    endpoint.close()
    settings.SMS_URL = url
    accept_contact(world, world["new_match"](), django_capture_on_commit_callbacks)
    sms = SmsMessage.objects.get()
    # The first try failed and asked Celery for a retry (an eager task runs no retry).
    assert (sms.status, sms.attempts, sms.error[:11]) == ("queued", 1, "unavailable")
    # The last retry gives up and says so, for staff.
    assert send_queued_sms.apply(args=(sms.pk,), retries=5).get() == "failed"
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == ("failed", 2)
    # A task delivered again after that sends nothing.
    assert send_queued_sms.apply(args=(sms.pk,)).get() == "done"


def test_a_filed_evaluation_reaches_the_enterprise_by_sms(
    world, django_capture_on_commit_callbacks
):
    from tests.matchmaking.test_stations import EVALUATION

    match = world["new_match"]()
    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    with django_capture_on_commit_callbacks(execute=True):
        evaluation = stations_service().evaluation_create(
            match=match, by=member_of(station), data=dict(EVALUATION)
        )
    [sms] = outbox
    assert (sms["to"], sms["kind"]) == (FARMER, "evaluation_ready")
    link = SmsMessage.objects.get().params["link"]
    assert sms["text"] == f"服务站的技术评估报告已完成，请查看{link}"
    assert notifications.short_link(f"/evaluations/{evaluation.pk}/") == link


def stations_service():
    from matchmaking.stations import services as stations

    return stations


def test_the_day_before_a_fair_meeting_both_sides_get_one_reminder(
    world, django_capture_on_commit_callbacks
):
    from datetime import date, datetime, time

    from django.utils import timezone

    from matchmaking.models import Fair, FairRegistration, Meeting, MeetingRequest

    match = world["new_match"]()
    fair = Fair.objects.create(
        name="对接会",
        year=2026,
        city="成都",
        venue="会展中心",
        first_day=date(2026, 12, 10),
        registration_opens=date(2026, 11, 1),
        registration_closes=date(2026, 12, 5),
        day_start=time(9),
        day_end=time(12),
        tables=2,
        status="agenda_published",
    )
    ask = FairRegistration.objects.create(
        fair=fair, organisation=match.need.organisation, registered_by=world["farmer"]
    )
    answer = FairRegistration.objects.create(
        fair=fair, organisation=match.result.organisation, registered_by=world["researcher"]
    )
    request = MeetingRequest.objects.create(
        fair=fair,
        requester=ask,
        recipient=answer,
        match=match,
        status="accepted",
        requested_by=world["farmer"],
    )
    Meeting.objects.create(request=request, fair=fair, slot=1, table=2)  # 09:30 on the 10th
    tz = timezone.get_default_timezone()
    the_day_before = datetime(2026, 12, 9, 18, 0, tzinfo=tz)
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.fair_reminders(now=datetime(2026, 12, 8, 18, 0, tzinfo=tz)) == 0
        assert notifications.fair_reminders(now=the_day_before) == 3  # two + one member
        assert notifications.fair_reminders(now=the_day_before) == 0
    [sms] = outbox  # the only verified number among them
    assert sms["text"].startswith("提醒：您明天09:30有对接会会面，议程见https://nongqiao.cn/s/")
