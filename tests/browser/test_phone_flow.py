"""Accounts by mobile number in a real headless Chromium, the codes read from the SMS file
backend as the phone would show them."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect

from accounts.demo import make_credit_code
from accounts.enums import OrganisationKind
from accounts.models import Organisation, User
from tests.factories import OrganisationFactory, member_of

pytestmark = pytest.mark.browser


@pytest.fixture
def sms_file(settings, tmp_path):
    path = tmp_path / "sms.jsonl"
    settings.SMS_URL = f"file://{path}"
    return path


def messages_to(sms_file, number: str) -> list[dict]:
    if not sms_file.exists():
        return []
    lines = sms_file.read_text(encoding="utf-8").splitlines()
    return [m for m in map(json.loads, lines) if m["to"] == number]


def last_code(sms_file, number: str) -> str:
    codes = [m["params"]["code"] for m in messages_to(sms_file, number) if "code" in m["params"]]
    assert codes, f"no code was sent to {number}"
    return codes[-1]


def log_out(page: Page) -> None:
    page.locator(".nav-toggle-label").click()
    page.get_by_role("button", name="退出").click()


def ask_for_a_login_code(page: Page, number: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("link", name="短信验证码登录").click()
    page.fill("#id_phone", number)
    page.get_by_role("button", name="获取验证码").click()


def test_sign_up_with_a_number_then_log_in_by_code(page: Page, sms_file):
    page.goto("/accounts/signup/")
    page.get_by_role("link", name="用手机号注册").click()
    page.fill("#id_full_name", "杨秀英")
    page.fill("#id_phone", "139 8551 2345")
    page.get_by_role("button", name="获取验证码").click()
    expect(page.locator("h1")).to_have_text("核验手机号")
    expect(page.locator("main")).to_contain_text("139 8551 2345")
    page.fill("#id_code", last_code(sms_file, "+8613985512345"))
    page.get_by_role("button", name="确认").click()
    expect(page.locator("h1")).to_have_text("你在哪个机构工作？")
    user = User.objects.get(phone="+8613985512345")
    assert (user.full_name, user.phone_verified) == ("杨秀英", True)

    log_out(page)
    ask_for_a_login_code(page, "13985512345")
    expect(page.locator("h1")).to_have_text("输入验证码")
    page.fill("#id_code", last_code(sms_file, "+8613985512345"))
    page.get_by_role("button", name="确认").click()
    expect(page.locator(".nav-user")).to_have_text("杨秀英")
    assert len(messages_to(sms_file, "+8613985512345")) == 2


def test_five_wrong_codes_end_the_code_and_a_second_code_within_a_minute_is_refused(
    page: Page, sms_file
):
    user = member_of(OrganisationFactory(), full_name="龙光明")
    user.phone, user.phone_verified = "+8613908557321", True
    user.save()
    ask_for_a_login_code(page, "139 0855 7321")
    right = last_code(sms_file, "+8613908557321")
    wrong = "000000" if right != "000000" else "111111"
    for attempt in range(1, 6):
        page.fill("#id_code", wrong)
        page.get_by_role("button", name="确认").click()
        if attempt < 5:
            expect(page.locator("#field-code .errorlist")).to_be_visible()
    # The fifth wrong code voids the code: there is no sixth try.
    expect(page.locator(".messages")).to_contain_text("验证码已错误5次，不能再用")
    expect(page.locator("h1")).to_have_text("短信验证码登录")

    page.fill("#id_phone", "13908557321")
    page.get_by_role("button", name="获取验证码").click()
    expect(page.locator("#field-phone .errorlist")).to_contain_text(
        "一分钟内已向这个号码发送过验证码"
    )
    assert len(messages_to(sms_file, "+8613908557321")) == 1
    expect(page.get_by_role("link", name="登录")).to_be_visible()  # still nobody logged in


def test_a_station_opens_an_enterprise_account_that_its_owner_takes_over(page: Page, sms_file):
    station = OrganisationFactory(
        kind=OrganisationKind.STATION, name="雷山县技术转化服务站", covered=["522634"]
    )
    member_of(station, username="wu-station", full_name="吴站长")
    page.goto("/accounts/login/")
    page.fill("#id_username", "wu-station")
    page.fill("#id_password", "pw-Nongqiao-2026")
    page.get_by_role("button", name="登录").click()
    page.goto("/station/")
    page.get_by_role("link", name="为企业开通账号").click()

    page.fill("#id_full_name", "潘志华")
    page.fill("#id_phone", "151 8556 1234")
    page.fill("#id_name", "雷山县乌东村茶叶合作社")
    page.fill("#id_credit_code", make_credit_code("乌东", "enterprise", "522634"))
    page.fill("input[name='region__q']", "雷山")
    expect(page.locator("#id_region option[value='522634']")).to_have_count(1)
    page.select_option("#id_region", "522634")
    page.get_by_role("button", name="开通账号").click()
    expect(page.locator("h1")).to_have_text("雷山县乌东村茶叶合作社")
    expect(page.locator(".messages")).to_contain_text("账号已开通")
    [welcome] = messages_to(sms_file, "+8615185561234")
    assert welcome["kind"] == "account_created"
    assert welcome["text"].startswith("雷山县技术转化服务站已为您开通农桥账号")
    log_out(page)

    ask_for_a_login_code(page, "15185561234")
    page.fill("#id_code", last_code(sms_file, "+8615185561234"))
    page.get_by_role("button", name="确认").click()
    expect(page.locator(".nav-user")).to_have_text("潘志华")
    page.goto("/accounts/profile/")
    expect(page.locator("main")).to_contain_text("雷山县乌东村茶叶合作社")
    expect(page.locator("main")).to_contain_text(re.compile("151 8556 1234 · 已核验"))
    organisation = Organisation.objects.get(name="雷山县乌东村茶叶合作社")
    owner = organisation.memberships.get(role="owner").user
    assert (owner.full_name, owner.phone_verified) == ("潘志华", True)
