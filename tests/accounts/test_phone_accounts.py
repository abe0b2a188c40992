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


def test_the_sixth_wrong_code_ends_the_attempt(client):
    UserFactory(phone=NUMBER, phone_verified=True)
    client.post(reverse("account_request_login_code"), {"phone": NUMBER})
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        response = client.post(reverse("account_confirm_login_code"), {"code": wrong})
        assert response.status_code == 200  # the form again, with its error
    response = client.post(reverse("account_confirm_login_code"), {"code": wrong})
    assert response.status_code == 302  # five wrong: the code is void
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
