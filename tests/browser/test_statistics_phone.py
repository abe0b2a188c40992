"""An official reads the statistics on a 360 px phone: nothing spills out of its box, every
chart label is at least 12 px, no table header is one character wide, and the province map
says a province's rate when tapped."""

import pytest
from playwright.sync_api import Page, expect

from tests.factories import UserFactory
from tests.matchmaking.test_stats import world  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser

SCREENSHOTS = None  # a folder, to look at the page at 360 and 1280 px


def _log_in_as_admin(page: Page):
    UserFactory(username="boss", is_staff=True)
    page.goto("/accounts/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "pw-Nongqiao-2026")
    page.get_by_role("button", name="登录").click()


# Elements wider than the page that are not inside a box that scrolls sideways.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p).overflowX;
      if (s === "auto" || s === "scroll") return true;
    }
    return false;
  };
  return [...document.querySelectorAll("main *")]
    .filter((el) => el.getBoundingClientRect().right > width + 1 && !scrolls(el))
    .map((el) => el.tagName + "." + el.className + ": " + (el.textContent || "").slice(0, 40));
}"""

# Each chart text's drawn size: its font size times the SVG's scale on screen.
LABEL_SIZES = """() => [...document.querySelectorAll("svg.chart__svg text")].map((t) => {
  const size = parseFloat(getComputedStyle(t).fontSize);
  return [t.textContent, size * t.getScreenCTM().a];
})"""

# Headers of two or more characters drawn narrower than two characters: wrapped per character.
NARROW_HEADERS = """() => [...document.querySelectorAll("details[open] th, th")]
  .filter((th) => th.offsetParent !== null && th.textContent.trim().length > 1)
  .filter((th) => {
    const range = document.createRange();
    range.selectNodeContents(th);
    const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
    return lines.size > 1 && [...th.textContent.trim()].length <= lines.size * 1.5;
  })
  .map((th) => th.textContent)"""


def test_the_statistics_read_on_a_360_px_phone(page: Page, committed_db, world):  # noqa: F811
    page.set_viewport_size({"width": 360, "height": 780})
    _log_in_as_admin(page)
    page.goto("/stats/")
    expect(page.locator("#rate-value")).to_have_text("40.0%")
    # Open every 明细 so that the tables are laid out and measured too.
    for summary in page.locator("details.stat-details > summary").all():
        if not summary.evaluate("s => s.parentElement.open"):
            summary.click()
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/stats-360.png", full_page=True)

    assert page.evaluate(OVERFLOW) == []
    sizes = page.evaluate(LABEL_SIZES)
    assert len(sizes) > 40  # the trend, the 31 provinces and the flows
    assert [s for s in sizes if s[1] < 12] == []
    assert page.evaluate(NARROW_HEADERS) == []
    headers = page.locator("th").all_inner_texts()
    assert "发布时间" not in headers and "已发布" in headers

    if SCREENSHOTS:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=f"{SCREENSHOTS}/stats-1280.png", full_page=True)
        page.set_viewport_size({"width": 360, "height": 780})

    # Tap Sichuan on the map: its rate is written under the map (1 of 5 results listed).
    page.locator('[data-code="51"]').click()
    expect(page.locator("[data-province-readout]")).to_have_text("四川省: 20.0%")
    assert "20.0%" in page.locator('[data-code="51"] title').text_content()
    # An eastern province is not a zero: it is not counted.
    expect(page.locator('[data-code="32"]')).to_have_attribute(
        "aria-label", "江苏省: 不计入（东部或东北）"
    )


def test_an_official_reads_the_monthly_report_on_a_phone(page: Page, committed_db, world):  # noqa: F811
    from datetime import date

    from accounts.enums import OrganisationKind
    from matchmaking.reports import services as reports
    from tests.factories import OrganisationFactory, member_of

    official = member_of(
        OrganisationFactory(kind=OrganisationKind.AUTHORITY, region_id="510000"),
        username="official",
    )
    reports.subscription_add(user=official, scope_key="national")
    reports.report_generate(scope_key="national", period=date(2025, 11, 1))
    page.set_viewport_size({"width": 360, "height": 780})
    page.goto("/accounts/login/")
    page.fill("#id_username", "official")
    page.fill("#id_password", "pw-Nongqiao-2026")
    page.get_by_role("button", name="登录").click()
    page.goto("/stats/")
    page.locator("#monthly-reports-link").click()
    page.get_by_role("link", name="全国").click()
    expect(page.locator("h1")).to_have_text("月度报告：全国，2025-11")
    expect(page.locator(".report__summary li").first).to_have_text(
        "全国的成果转化率（2025 年）为 50.0%，比 2024 年上升 50.0 个百分点。"
    )
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/report-360.png", full_page=True)
    assert page.evaluate(OVERFLOW) == []
    assert [s for s in page.evaluate(LABEL_SIZES) if s[1] < 12] == []
    page.locator('[data-code="52"]').click()
    # 2 of the 4 results listed in 2025 were adopted in Guizhou.
    expect(page.locator("[data-province-readout]")).to_have_text("贵州省: 50.0%")
