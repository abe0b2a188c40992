"""In a real browser, hostile text in a need and a result stays text: nothing runs.

The page's Content-Security-Policy would block an inline script anyway; it is switched off
here, so that this checks the escaping itself, not the safety net.
"""

import pytest
from playwright.sync_api import expect

from accounts.enums import MembershipRole, OrganisationKind
from matchmaking.models import Match
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, member_of

pytestmark = pytest.mark.browser

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'


def test_hostile_text_in_a_need_and_its_match_never_runs(browser, live_server, committed_db):
    enterprise = OrganisationFactory(name=f"{BREAKOUT}合作社", region_id="522634")
    member_of(enterprise, MembershipRole.OWNER, username="hostile-owner")
    need = NeedFactory(
        organisation=enterprise, title=f"{SCRIPT}冷链{BREAKOUT}", description=f"{BREAKOUT}描述"
    )
    result = ResultFactory(
        organisation=OrganisationFactory(kind=OrganisationKind.INSTITUTION),
        title=f"{BREAKOUT}冷链 script lt quot",
        abstract=f"{SCRIPT}预冷",
    )
    match = Match.objects.create(
        need=need,
        result=result,
        score=0.8,
        text_score=0.7,
        structured_score=0.9,
        matcher_version="t",
        explanation={"terms": [["script", 0.4], ["lt", 0.3], ["quot", 0.3]], "fits": {}},
    )
    context = browser.new_context(
        base_url=live_server.url,
        bypass_csp=True,
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto("/accounts/login/")
        page.fill("#id_username", "hostile-owner")
        page.fill("#id_password", "pw-Nongqiao-2026")
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_role("heading", name="你的机构")).to_be_visible()
        for url in ("/needs/", "/my/needs/", f"/needs/{need.pk}/", f"/matches/{match.pk}/"):
            page.goto(url)
            page.wait_for_load_state("load")
            assert page.locator("img[src='x']").count() == 0, url
            assert page.locator("script:not([src])").count() == 0, url
            expect(page.locator("main")).to_contain_text(SCRIPT)
        # The highlighted title reads as typed: no mark broke an escaped character.
        expect(page.locator("main")).to_contain_text(f"{BREAKOUT}冷链 script lt quot")
        expect(page.locator("main mark").first).to_have_text("script")
        assert dialogs == []
    finally:
        context.close()
