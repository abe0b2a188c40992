"""From a demo need's ranked results to exchanged contact details, in the browser."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect
from rest_framework.test import APIClient

from accounts.enums import MembershipRole
from matchmaking.models import Match

pytestmark = pytest.mark.browser


def log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "nongqiao-demo")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="你的机构")).to_be_visible()


def test_shortlist_request_contact_accept_and_see_contact_details(page: Page, committed_db):
    call_command("demo_data", stdout=io.StringIO())
    match = (
        Match.objects.filter(
            need__organisation__name="雷山县银球茶电商专业合作社",
            need__status="open",
            state="suggested",
        )
        .select_related("need", "result__organisation")
        .order_by("need_id", "rank_for_need")
        .first()
    )
    need, result = match.need, match.result
    owner = result.organisation.memberships.get(role=MembershipRole.OWNER).user

    log_in(page, "enterprise")
    page.goto(f"/needs/{need.pk}/")
    first = page.locator(f"#match-{match.pk}")
    expect(first).to_contain_text(result.title)
    expect(first.locator(".match-strength")).to_have_text(re.compile(r"^(强|较好|可能)$"))
    expect(first.locator(".match-score")).to_have_count(0)  # the percentage: details only
    expect(first.locator(".fit").first).to_be_visible()
    first.get_by_role("button", name="加入候选").click()
    expect(page.locator("[data-toast]")).to_contain_text("已移到“已入围”。")
    expect(page.locator(f"#match-{match.pk}")).to_contain_text("已入围")

    page.locator(f"#match-{match.pk}").get_by_role("link", name="详情与操作").click()
    expect(page.locator(".contact-details")).to_have_count(0)
    page.fill("#id_message", "您好，想了解这项技术的价格和服务方式，电话联系即可。")
    page.get_by_role("button", name="请求联系").click()
    expect(page.locator(".message")).to_contain_text("已发送")
    match_url = page.url
    page.locator(".nav-toggle-label").click()
    page.get_by_role("button", name="退出").click()

    log_in(page, owner.username)
    page.goto("/notifications/")
    page.get_by_role("link", name=re.compile("联系您")).first.click()
    expect(page.locator("main")).to_contain_text("想了解这项技术的价格")
    page.get_by_role("button", name="接受并交换联系方式").click()
    expect(page.locator(".contact-details")).to_contain_text(need.organisation.phone)
    page.locator(".nav-toggle-label").click()
    page.get_by_role("button", name="退出").click()

    log_in(page, "enterprise")
    page.goto(match_url)
    expect(page.locator(".contact-details")).to_contain_text(result.organisation.phone)

    api = APIClient()
    api.force_authenticate(need.created_by)
    response = api.post(f"/api/v1/matches/{match.pk}/transition/", {"to": "adopted"}, format="json")
    assert response.status_code == 400
    assert response.json()["state"][0]
