"""Posting a need and a result in the browser, and what an anonymous visitor then sees."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.enums import MembershipRole, OrganisationKind
from tests.factories import OrganisationFactory, category, member_of

pytestmark = pytest.mark.browser


def log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-Nongqiao-2026")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="你的机构")).to_be_visible()


def log_out(page: Page) -> None:
    page.locator(".nav-toggle-label").click()
    page.get_by_role("button", name="退出").click()


def test_post_a_need_and_a_result_then_browse_them_anonymously(page: Page):
    enterprise = OrganisationFactory(
        name="蒲江县猕猴桃电商合作社", region_id="510131", phone="13908001234", contact_name="何丽"
    )
    member_of(enterprise, MembershipRole.OWNER, username="hel")
    institution = OrganisationFactory(
        kind=OrganisationKind.INSTITUTION, name="华东农业科技大学", phone="0571-88206123"
    )
    member_of(institution, MembershipRole.OWNER, username="chen")

    page.set_viewport_size({"width": 360, "height": 740})  # the phone of a co-operative
    log_in(page, "hel")
    page.goto("/needs/new/")
    page.fill("#id_title", "猕猴桃运到广州就软了")
    page.fill(
        "#id_description", "每年九月猕猴桃上市，用快递发到广州的冷链物流太贵，想找产地预冷的办法"
    )
    page.select_option("#id_category", str(category("origin-precooling").pk))
    page.fill("#id_budget", "30万到10万")
    page.get_by_label("技术服务").check()
    page.locator("summary", has_text="更多").click()
    page.get_by_label("公开显示预算").uncheck()
    page.get_by_role("button", name="保存并发布").click()

    error = page.locator("#field-budget .errorlist")
    expect(error).to_contain_text("上限")
    expect(error).to_be_in_viewport()  # not a screen below an unchanged-looking top
    expect(page.locator("#id_description")).to_have_value(re.compile("产地预冷的办法"))
    page.fill("#id_budget", "30到50万")
    page.get_by_role("button", name="保存并发布").click()
    expect(page.locator(".message")).to_contain_text("已发布")
    need_url = page.url

    page.goto("/needs/")
    page.fill("#id_q", "猕猴桃 冷链")
    page.get_by_role("button", name="搜索", exact=True).click()
    expect(page.locator(".listing-card")).to_have_count(1)
    expect(page.locator(".listing-card__title")).to_have_text("猕猴桃运到广州就软了")
    log_out(page)

    log_in(page, "chen")
    page.goto("/results/new/")
    page.fill("#id_title", "猕猴桃采后1-MCP处理与低温物流保鲜技术")
    page.fill("#id_abstract", "本发明公开了一种猕猴桃采后保鲜方法，货架期延长40%。")
    page.select_option("#id_category", str(category("origin-precooling").pk))
    page.select_option("#id_trl", "7")
    page.select_option("#id_ip_type", "invention_patent")
    page.fill("#id_ip_number", "ZL 2020 1 0123456.7")
    page.fill("#id_asking_price", "15万")
    page.get_by_label("许可").check()
    page.get_by_role("button", name="保存并发布").click()
    expect(page.locator("#field-ip_number .errorlist")).to_contain_text("校验")
    page.fill("#id_ip_number", "ZL 2020 1 0123456.2")
    page.get_by_role("button", name="保存并发布").click()
    expect(page.locator(".message")).to_contain_text("已发布")
    result_url = page.url
    log_out(page)

    for url in (need_url, result_url):
        page.goto(url)
        body = page.locator("main")
        expect(body).not_to_contain_text("13908001234")
        expect(body).not_to_contain_text("何丽")
        expect(body).not_to_contain_text("0571-88206123")
    page.goto(need_url)
    expect(page.locator("main")).not_to_contain_text("30万元")
    expect(page.locator("main")).to_contain_text("不公开")
