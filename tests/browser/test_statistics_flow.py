"""An administrator reads the statistics, filters them, and downloads them."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.factories import UserFactory
from tests.matchmaking.test_stats import world  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser


def test_filter_to_2025_and_sichuan_and_download_the_same_numbers(page: Page, committed_db, world):  # noqa: F811
    UserFactory(username="boss", is_staff=True)
    page.goto("/accounts/login/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "pw-Nongqiao-2026")
    page.get_by_role("button", name="登录").click()
    page.goto("/stats/")
    page.fill("input[name=year_from]", "2025")
    page.fill("input[name=year_to]", "2025")
    page.select_option("#stat-province", "510000")
    page.get_by_role("button", name="应用").click()
    expect(page.locator("#rate-value")).to_have_text("25.0%")
    expect(page.locator("#funnel")).to_contain_text("已采用")

    with page.expect_download() as download:
        page.locator("#transfer-rate .downloads a", has_text="XLSX").click()
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("上架年份", "已上架", "被中西部企业采用", "按上架年份的转化率")
    # Shares are numbers a spreadsheet can compute with, shown as percentages.
    assert rows[1][:4] == (2025, 4, 1, 0.25)
    assert sheet.cell(row=2, column=4).number_format == "0.0%"
