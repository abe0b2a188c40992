"""The fair from creation to the follow-up, in the browser."""

from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import Page, expect

from accounts.enums import MembershipRole, OrganisationKind
from matchmaking.models import Fair, Match
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, UserFactory, member_of

pytestmark = pytest.mark.browser
PASSWORD = "pw-Nongqiao-2026"


def log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="你的机构")).to_be_visible()


def log_out(page: Page) -> None:
    page.context.clear_cookies()


def register(page: Page, fair: Fair, slots: list[int]) -> None:
    page.goto(f"/fairs/{fair.pk}/register/")
    page.fill("#id_attendees", "李明 13900001111")
    for slot in slots:
        page.locator(f"input[name=slots][value='{slot}']").check()
    page.get_by_role("button", name="登记").click()
    expect(page.locator(".message")).to_contain_text("已登记")


def test_fair_from_creation_to_follow_up(page: Page, committed_db):
    enterprise = OrganisationFactory(name="蒲江县猕猴桃合作社", region_id="510131")
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION, name="西部农林科技研究院")
    member_of(enterprise, MembershipRole.OWNER, username="ent")
    member_of(institution, MembershipRole.OWNER, username="res")
    match = Match.objects.create(
        need=NeedFactory(organisation=enterprise),
        result=ResultFactory(organisation=institution),
        score=0.8,
        text_score=0.7,
        structured_score=0.9,
        matcher_version="t",
    )
    UserFactory(username="boss", is_staff=True, is_superuser=True)

    log_in(page, "boss")
    page.goto("/admin/matchmaking/fair/add/")
    page.fill("#id_name", "2026 成都技术对接会")
    page.fill("#id_year", "2026")
    page.fill("#id_city", "成都")
    page.fill("#id_venue", "世纪城会展中心")
    page.fill("#id_first_day", "2026-12-10")
    page.fill("#id_days", "1")
    page.fill("#id_registration_opens", "2026-11-01")
    page.fill("#id_registration_closes", "2026-12-05")
    page.fill("#id_day_start", "09:00:00")
    page.fill("#id_day_end", "11:00:00")
    page.fill("#id_slot_minutes", "30")
    page.fill("#id_breaks", "[]")
    page.fill("#id_tables", "3")
    page.fill("#id_max_meetings", "4")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    fair = Fair.objects.get()
    # The admin shows the status read-only: registration opens from the fair's own page.
    page.goto(f"/fairs/{fair.pk}/")
    page.get_by_role("button", name="开放报名").click()
    expect(page.locator(".message").first).to_be_visible()
    fair.refresh_from_db()
    assert fair.status == "registration_open"
    log_out(page)

    log_in(page, "ent")
    register(page, fair, [1, 2])
    log_out(page)
    log_in(page, "res")
    register(page, fair, [2, 3])
    log_out(page)

    log_in(page, "ent")
    page.goto(f"/matches/{match.pk}/")
    page.get_by_role("button", name="约在对接会上见面").click()
    expect(page.locator(".message")).to_contain_text("已发送")
    log_out(page)

    log_in(page, "res")
    page.goto(f"/fairs/{fair.pk}/requests/")
    page.get_by_role("button", name="接受", exact=True).click()
    expect(page.locator(".message")).to_contain_text("已保存")
    log_out(page)

    log_in(page, "boss")
    page.goto(f"/fairs/{fair.pk}/schedule/")
    page.get_by_role("button", name="运行排程").click()
    page.get_by_role("button", name="发布此日程").click()
    expect(page.locator(".messages .message")).to_contain_text("日程已发布")
    log_out(page)

    for username in ("ent", "res"):
        log_in(page, username)
        page.goto(f"/fairs/{fair.pk}/agenda/")
        row = page.locator("table.agenda tbody tr").first
        expect(row).to_contain_text("10:00")  # slot 2: the only time both can meet
        with page.expect_download() as download:
            page.get_by_role("link", name="加入日历（.ics）").click()
        calendar = icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes())
        (event,) = calendar.walk("VEVENT")
        assert event.decoded("DTSTART").strftime("%H:%M") == "10:00"
        log_out(page)

    log_in(page, "boss")
    page.goto(f"/fairs/{fair.pk}/check-in/")
    page.fill("input[name=q]", "猕猴桃")
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("button", name="签到", exact=True).click()
    expect(page.locator(".badge--ok")).to_contain_text("已签到")
    page.goto(f"/fairs/{fair.pk}/meetings/")
    page.select_option("select[name=outcome]", "follow_up")
    page.fill("input[name=note]", "下月实地考察")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".message")).to_contain_text("已保存")

    match.refresh_from_db()
    assert (match.state, match.contact_status) == ("contacted", "accepted")


