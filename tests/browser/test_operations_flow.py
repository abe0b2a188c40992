"""An admin on a phone: the failed task on /operations/ is retried with one press, and a need's
page shows who changed its budget; both fit a 360 px screen."""

import os

import pytest
from playwright.sync_api import expect

from matchmaking.models import TaskFailure
from tests.factories import NeedFactory, OrganisationFactory, UserFactory, member_of

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("SCREENSHOT_DIR")


def _log_in(page, user) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw-Nongqiao-2026")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.parametrize("width", [360, 1280])
def test_an_admin_retries_a_failed_task_and_reads_a_needs_history(
    browser, live_server, committed_db, width
):
    failure = TaskFailure.objects.create(
        task_name="matchmaking.tasks.send_reminders",
        args=[],
        kwargs={},
        exception="ConnectionError: SMTP server 10.0.0.5 did not answer (user 13800138000)",
        request_id="req-7f3a",
    )
    enterprise = OrganisationFactory(name="雷山县银球茶电商专业合作社")
    editor = member_of(enterprise, full_name="杨秀英")
    need = NeedFactory(organisation=enterprise, title="茶叶溯源")
    need._history_user = editor
    need.budget_max = 300000
    need.save()
    admin = UserFactory(is_staff=True, is_superuser=True, full_name="运维老李")
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 800}, locale="zh-CN"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        _log_in(page, admin)
        page.goto("/operations/#failures")
        failures = page.locator("#failures")
        expect(failures).to_contain_text("matchmaking.tasks.send_reminders")
        expect(failures).not_to_contain_text("13800138000")
        _shot(page, f"operations-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width

        failures.get_by_role("button", name="重试").click()
        expect(page.locator(".messages")).to_contain_text(
            "已重新排队：matchmaking.tasks.send_reminders。"
        )
        expect(page.locator("#failures")).to_contain_text("运维老李")
        expect(page.locator("#failures").get_by_role("button", name="重试")).to_have_count(0)
        failure.refresh_from_db()
        assert failure.retried_by == admin

        page.goto(f"/needs/{need.pk}/#history")
        history = page.locator("#history")
        expect(history).to_contain_text("杨秀英")
        expect(history).to_contain_text("300000")
        _shot(page, f"need-history-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()
