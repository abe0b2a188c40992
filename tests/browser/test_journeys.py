"""Each role's main journey from its home page on a 360 px phone, counting taps after login.

A tap is a click on a link or button, a choice in a menu or a tick in a box; typing into a box
is not counted (it is the user's own words, whatever the page). The count is the product's
promise: an enterprise with a problem reaches its first contact request in at most 6 taps.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accounts.enums import OrganisationKind
from matchmaking.models import Match, TechnologyNeed
from tests.factories import OrganisationFactory, ResultFactory, category, member_of

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
