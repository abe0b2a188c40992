"""Each role's main journey from its home page on a 360 px phone, counting taps after login.

A tap is a click on a link or button, a choice in a menu or a tick in a box; typing into a box
is not counted (it is the user's own words, whatever the page). The counts are the product's
promise, each from the role's home after login:

- an enterprise with a problem reaches its first contact request in at most 6 taps;
- a researcher answers a waiting contact request and opens a need its result fits in 4;
- station staff move a match one step on the board and file its evaluation in 9 (4 of them
  the evaluation's own choices: three scores and a recommendation);
- an administrator reads the headline figures and verifies an organisation in 2.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.enums import OrganisationKind
from matchmaking.matches import services as matches
from matchmaking.models import Evaluation, Match, TechnologyNeed
from tests.factories import (
    NeedFactory,
    OrganisationFactory,
    ResultFactory,
    UserFactory,
    category,
    member_of,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
NEED = "猕猴桃放不了几天就坏了，没得冷库，想找便宜的保鲜办法，预算5万左右"


class Taps:
    """Clicks, choices and ticks, counted."""

    def __init__(self, page: Page):
        self.page, self.count, self.log = page, 0, []

    def click(self, locator, what: str) -> None:
        locator.click()
        self.count += 1
        self.log.append(what)

    def choose(self, locator, value: str, what: str) -> None:
        locator.select_option(value)
        self.count += 1
        self.log.append(what)


@pytest.fixture
def phone(browser, live_server, committed_db):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale="zh-CN", device_scale_factor=1
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def _log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-Nongqiao-2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")


def test_an_enterprise_reaches_its_first_contact_request_in_at_most_6_taps(phone: Page):
    cooperative = OrganisationFactory(name="蒲江县猕猴桃专业合作社", region_id="510131")
    owner = member_of(cooperative, full_name="李明", username="kiwi")
    institute = OrganisationFactory(kind=OrganisationKind.INSTITUTION, name="西部农林科技研究院")
    cold_chain = category("origin-precooling")
    ResultFactory(
        organisation=institute,
        title="猕猴桃产地移动式预冷保鲜装置",
        abstract="没有冷库的合作社在田头给猕猴桃预冷，延长保鲜期，设备便宜，租用即可。",
        keywords="猕猴桃 预冷 保鲜 冷库",
        category=cold_chain,
        asking_price=40000,
        serves_all_regions=True,
    )

    _log_in(phone, owner.username)
    taps = Taps(phone)
    taps.click(phone.get_by_role("link", name="发布需求").first, "发布需求 on the home page")
    phone.fill("#id_title", NEED[:14])
    phone.fill("#id_description", NEED)
    taps.choose(phone.locator("#id_category"), str(cold_chain.pk), "the category")
    phone.fill("#id_budget", "5万左右")
    taps.click(phone.get_by_label("许可", exact=False).first, "a transfer mode")
    taps.click(phone.get_by_role("button", name="保存并发布"), "publish")

    need = TechnologyNeed.objects.get(organisation=cooperative)
    expect(phone.locator(".match-card").first).to_contain_text("猕猴桃产地移动式预冷保鲜装置")
    taps.click(
        phone.locator(".match-card").first.get_by_role("link", name="详情与操作"), "the match"
    )
    phone.fill("#id_message", "您好，想了解设备租金，电话联系。")
    taps.click(phone.get_by_role("button", name="请求联系"), "request contact")
    expect(phone.locator(".message")).to_contain_text("已发送")

    match = Match.objects.get(need=need)
    assert match.contact_status == "pending"
    print(f"enterprise: {taps.count} taps: {' → '.join(taps.log)}")
    assert taps.count <= 6, taps.log
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def _pair(need, result, **fields) -> Match:
    return Match.objects.create(
        need=need,
        result=result,
        score=0.8,
        text_score=0.7,
        structured_score=0.9,
        matcher_version="t",
        rank_for_need=1,
        rank_for_result=1,
        **fields,
    )


def test_a_researcher_answers_a_waiting_request_and_reaches_a_fitting_need_in_4_taps(phone: Page):
    institute = OrganisationFactory(kind=OrganisationKind.INSTITUTION, name="西部农林科技研究院")
    researcher = member_of(institute, full_name="陈建国", username="chen")
    precooling = ResultFactory(organisation=institute, title="猕猴桃产地移动式预冷保鲜装置")
    cooperative = OrganisationFactory(name="蒲江县猕猴桃专业合作社")
    asking = _pair(
        NeedFactory(organisation=cooperative, title="猕猴桃放不了几天就坏了"), precooling
    )
    matches.match_request_contact(
        match=asking, by=member_of(cooperative), message="想了解设备租金，电话联系。"
    )
    fitting = _pair(
        NeedFactory(
            organisation=OrganisationFactory(name="修文县猕猴桃种植合作社"),
            title="猕猴桃运到广州就软了",
        ),
        precooling,
    )

    _log_in(phone, researcher.username)
    taps = Taps(phone)
    waiting = phone.locator("section", has=phone.locator("#requests-heading"))
    expect(waiting).to_contain_text("蒲江县猕猴桃专业合作社")
    taps.click(
        waiting.get_by_role("link", name=re.compile("猕猴桃放不了几天就坏了")), "the request"
    )
    expect(phone.locator(".panel--actions")).to_contain_text("想了解设备租金")
    # The home item opens the match at its answer: the button is on the screen, no scrolling.
    expect(phone.get_by_role("button", name="接受并交换联系方式")).to_be_in_viewport()
    taps.click(phone.get_by_role("button", name="接受并交换联系方式"), "accept")
    expect(phone.locator(".message")).to_contain_text("已接受联系")
    expect(phone.locator("#contact")).to_contain_text("蒲江县猕猴桃专业合作社")
    asking.refresh_from_db()
    assert asking.contact_status == "accepted"

    taps.click(phone.locator(".brand"), "home")
    solvable = phone.locator("section", has=phone.locator("#fitting-heading"))
    taps.click(solvable.get_by_role("link", name=re.compile("猕猴桃运到广州就软了")), "the need")
    phone.wait_for_url(f"**/matches/{fitting.pk}/")
    expect(phone.locator(".match-sides")).to_contain_text("修文县猕猴桃种植合作社")

    print(f"researcher: {taps.count} taps: {' → '.join(taps.log)}")
    assert taps.count <= 4, taps.log
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_station_staff_move_a_match_and_file_its_evaluation_from_home_in_9_taps(phone: Page):
    station = OrganisationFactory(
        kind=OrganisationKind.STATION, name="黔东南州雷山县技术转化服务站", covered=["522634"]
    )
    staff = member_of(station, full_name="吴志强", username="wu")
    cooperative = OrganisationFactory(name="雷山县银球茶电商专业合作社", region_id="522634")
    match = _pair(
        NeedFactory(organisation=cooperative, title="茶叶杀青火候全凭经验"),
        ResultFactory(
            organisation=OrganisationFactory(kind=OrganisationKind.INSTITUTION),
            title="名优绿茶智能杀青控制系统",
        ),
        state="shortlisted",
    )

    _log_in(phone, staff.username)
    taps = Taps(phone)
    taps.click(phone.locator(".status-count", has_text="已入围"), "the 已入围 count")
    column = phone.locator("#column-shortlisted")
    expect(column).to_be_visible()
    taps.click(column.get_by_role("button", name="→ 开始评估"), "one step on")
    expect(phone.locator("[data-toast]")).to_contain_text("已移到“评估中”")
    match.refresh_from_db()
    assert match.state == "evaluating"

    taps.click(
        phone.locator(".board__tabs").get_by_role("link", name=re.compile("^评估中")), "评估中"
    )
    card = phone.locator("#column-evaluating .board__card", has_text="茶叶杀青火候全凭经验")
    taps.click(card.get_by_role("link", name="填写技术评估"), "file an evaluation")
    for field in (
        "#id_technical_feasibility_3",
        "#id_economic_feasibility_2",
        "#id_capability_fit_3",
    ):
        taps.click(phone.locator(field), "a score")
    taps.click(phone.get_by_label("有条件推荐"), "the recommendation")
    phone.fill("#id_risks", "设备电费偏高")
    phone.fill("#id_report", "建议先在一个茶园试一季。")
    phone.fill("#id_staff_hours", "4")
    taps.click(phone.get_by_role("button", name="提交评估"), "file it")
    expect(phone.locator("h1")).to_have_text("技术评估报告")

    evaluation = Evaluation.objects.get(match=match)
    assert (evaluation.recommendation, evaluation.technical_feasibility) == ("with_conditions", 4)
    print(f"station: {taps.count} taps: {' → '.join(taps.log)}")
    assert taps.count <= 9, taps.log
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360


def test_an_admin_reads_the_headline_and_verifies_an_organisation_in_2_taps(phone: Page):
    admin = UserFactory(username="boss", full_name="管理员", is_staff=True, is_superuser=True)
    newcomer = OrganisationFactory(name="施秉县太子参种植合作社", is_verified=False)

    _log_in(phone, admin.username)
    taps = Taps(phone)
    headline = phone.locator("section", has=phone.locator("#headline-heading"))
    expect(headline).to_contain_text("15%")
    expect(headline.locator(".status-count").first).to_be_visible()
    decide = phone.locator("section", has=phone.locator("#decide-heading"))
    taps.click(decide.get_by_role("link", name=re.compile("施秉县太子参种植合作社")), "verify: …")
    taps.click(phone.get_by_role("button", name="核验该机构"), "verify")
    expect(phone.locator(".message")).to_contain_text("施秉县太子参种植合作社")

    newcomer.refresh_from_db()
    assert newcomer.is_verified
    print(f"admin: {taps.count} taps: {' → '.join(taps.log)}")
    assert taps.count <= 2, taps.log
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
