"""Accounts by mobile number: sign up, log in and verify with a 6-digit SMS code (allauth),
next to the username and password pages, which keep working as before."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from accounts.sms import outbox
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NUMBER = "+8613985512345"


@pytest.fixture(autouse=True)
def _sms_in_memory(settings):
    settings.SMS_URL = "locmem://"
    outbox.clear()
    yield
    outbox.clear()


def last_code(number: str = NUMBER) -> str:
    [*_, message] = [m for m in outbox if m["to"] == number]
    assert message["kind"] == "verification_code"
    return message["params"]["code"]


def sign_up(client, number="139 8551 2345", **extra):
    return client.post(reverse("account_signup"), {"full_name": "杨秀英", "phone": number, **extra})


def test_signing_up_with_a_number_sends_a_6_digit_code_that_logs_the_person_in(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_verify_phone")
    user = User.objects.get(phone=NUMBER)
    assert (user.full_name, user.phone_verified, user.has_usable_password(), user.email) == (
        "杨秀英",
        False,
        False,
        "",
    )
    code = last_code()
    assert len(code) == 6 and code.isdigit()
    assert outbox[-1]["text"] == f"您的验证码为{code}，5分钟内有效，请勿告诉他人。"

    response = client.post(reverse("account_verify_phone"), {"code": code})
    assert response.status_code == 302
    assert response["Location"] == reverse("organisation-start")
    user.refresh_from_db()
    assert user.phone_verified
    assert client.get(reverse("profile")).status_code == 200


def test_the_email_given_at_phone_sign_up_is_kept(client):
    sign_up(client, email="yang@example.cn")
    assert User.objects.get(phone=NUMBER).email == "yang@example.cn"


def test_a_landline_or_an_unallocated_number_is_refused_beside_the_field(client):
    response = sign_up(client, number="0855-3335210")
    assert response.status_code == 200
    assert "这是座机号码：请输入能接收短信的手机号。" in response.content.decode()
    response = sign_up(client, number="140 1234 5678")
    assert response.status_code == 200
    assert not User.objects.exists()
    assert outbox == []


def test_a_phone_account_logs_in_with_a_code(client):
    user = UserFactory(phone=NUMBER, phone_verified=True)
    response = client.post(reverse("account_request_login_code"), {"phone": "13985512345"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_confirm_login_code")
    response = client.post(reverse("account_confirm_login_code"), {"code": last_code()})
    assert response.status_code == 302
    assert client.get(reverse("profile")).context["user"] == user


def test_a_code_works_once(client):
    UserFactory(phone=NUMBER, phone_verified=True)
    client.post(reverse("account_request_login_code"), {"phone": NUMBER})
    code = last_code()
    client.post(reverse("account_confirm_login_code"), {"code": code})
    client.logout()
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert response["Location"] != reverse("home")
    assert client.get(reverse("profile")).status_code == 302  # still anonymous


def test_the_fifth_wrong_code_voids_the_code(client):
    UserFactory(phone=NUMBER, phone_verified=True)
    client.post(reverse("account_request_login_code"), {"phone": NUMBER})
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        response = client.post(reverse("account_confirm_login_code"), {"code": wrong})
        assert response.status_code == 200  # the form again, with its error
    response = client.post(reverse("account_confirm_login_code"), {"code": wrong}, follow=True)
    assert "验证码已错误5次，不能再用。请重新获取验证码。" in response.content.decode()
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("profile")).status_code == 302  # the right code no longer works


def test_a_code_expires_after_5_minutes(client, settings):
    import time

    UserFactory(phone=NUMBER, phone_verified=True)
    client.post(reverse("account_request_login_code"), {"phone": NUMBER})
    code = last_code()
    real_time = time.time
    try:
        time.time = lambda: real_time() + 5 * 60 + 1
        client.post(reverse("account_confirm_login_code"), {"code": code})
    finally:
        time.time = real_time
    assert client.get(reverse("profile")).status_code == 302


def ask_again(client):
    """The confirm page's "no code? ask for a new one": leaves the pending login."""
    client.post(reverse("logout"), {"next": reverse("account_request_login_code")})


def test_a_second_code_within_a_minute_is_refused_with_a_message(client):
    UserFactory(phone=NUMBER, phone_verified=True)
    client.post(reverse("account_request_login_code"), {"phone": NUMBER})
    ask_again(client)
    response = client.post(reverse("account_request_login_code"), {"phone": NUMBER})
    assert response.status_code == 200
    assert "一分钟内已向这个号码发送过验证码" in response.content.decode()
    assert len(outbox) == 1


def test_a_number_gets_at_most_10_codes_a_day(client, settings):
    import time

    UserFactory(phone=NUMBER, phone_verified=True)
    real_time = time.time
    start = real_time()
    try:
        for minute in range(12):
            time.time = lambda minute=minute: start + 61 * minute
            client.post(reverse("account_request_login_code"), {"phone": NUMBER})
            ask_again(client)
    finally:
        time.time = real_time
    assert len(outbox) == 10


def test_a_number_typed_into_a_password_accounts_profile_logs_nobody_in(client):
    UserFactory(phone=NUMBER, phone_verified=False)  # has a password, never verified
    client.post(reverse("account_request_login_code"), {"phone": NUMBER})
    assert [m["kind"] for m in outbox] == ["no_account"]


