"""A newcomer's first visit, in a real headless Chromium."""

import re

import pytest
from playwright.sync_api import expect

from accounts.demo import make_credit_code

pytestmark = pytest.mark.browser


def test_sign_up_register_an_organisation_log_out_and_in_and_switch_language(page):
    page.goto("/")
    expect(page.locator("h1")).to_contain_text("农桥")
    page.get_by_role("link", name="注册").first.click()

    page.fill("#id_username", "yangxiu")
    page.fill("#id_full_name", "杨秀")
    page.fill("#id_email", "yangxiu@example.cn")
    page.fill("#id_password1", "Miao-Tea-2026")
    page.fill("#id_password2", "Miao-Tea-2026")
    page.get_by_role("button", name="注册").click()

    page.get_by_role("link", name=re.compile("登记新的机构")).click()
    good_code = make_credit_code("雷山茶", "enterprise", "522634")
    bad_code = good_code[:-1] + ("1" if good_code[-1] != "1" else "2")
    page.get_by_label("企业、合作社或网店").check()
    page.fill("#id_name", "雷山县苗岭茶叶电商合作社")
    page.fill("#id_credit_code", bad_code)
    page.fill("input[name='region__q']", "雷山")
    expect(page.locator("#id_region option[value='522634']")).to_have_count(1)
    page.select_option("#id_region", "522634")
    page.fill("#id_contact_name", "杨秀")
    page.fill("#id_phone", "13885512345")
    page.get_by_role("button", name="登记").click()

    field = page.locator("#field-credit_code")
    expect(field.locator(".errorlist")).to_contain_text("校验")
    expect(page.locator("#id_name")).to_have_value("雷山县苗岭茶叶电商合作社")
    page.fill("#id_credit_code", good_code)
    page.get_by_role("button", name="登记").click()
    expect(page.locator("h1")).to_have_text("雷山县苗岭茶叶电商合作社")
    expect(page.locator(".notice")).to_contain_text("草稿")

    page.locator(".nav-toggle-label").click()  # the phone layout folds the menu
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("link", name="登录")).to_be_visible()

    page.get_by_role("link", name="登录").click()
    page.fill("#id_username", "yangxiu")
    page.fill("#id_password", "Miao-Tea-2026")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="你的机构")).to_be_visible()

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Your organisations")).to_be_visible()
    page.get_by_role("button", name="简体中文").click()
    expect(page.get_by_role("heading", name="你的机构")).to_be_visible()
