"""A station's day: board, evaluation, plan, training, adoption cost; and the enterprise's view."""

import io

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
    page.fill(
        "#id_steps", "现场勘查 | 吴志强 | 2027-01-15 | 否\n设备安装 | 成果方 | 2027-03-01 | 是"
    )
    page.fill("#id_cost_lines", "冷库设备 | 8万\n安装调试 | 5000")
    page.fill("#id_staff_hours", "3")
    page.get_by_role("button", name="保存此版本").click()
    expect(page.locator("main")).to_contain_text("8.5万元")
    plan = SolutionPlan.objects.get(match=match)

    page.goto("/trainings/new/")
    page.fill("#id_date", "2026-11-20")
    page.fill("#id_place", "雷山县电商服务中心")
    page.fill("#id_topic", "小型冷库使用与维护")
    page.fill("#id_trainer", "吴志强")
    page.fill("#id_staff_hours", "4")
    page.fill("#id_attendance", f"{match.need.organisation.name} | 12")
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