def test_username_and_password_still_log_in(client):
    UserFactory(username="lao-wang")
    response = client.post(
        reverse("login"), {"username": "lao-wang", "password": "pw-Nongqiao-2026"}
    )
    assert response.status_code == 302
    assert client.get(reverse("profile")).status_code == 200


def test_the_password_sign_up_no_longer_needs_an_email(client):
    response = client.post(
        reverse("signup"),
        {
            "username": "liufang",
            "full_name": "刘芳",
            "phone": "139 7391 2345",
            "password1": "Jinyinhua-2026",
            "password2": "Jinyinhua-2026",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="liufang")
    assert (user.email, user.phone, user.phone_verified) == ("", "+8613973912345", False)


def test_a_logged_in_person_verifies_a_new_number(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("account_change_phone"), {"phone": "139 8551 2345"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_verify_phone")
    response = client.post(reverse("account_verify_phone"), {"code": last_code()})
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.phone, user.phone_verified) == (NUMBER, True)


def test_contact_details_wait_until_the_persons_number_is_verified(client):
    from accounts.enums import OrganisationKind
    from matchmaking.models import Match
    from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, member_of

    enterprise = OrganisationFactory(region_id="522634")
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION, phone="0571-88881234")
    match = Match.objects.create(
        need=NeedFactory(organisation=enterprise),
        result=ResultFactory(organisation=institution),
        score=0.8,
        text_score=0.7,
        structured_score=0.9,
        matcher_version="t",
        state="contacted",
        contact_status="accepted",
    )
    farmer = member_of(enterprise, email="", phone=NUMBER, phone_verified=False)
    client.force_login(farmer)
    url = reverse("match-detail", kwargs={"pk": match.pk})
    html = client.get(url).content.decode()
    assert "0571-88881234" not in html
    assert "核验手机号后才能看到联系方式。" in html

    farmer.phone_verified = True
    farmer.save()
    assert "0571-88881234" in client.get(url).content.decode()


def _enterprise_post(**overrides):
    from accounts.demo import make_credit_code

    data = {
        "full_name": "吴老乡",
        "phone": "139 8551 2345",
        "name": "雷山县乌东村茶叶合作社",
        "credit_code": make_credit_code("乌东", "enterprise", "522634"),
        "region": "522634",
        "address": "雷山县丹江镇乌东村",
    }
    return data | overrides


@pytest.fixture
def station_staff():
    from accounts.enums import OrganisationKind
    from tests.factories import OrganisationFactory, member_of

    station = OrganisationFactory(
        kind=OrganisationKind.STATION, name="雷山县服务站", covered=["522634"]
    )
    return member_of(station)


def test_a_station_opens_an_enterprise_account_its_owner_takes_over_by_code(
    client, station_staff, django_capture_on_commit_callbacks
):
    from accounts.models import Organisation

    client.force_login(station_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("enterprise-account-create"), _enterprise_post())
    organisation = Organisation.objects.get(name="雷山县乌东村茶叶合作社")
    assert response.status_code == 302
    assert response["Location"] == reverse("organisation-detail", kwargs={"pk": organisation.pk})
    owner = organisation.memberships.get().user
    assert (owner.phone, owner.phone_verified, owner.has_usable_password()) == (
        NUMBER,
        False,
        False,
    )
    assert (organisation.kind, organisation.is_verified, organisation.verified_by) == (
        "enterprise",
        True,
        station_staff,
    )
    [sms] = outbox
    assert (sms["to"], sms["kind"]) == (NUMBER, "account_created")
    assert sms["text"].startswith("雷山县服务站已为您开通农桥账号")

    client.logout()
    client.post(reverse("account_request_login_code"), {"phone": "13985512345"})
    client.post(reverse("account_confirm_login_code"), {"code": last_code()})
    assert client.get(reverse("profile")).context["user"] == owner
    owner.refresh_from_db()
    assert owner.phone_verified


def test_a_station_cannot_open_an_account_in_a_county_it_does_not_serve(client, station_staff):
    client.force_login(station_staff)
    response = client.post(reverse("enterprise-account-create"), _enterprise_post(region="510104"))
    assert response.status_code == 200
    assert "你的服务站不服务这个县。" in response.content.decode()
    assert not User.objects.filter(phone=NUMBER).exists()


def test_a_number_that_already_has_an_account_is_refused(client, station_staff):
    UserFactory(phone=NUMBER, phone_verified=True)
    client.force_login(station_staff)
    response = client.post(reverse("enterprise-account-create"), _enterprise_post())
    assert response.status_code == 200
    assert User.objects.filter(phone=NUMBER).count() == 1


def test_only_station_staff_and_admins_open_enterprise_accounts(client):
    client.force_login(UserFactory())
    assert client.get(reverse("enterprise-account-create")).status_code == 403


def test_a_second_verification_code_within_a_minute_gets_the_wait_page_not_an_error(client):
    client.force_login(UserFactory())
    client.post(reverse("account_change_phone"), {"phone": "139 8551 2345"})
    response = client.post(reverse("account_change_phone"), {"phone": "139 8551 2345"})
    assert response.status_code == 429
    assert "一分钟内已向这个号码发送过验证码" in response.content.decode()
    assert len(outbox) == 1
