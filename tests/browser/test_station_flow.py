"""A station's day: board, evaluation, plan, training, adoption cost; and the enterprise's view."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from accounts.enums import OrganisationKind
from matchmaking.models import AdoptionCost, Evaluation, Match, SolutionPlan, TrainingSession
from tests.factories import OrganisationFactory, member_of

pytestmark = pytest.mark.browser


def log_in(page: Page, username: str, password: str = "nongqiao-demo") -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="你的机构")).to_be_visible()


def log_out(page: Page) -> None:
    page.locator(".nav-toggle-label").click()
    page.get_by_role("button", name="退出").click()


def test_station_staff_work_a_match_from_evaluation_to_adoption(page: Page, committed_db):
    call_command("demo_data", stdout=io.StringIO())
    match = (
        Match.objects.filter(
            state="shortlisted", need__organisation__region_id__in=["522634", "522635", "522623"]
        )
        .select_related("need__organisation")
        .first()
    )
    assert match is not None, "the demo world has a shortlisted match in the station's counties"

    log_in(page, "station")
    page.goto("/station/")
    # On a phone the board shows one column at a time: the chip with its count opens another.
    first_column = page.locator(".board__column").first
    expect(first_column).to_be_visible()
    expect(page.locator(".board__column").nth(1)).to_be_hidden()
    page.locator(".board__tabs").get_by_role("link", name=re.compile("^已入围")).click()
    expect(first_column).to_be_hidden()
    expect(
        page.locator(f'.board__column[aria-label="已入围"] a[href="/matches/{match.pk}/"]')
    ).to_be_visible()
    page.goto(f"/matches/{match.pk}/")
    page.get_by_role("link", name="填写技术评估").click()
    page.locator("#id_technical_feasibility_3").check()
    page.locator("#id_economic_feasibility_2").check()
    page.locator("#id_capability_fit_3").check()
    page.fill("#id_risks", "冷库电费偏高")
    page.get_by_label("有条件推荐").check()
    page.fill("#id_report", "建议先在一个村试点一季。")
    page.fill("#id_staff_hours", "6")
    page.get_by_role("button", name="提交评估").click()
    expect(page.locator("h1")).to_have_text("技术评估报告")
    evaluation = Evaluation.objects.get(match=match)
    assert Match.objects.get(pk=match.pk).state == "evaluating"

    page.goto(f"/matches/{match.pk}/plan/")
    page.fill("#id_summary", "先试点一个村")
    # Steps and costs are rows of boxes: date pickers, a milestone checkbox, 添加一步.
    steps = page.locator("#field-steps .rows__row")
    steps.nth(0).get_by_label("内容").fill("现场勘查")
    steps.nth(0).get_by_label("负责人").fill("吴志强")
    steps.nth(0).get_by_label("完成日期").fill("2027-01-15")
    page.get_by_role("button", name="添加一步").click()
    steps.nth(1).get_by_label("内容").fill("设备安装")
    steps.nth(1).get_by_label("负责人").fill("成果方")
    steps.nth(1).get_by_label("完成日期").fill("2027-03-01")
    steps.nth(1).get_by_label("里程碑").check()
    page.get_by_role("button", name="添加一步").click()
    steps.nth(2).get_by_label("内容").fill("多余的一步")
    steps.nth(2).get_by_role("button", name="删除").click()
    costs = page.locator("#field-cost_lines .rows__row")
    costs.nth(0).get_by_label("项目").fill("冷库设备")
    costs.nth(0).get_by_label("金额（元）").fill("8万")
    page.get_by_role("button", name="添加一项费用").click()
    costs.nth(1).get_by_label("项目").fill("安装调试")
    costs.nth(1).get_by_label("金额（元）").fill("5000")
    page.fill("#id_staff_hours", "3")
    page.get_by_role("button", name="保存此版本").click()
    expect(page.locator("main")).to_contain_text("8.5万元")
    plan = SolutionPlan.objects.get(match=match)
    assert [(s["title"], s["due"], s["milestone"]) for s in plan.steps] == [
        ("现场勘查", "2027-01-15", False),
        ("设备安装", "2027-03-01", True),
    ]

    page.goto("/trainings/new/")
    page.fill("#id_date", "2026-11-20")
    page.fill("#id_place", "雷山县电商服务中心")
    page.fill("#id_topic", "小型冷库使用与维护")
    page.fill("#id_trainer", "吴志强")
    page.fill("#id_staff_hours", "4")
    attendee = page.locator("#field-attendance .rows__row").first
    attendee.get_by_label("企业（名称或信用代码）").fill(match.need.organisation.name)
    attendee.get_by_label("人数").fill("12")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("main")).to_contain_text("12")
    training = TrainingSession.objects.get(topic="小型冷库使用与维护")

    page.goto(f"/matches/{match.pk}/adoption-cost/")
    page.fill("#id_licence_fee", "3万")
    page.fill("#id_equipment", "90000")
    page.fill("#id_training", "2000")
    page.fill("#id_maintenance", "3000")
    page.fill("#id_reference_cost", "20万")
    page.fill("#id_reference_source", "两家冷库厂商报价")
    page.fill("#id_special_fund", "2万")
    page.fill("#id_loan_principal", "10万")
    page.fill("#id_loan_rate", "3.65")
    page.fill("#id_loan_months", "12")
    page.get_by_role("button", name="保存并计算节省").click()
    expect(page.locator(".saving")).to_contain_text("9.87万元 (49.33%)")
    cost = AdoptionCost.objects.get(match=match)
    assert Match.objects.get(pk=match.pk).state == "adopted"
    log_out(page)

    log_in(page, match.need.created_by.username)
    page.goto(f"/evaluations/{evaluation.pk}/")
    expect(page.locator("main")).to_contain_text("有条件推荐")
    log_out(page)

    other = member_of(
        OrganisationFactory(kind=OrganisationKind.STATION, covered=["510131"]),
        username="other-staff",
    )
    assert other
    log_in(page, "other-staff", "pw-Nongqiao-2026")
    for url in (
        f"/evaluations/{evaluation.pk}/",
        f"/plans/{plan.pk}/",
        f"/trainings/{training.pk}/",
        f"/adoption-costs/{cost.pk}/",
        f"/matches/{match.pk}/evaluation/",
    ):
        response = page.goto(url)
        assert response.status == 403, url
