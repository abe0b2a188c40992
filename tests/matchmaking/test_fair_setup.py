"""Announcing a fair in the site: the form, its breaks, who may, and opening registration."""

from datetime import time

import pytest
from django.core.exceptions import ValidationError

from accounts.enums import OrganisationKind
from matchmaking.fairs import services as fairs
from matchmaking.models import Fair
from tests.factories import OrganisationFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db

FIELDS = {
    "name": "2027 贵阳技术对接会",
    "year": "2027",
    "city": "贵阳",
    "venue": "国际会议中心",
    "first_day": "2027-05-10",
    "days": "1",
    "registration_opens": "2027-04-01",
    "registration_closes": "2027-05-01",
    "day_start": "09:00",
    "day_end": "17:00",
    "slot_minutes": "30",
    "tables": "10",
    "max_meetings": "6",
}


def breaks(*rows):
    return {"breaks_start": [a for a, _b in rows], "breaks_end": [b for _a, b in rows]}


@pytest.fixture
def station_staff():
    return member_of(OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"]))


def test_a_station_announces_a_fair_with_two_breaks_and_organises_it(client, station_staff):
    client.force_login(station_staff)
    response = client.post(
        "/fairs/new/", FIELDS | breaks(("15:00", "15:15"), ("12:00", "13:30"), ("", ""))
    )
    fair = Fair.objects.get()
    assert response.status_code == 302 and response.url == f"/fairs/{fair.pk}/"
    assert fair.breaks == [["12:00", "13:30"], ["15:00", "15:15"]]  # in time order, blanks gone
    assert fair.status == "planning"
    assert list(fair.organisers.all()) == [station_staff.memberships.get().organisation]
    starts = [start.strftime("%H:%M") for _i, start, _e in fair.slots()]
    assert "12:00" not in starts and "13:00" not in starts and "15:00" not in starts
    assert len(starts) == 16 - 3 - 1


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ((("12:00", "13:30"), ("13:00", "14:00")), "休息 1 和 2 时间重叠"),
        ((("13:30", "12:00"),), "休息 1：结束时间须晚于开始时间"),
        ((("08:00", "09:30"),), "休息 1 须在 09:00 到 17:00 之间"),
        ((("12:00", ""),), "休息 1：请按 时:分 填写开始和结束时间"),
    ],
)
def test_breaks_that_overlap_or_run_backwards_are_refused_beside_the_field(
    client, station_staff, rows, message
):
    client.force_login(station_staff)
    response = client.post("/fairs/new/", FIELDS | breaks(*rows))
    assert response.status_code == 200
    page = response.content.decode()
    field = page[page.index('id="field-breaks"') :]
    assert message in field[: field.index("</div>\n</div>") + 200]
    assert not Fair.objects.exists()


def test_the_service_checks_breaks_given_as_json_too():
    assert fairs.clean_breaks([["12:00", "13:00"]], time(9), time(17)) == [["12:00", "13:00"]]
    for bad in ("12:00", [["12:00"]], [["x", "13:00"]]):
        with pytest.raises(ValidationError) as error:
            fairs.clean_breaks(bad, time(9), time(17))
        assert list(error.value.message_dict) == ["breaks"]


def test_only_admins_and_organisers_edit_and_open_registration(client, station_staff):
    client.force_login(station_staff)
    client.post("/fairs/new/", FIELDS | breaks(("12:00", "13:30")))
    fair = Fair.objects.get()
    other = member_of(OrganisationFactory(kind=OrganisationKind.STATION, covered=["510131"]))
    enterprise = member_of(OrganisationFactory(region_id="522634"))
    for user in (other, enterprise):
        client.force_login(user)
        assert client.get(f"/fairs/{fair.pk}/edit/").status_code == 403
        assert client.post(f"/fairs/{fair.pk}/open/").status_code == 403
    client.force_login(station_staff)
    page = client.get(f"/fairs/{fair.pk}/edit/").content.decode()
    assert 'value="12:00"' in page and 'value="13:30"' in page
    assert client.post(f"/fairs/{fair.pk}/open/").status_code == 302
    fair.refresh_from_db()
    assert fair.status == "registration_open"
    client.force_login(UserFactory(is_staff=True))
    response = client.post(
        f"/fairs/{fair.pk}/edit/", FIELDS | {"tables": "12"} | breaks(("12:00", "13:00"))
    )
    assert response.status_code == 302
    fair.refresh_from_db()
    assert (fair.tables, fair.breaks, fair.status) == (
        12,
        [["12:00", "13:00"]],
        "registration_open",
    )


def test_an_enterprise_cannot_announce_a_fair(client):
    client.force_login(member_of(OrganisationFactory(region_id="522634")))
    assert client.get("/fairs/new/").status_code == 403
    assert client.post("/fairs/new/", FIELDS).status_code == 403
    assert not Fair.objects.exists()


def test_the_preview_shows_times_and_tables_and_publishing_ends_the_wait(
    client, station_staff, django_capture_on_commit_callbacks
):
    from tests.factories import member_of as member

    client.force_login(station_staff)
    client.post("/fairs/new/", FIELDS | {"day_end": "10:00", "tables": "2"} | breaks())
    fair = Fair.objects.get()
    fairs.fair_open_registration(fair=fair, by=station_staff)
    enterprise = OrganisationFactory(region_id="522634", name="预览企业")
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION, name="预览研究院")
    owner = member(enterprise)
    a = fairs.registration_save(
        fair=fair, organisation=enterprise, by=owner, attendees="张三", available_slots=[1]
    )
    b = fairs.registration_save(
        fair=fair,
        organisation=institution,
        by=member(institution),
        attendees="李四",
        available_slots=[],
    )
    request = fairs.meeting_request_create(fair=fair, requester=a, recipient=b, by=owner)
    fairs.meeting_request_answer(request=request, by=b.registered_by, accept=True)

    client.force_login(owner)
    assert "日程尚未发布" in client.get(f"/fairs/{fair.pk}/").content.decode()
    client.force_login(station_staff)  # the organiser schedules
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/fairs/{fair.pk}/schedule/", {"action": "run"})
    assert response.status_code == 302
    page = client.get(f"/fairs/{fair.pk}/schedule/").content.decode()
    assert (
        "05-10 09:30–10:00</td><td><strong>1</strong></td>"
        "<td><span data-uc>预览企业</span> ↔ <span data-uc>预览研究院</span>"
    ) in page
    run = fair.schedule_runs.get()
    client.post(f"/fairs/{fair.pk}/schedule/", {"action": "publish", "run": run.pk})
    page = client.get(f"/fairs/{fair.pk}/schedule/").content.decode()
    assert "此日程已发布" in page and "发布此日程" not in page
    assert "09:30–10:00" in page
    client.force_login(owner)
    assert "日程尚未发布" not in client.get(f"/fairs/{fair.pk}/").content.decode()
