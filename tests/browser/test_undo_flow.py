"""On a 360 px phone, a one-tap move on the station board asks nothing: it moves, and for a few
seconds a toast offers 撤销, which puts the match back and says so in its history. A double tap
moves one step."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.enums import OrganisationKind
from matchmaking.models import Match, MatchEvent
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, member_of

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def staff_on_board(browser, live_server, committed_db):
    station = OrganisationFactory(
        kind=OrganisationKind.STATION, name="黔东南州雷山县技术转化服务站", covered=["522634"]
    )
    staff = member_of(station, full_name="吴志强", username="wu")
    cooperative = OrganisationFactory(name="雷山县银球茶电商专业合作社", region_id="522634")
    institute = OrganisationFactory(kind=OrganisationKind.INSTITUTION)

    def pair(title: str) -> Match:
        return Match.objects.create(
            need=NeedFactory(organisation=cooperative, title=title),
            result=ResultFactory(organisation=institute, title="名优绿茶智能杀青控制系统"),
            score=0.8,
            text_score=0.7,
            structured_score=0.9,
            matcher_version="t",
            rank_for_need=1,
            state="shortlisted",
        )

    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale="zh-CN", device_scale_factor=1
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", staff.username)
    page.fill("#id_password", "pw-Nongqiao-2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")
    yield page, pair
    context.close()


def _card(page: Page, title: str):
    return page.locator("#column-shortlisted .board__card", has_text=title)


def test_a_board_move_shows_an_undo_toast_that_puts_the_match_back(staff_on_board):
    page, pair = staff_on_board
    match = pair("茶叶杀青火候全凭经验")
    page.goto("/station/#column-shortlisted")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    _card(page, "茶叶杀青火候全凭经验").get_by_role("button", name="→ 开始评估").click()

    toast = page.locator("[data-toast]")
    expect(toast).to_contain_text("已移到“评估中”。")
    assert dialogs == []  # no "are you sure?": the undo is the safety net
    assert Match.objects.get(pk=match.pk).state == "evaluating"
    # Back on the column it was moved from, which no longer holds it.
    expect(page.locator("#column-shortlisted")).to_be_visible()
    expect(_card(page, "茶叶杀青火候全凭经验")).to_have_count(0)
    undo = toast.get_by_role("button", name="撤销")
    box, toast_box = undo.bounding_box(), toast.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    assert toast_box["x"] >= 0 and toast_box["x"] + toast_box["width"] <= 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    undo.click()

    expect(page.locator(".message")).to_contain_text("已撤销，回到“已入围”。")
    expect(_card(page, "茶叶杀青火候全凭经验")).to_be_visible()
    match.refresh_from_db()
    assert match.state == "shortlisted"
    history = list(match.events.order_by("created_at", "pk"))
    assert [(e.from_state, e.to_state, e.undoes_id is not None) for e in history] == [
        ("shortlisted", "evaluating", False),
        ("evaluating", "shortlisted", True),
    ]
    page.goto(f"/matches/{match.pk}/")
    expect(page.locator(".history")).to_contain_text("吴志强 撤销了上一步，回到“已入围”")


def test_the_toast_goes_after_a_few_seconds_and_a_reload_does_not_bring_it_back(staff_on_board):
    page, pair = staff_on_board
    pair("茶园虫害靠人工巡查")
    page.goto("/station/#column-shortlisted")
    _card(page, "茶园虫害靠人工巡查").get_by_role("button", name="→ 开始评估").click()
    toast = page.locator("[data-toast]")
    expect(toast).to_be_visible()
    expect(toast).to_be_hidden(timeout=12_000)
    page.reload()
    expect(page.locator("[data-toast]")).to_have_count(0)


def test_a_double_tap_on_a_board_move_moves_one_step(staff_on_board):
    page, pair = staff_on_board
    match = pair("茶叶揉捻机不会调")
    page.goto("/station/#column-shortlisted")

    _card(page, "茶叶揉捻机不会调").get_by_role("button", name=re.compile("开始评估")).dblclick()

    expect(page.locator("[data-toast]")).to_contain_text("已移到“评估中”。")
    assert Match.objects.get(pk=match.pk).state == "evaluating"
    assert MatchEvent.objects.filter(match=match).count() == 1