def test_a_station_announces_a_fair_in_the_site_with_two_breaks_and_opens_registration(
    page: Page, committed_db
):
    from tests.factories import OrganisationFactory as Organisations

    station = Organisations(kind=OrganisationKind.STATION, name="雷山县服务站", covered=["522634"])
    member_of(station, username="desk")
    log_in(page, "desk")
    page.goto("/fairs/")
    page.get_by_role("link", name="发布对接会").click()
    page.fill("#id_name", "2027 凯里技术对接会")
    page.fill("#id_year", "2027")
    page.fill("#id_city", "凯里")
    page.fill("#id_venue", "州会展中心")
    page.fill("#id_first_day", "2027-05-10")
    page.fill("#id_registration_opens", "2027-04-01")
    page.fill("#id_registration_closes", "2027-05-01")
    page.fill("#id_day_start", "09:00")
    page.fill("#id_day_end", "17:00")
    page.fill("#id_tables", "8")
    # The widget: no empty row with the script on; one row per break, added and removed.
    rows = page.locator(".breaks__row")
    expect(rows).to_have_count(0)
    add = page.get_by_role("button", name="添加休息时段")
    for _ in range(3):
        add.click()
    expect(rows).to_have_count(3)
    rows.nth(2).get_by_role("button", name="删除").click()
    expect(rows).to_have_count(2)
    # Overlapping first: refused beside the field, nothing saved.
    rows.nth(0).locator("input[name=breaks_start]").fill("12:00")
    rows.nth(0).locator("input[name=breaks_end]").fill("13:30")
    rows.nth(1).locator("input[name=breaks_start]").fill("13:00")
    rows.nth(1).locator("input[name=breaks_end]").fill("13:15")
    page.get_by_role("button", name="保存对接会").click()
    expect(page.locator("#field-breaks .errorlist")).to_have_text("休息 1 和 2 时间重叠。")
    assert not Fair.objects.exists()
    rows.nth(1).locator("input[name=breaks_start]").fill("15:00")
    rows.nth(1).locator("input[name=breaks_end]").fill("15:15")
    page.get_by_role("button", name="保存对接会").click()
    expect(page.locator(".message")).to_contain_text("已保存")
    fair = Fair.objects.get()
    assert fair.breaks == [["12:00", "13:30"], ["15:00", "15:15"]]
    expect(page.locator("main")).to_contain_text("12:00–13:30, 15:00–15:15")
    page.get_by_role("button", name="开放报名").click()
    expect(page.locator(".message")).to_contain_text("报名已开放")
    fair.refresh_from_db()
    assert fair.status == "registration_open"
    # Editing shows the two breaks as rows.
    page.get_by_role("link", name="修改对接会").click()
    expect(rows).to_have_count(2)
    expect(rows.nth(1).locator("input[name=breaks_end]")).to_have_value("15:15")


def test_three_check_ins_made_offline_are_sent_once_when_the_network_returns(
    page: Page, committed_db
):
    from datetime import date, time

    from matchmaking.models import FairRegistration
    from tests.factories import OrganisationFactory as Organisations

    fair = Fair.objects.create(
        name="离线签到对接会",
        year=2026,
        city="凯里",
        venue="会展中心",
        first_day=date(2026, 12, 10),
        registration_opens=date(2026, 11, 1),
        registration_closes=date(2026, 12, 5),
        day_start=time(9),
        day_end=time(12),
        tables=4,
        status="agenda_published",
    )
    desk = Organisations(kind=OrganisationKind.STATION, name="主办服务站", covered=["520100"])
    fair.organisers.add(desk)
    member_of(desk, username="door")
    for n in range(4):
        organisation = Organisations(name=f"离线企业{n}", region_id="522634")
        FairRegistration.objects.create(
            fair=fair,
            organisation=organisation,
            registered_by=member_of(organisation),
            attendees=f"参会人{n} 1390000000{n}",
        )
    log_in(page, "door")
    page.goto(f"/fairs/{fair.pk}/check-in/")
    page.context.set_offline(True)
    for n in range(3):
        row = page.locator(".list-item", has_text=f"离线企业{n}")
        row.get_by_role("button", name="签到").click()
        expect(row.locator(".badge--pending")).to_have_text("已签到（待发送）")
    expect(page.locator("[data-queue]")).to_contain_text("本机已保存 3 条签到")
    assert not FairRegistration.objects.filter(checked_in_at__isnull=False).exists()

    page.context.set_offline(False)
    expect(page.locator("[data-queue]")).to_be_hidden()
    checked = FairRegistration.objects.filter(checked_in_at__isnull=False)
    assert sorted(checked.values_list("organisation__name", flat=True)) == [
        "离线企业0",
        "离线企业1",
        "离线企业2",
    ]
    page.reload()  # sent once: nothing left to send, nothing sent twice
    expect(page.locator(".badge--ok")).to_have_count(3)
    assert FairRegistration.objects.filter(checked_in_at__isnull=False).count() == 3
    assert (
        page.evaluate("window.localStorage.length") == 0
        or page.evaluate(f"window.localStorage.getItem('nongqiao-check-in-{fair.pk}')") == "[]"
    )
