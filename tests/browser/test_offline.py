"""Lost signal loses nothing (issue #16), in Chromium: a need typed where the signal drops comes
back after a reload, is sent once when the network returns, and the home page opens offline
with the banner."""

import pytest
from playwright.sync_api import Page, expect

from matchmaking.models import SubmissionKey, TechnologyNeed
from tests.factories import OrganisationFactory, category, member_of

pytestmark = pytest.mark.browser


def log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-Nongqiao-2026")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="你的机构")).to_be_visible()
    # The service worker installed from the first page now controls this one.
    wait_for_service_worker(page)


def wait_for_service_worker(page: Page) -> None:
    """Until our service worker controls the page (a string evaluated in the page would break
    the site's Content-Security-Policy, so poll from here)."""
    for attempt in range(300):
        if page.evaluate("() => !!(navigator.serviceWorker && navigator.serviceWorker.controller)"):
            return
        if attempt and attempt % 80 == 0:
            # A worker that became active after this page loaded controls the next load (and a
            # reload registers again, should the first install have been cut off).
            page.reload()
        page.wait_for_timeout(100)
    raise AssertionError("the service worker never took control of the page")


def drafts(page: Page) -> list[str]:
    return page.evaluate(
        "Object.keys(localStorage).filter(function (k) { return k.indexOf('nq-draft:') === 0; })"
    )


def test_a_need_typed_offline_survives_a_reload_and_is_saved_once_back_online(page: Page):
    enterprise = OrganisationFactory(name="蒲江县猕猴桃电商合作社", region_id="510131")
    member_of(enterprise, username="hel")
    log_in(page, "hel")
    page.goto("/needs/new/")
    page.fill("#id_title", "猕猴桃运到广州就软了")
    page.fill("#id_description", "每年九月猕猴桃上市，想找产地预冷的办法")

    page.context.set_offline(True)
    page.reload()
    expect(page.locator(".offline-banner")).to_be_visible()
    expect(page.locator(".offline-banner")).to_contain_text("离线")
    expect(page.locator("#id_title")).to_have_value("猕猴桃运到广州就软了")
    expect(page.locator("#id_description")).to_have_value("每年九月猕猴桃上市，想找产地预冷的办法")
    expect(page.locator(".draft-note")).to_contain_text("已恢复草稿")

    page.select_option("#id_category", str(category("origin-precooling").pk))
    page.fill("#id_budget", "5万到10万")
    page.get_by_label("技术服务").check()
    page.get_by_role("button", name="保存并发布").click()
    expect(page.locator(".draft-note")).to_contain_text("联网后发送")
    assert TechnologyNeed.objects.count() == 0

    page.context.set_offline(False)
    expect(page.locator(".message")).to_contain_text("已发布", timeout=15_000)
    need = TechnologyNeed.objects.get()
    assert (need.title, need.status, need.budget_max) == ("猕猴桃运到广州就软了", "open", 100000)
    assert page.url.endswith(f"/needs/{need.pk}/")
    assert drafts(page) == []
    assert SubmissionKey.objects.get().object_id == need.pk

    # The same draft sent again (a second tab, a retry): still one need.
    page.go_back()
    page.goto("/needs/new/")
    expect(page.locator("#id_title")).to_have_value("")
    expect(page.locator(".draft-note")).to_be_hidden()
    assert TechnologyNeed.objects.count() == 1


def test_the_home_page_and_the_shell_open_offline_with_the_banner(page: Page):
    enterprise = OrganisationFactory(name="雷山县银球茶电商专业合作社", region_id="522634")
    member_of(enterprise, username="tea")
    log_in(page, "tea")
    page.goto("/")
    expect(page.locator(".offline-banner")).to_be_hidden()

    page.context.set_offline(True)
    page.goto("/")
    expect(page.locator(".offline-banner")).to_be_visible()
    expect(page.locator(".offline-banner")).to_contain_text("离线")
    expect(page.locator("main")).to_contain_text("雷山县银球茶电商专业合作社")

    page.goto("/fairs/")  # never opened: the shell instead
    expect(page.locator("h1")).to_have_text("离线")
    expect(page.locator(".offline-banner")).to_be_visible()

    page.context.set_offline(False)
    page.goto("/fairs/")
    expect(page.locator(".offline-banner")).to_be_hidden()

    # Logging out forgets the kept pages: a phone may be shared.
    page.locator(".nav-toggle-label").click()
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("link", name="登录").first).to_be_visible()
    page.context.set_offline(True)
    page.goto("/fairs/")  # kept while logged in, forgotten at logout: the shell
    expect(page.locator("h1")).to_have_text("离线")


def test_the_site_is_installable(page: Page):
    page.goto("/")
    manifest = page.evaluate(
        "fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())"
    )
    assert manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        assert page.request.get(icon["src"]).status == 200
    wait_for_service_worker(page)
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == page.url.split("#")[0].rsplit("/", 1)[0] + "/"
