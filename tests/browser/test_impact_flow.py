"""What adoption changed (#21), in the browser: a station puts a match on trial with two
milestones, verifies both (the adoption closes), records the figure at 3 months; once the
enterprise confirms it, the statistics show the change."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from accounts.enums import OrganisationKind
from matchmaking.models import Match, OutcomeEvidence
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, member_of

pytestmark = pytest.mark.browser

PASSWORD = "pw-Nongqiao-2026"


def log_in(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="你的机构")).to_be_visible()


def log_out(page: Page) -> None:
    page.context.clear_cookies()


def test_a_trial_paid_by_milestone_ends_in_evidence_the_statistics_count(page: Page):
    enterprise = OrganisationFactory(name="雷山茶叶合作社", region_id="522634")
    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    owner = member_of(enterprise, username="impact-owner")
    member_of(station, username="impact-station")
    member_of(OrganisationFactory(kind=OrganisationKind.AUTHORITY), username="impact-authority")
    match = Match.objects.create(
        need=NeedFactory(
            organisation=enterprise,
            created_by=owner,
            baseline_value=Decimal(20),
            baseline_unit="percent",
            baseline_label="运输损耗",
        ),
        result=ResultFactory(organisation=OrganisationFactory(kind=OrganisationKind.INSTITUTION)),
        score=0.7,
        text_score=0.6,
        structured_score=0.8,
        matcher_version="t",
        state="solution_proposed",
    )

    log_in(page, "impact-station")
    page.goto(f"/matches/{match.pk}/")
    page.get_by_role("link", name="试用、效果证据、合同登记").click()
    page.get_by_role("link", name="制定按里程碑拨付的试用计划").click()
    page.fill("#id_subsidy", "30000")
    rows = page.locator("#field-milestones .rows__row")
    rows.nth(0).get_by_label("内容").fill("设备安装调试")
    rows.nth(0).get_by_label("验收标准").fill("连续运行 7 天无故障")
    rows.nth(0).get_by_label("拨付金额（元）").fill("12000")
    page.get_by_role("button", name="添加里程碑").click()
    rows.nth(1).get_by_label("内容").fill("试用一季")
    rows.nth(1).get_by_label("验收标准").fill("损耗降低三成")
    rows.nth(1).get_by_label("拨付金额（元）").fill("18000")
    page.get_by_role("button", name="开始试用").click()
    expect(page.locator("h1")).to_have_text("采用带来的变化")
    assert Match.objects.get(pk=match.pk).state == "on_trial"

    for seen in ("7 天运行记录无故障", "台账显示损耗 11%"):
        page.locator("#trial").get_by_role("link", name="核验").first.click()
        page.fill("#id_evidence", seen)
        page.get_by_role("button", name="验收通过，拨付补贴").click()
        expect(page.locator(".messages")).to_contain_text("已验收，补贴已拨付")
    expect(page.locator("#trial")).to_contain_text("3万元")
    assert Match.objects.get(pk=match.pk).state == "adopted"

    three_months = OutcomeEvidence.objects.get(match=match, checkpoint=3)
    page.locator(f'a[href="/evidence/{three_months.pk}/record/"]').click()
    expect(page.locator("#id_baseline_value")).to_have_value("20.00")
    page.fill("#id_measured_value", "11")
    page.fill("#id_method", "抽称三批，每批 50 箱")
    page.get_by_role("button", name="记录").click()
    expect(page.locator(f"#evidence-{three_months.pk}")).to_contain_text("−45.0%")
    log_out(page)

    log_in(page, "impact-owner")
    page.goto(f"/matches/{match.pk}/impact/")
    evidence = page.locator(f"#evidence-{three_months.pk}")
    evidence.get_by_label("确认").check()
    evidence.get_by_role("button", name="提交答复").click()
    expect(page.locator(f"#evidence-{three_months.pk}")).to_contain_text("企业已确认")
    log_out(page)

    page.goto("/stats/public/")
    expect(page.locator("main")).to_contain_text("−45.0%")
    log_in(page, "impact-authority")
    page.goto("/stats/#adoption-changes")
    expect(page.locator("#adoption-changes tbody tr").first).to_contain_text("−45.0%")
