"""On a 360 px phone: the enterprise home leads with its next steps and the 发布需求 button, and
the contact block after an accepted request fits the screen with numbers to call and copy."""

import pytest
from playwright.sync_api import expect

from accounts.enums import OrganisationKind
from matchmaking.matches import services as matches
from matchmaking.models import Match
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, member_of

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(browser, live_server, committed_db):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale="zh-CN", device_scale_factor=1
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def _log_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw-Nongqiao-2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")


def _width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_enterprise_home_and_the_accepted_contact_fit_a_360_px_phone(phone):
    enterprise = OrganisationFactory(
        name="雷山县银球茶电商专业合作社", contact_name="杨秀英", phone="0855-33312345678"
    )
    institution = OrganisationFactory(
        kind=OrganisationKind.INSTITUTION,
        name="华东农业科技大学食品工程学院农产品加工与贮藏工程研究中心",
        contact_name="陈建国",
        phone="+86 0571-8888-1234-5678",
        email="chen.jianguo.postharvest@food-engineering.hdnk.example.edu.cn",
    )
    owner = member_of(enterprise, full_name="杨秀英")
    match = Match.objects.create(
        need=NeedFactory(organisation=enterprise, title="猕猴桃放不了几天就坏了，没得冷库"),
        result=ResultFactory(
            organisation=institution, title="移动式真空预冷装置及其在猕猴桃产地的应用"
        ),
        score=0.8,
        text_score=0.7,
        structured_score=0.9,
        matcher_version="t",
        rank_for_need=1,
    )
    matches.match_request_contact(match=match, by=owner, message="想了解价格")
    matches.match_answer_contact(match=match, by=member_of(institution), accept=True)

    _log_in(phone, owner)
    expect(phone.get_by_role("link", name="发布需求")).to_be_visible()
    assert _width(phone) <= 360
    phone.locator(f'a[href="/matches/{match.pk}/#contact"]').click()

    contact = phone.locator("#contact")
    expect(contact).to_be_visible()
    call = contact.get_by_role("link", name="拨打 +86 0571-8888-1234-5678")
    expect(call).to_have_attribute("href", "tel:+86057188881234" + "5678")
    assert _width(phone) <= 360
    box = call.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    copy = contact.get_by_role("button", name="复制").first
    copy.click()
    expect(copy).to_have_text("已复制")
    assert phone.evaluate("navigator.clipboard.readText()") == "+86 0571-8888-1234-5678"
