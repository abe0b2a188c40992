"""Guessing passwords, mass sign-ups and reset floods are slowed down; real users are not."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _login(client, username, password, address="203.0.113.7"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_wrong_passwords_lock_that_username_from_that_address_out(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="liufang")
    for _attempt in range(2):
        assert _login(client, "liufang", "guess").status_code == 200  # the form, with its error
    locked = _login(client, "liufang", "guess")
    assert locked.status_code == 429
    assert "15" in locked.content.decode()  # how long it lasts
    assert reverse("password_reset") in locked.content.decode()
    # Even the right password does not get through now …
    assert _login(client, "liufang", "pw-Nongqiao-2026").status_code == 429
    assert "_auth_user_id" not in client.session
    # … but the same user from another address, and another user from this one, still can.
    assert _login(client, "liufang", "pw-Nongqiao-2026", address="198.51.100.2").status_code == 302
    client.logout()
    UserFactory(username="zhangwei")
    assert _login(client, "zhangwei", "pw-Nongqiao-2026").status_code == 302


def test_a_successful_login_clears_the_count(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="liufang")
    for _round in range(3):
        assert _login(client, "liufang", "guess").status_code == 200
        assert _login(client, "liufang", "guess").status_code == 200
        assert _login(client, "liufang", "pw-Nongqiao-2026").status_code == 302
        client.logout()


def _sign_up(client, n, address="203.0.113.7"):
    return client.post(
        reverse("signup"),
        {
            "username": f"villager{n}",
            "full_name": "刘芳",
            "email": f"villager{n}@example.cn",
            "password1": "Jinyinhua-2026",
            "password2": "Jinyinhua-2026",
        },
        REMOTE_ADDR=address,
    )


def test_sign_ups_from_one_address_are_limited_and_the_form_keeps_what_was_typed(client, settings):
    from accounts.models import User

    settings.SIGNUP_RATE = "2/h"
    for n in range(2):
        assert _sign_up(client, n).status_code == 302
        client.logout()
    refused = _sign_up(client, 2)
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "villager2@example.cn" in html  # nothing typed is lost
    assert not User.objects.filter(username="villager2").exists()
    assert _sign_up(client, 3, address="198.51.100.2").status_code == 302


def test_password_resets_are_limited_per_email_address(client, settings):
    settings.PASSWORD_RESET_EMAIL_RATE = "2/h"
    UserFactory(email="liufang@example.cn")
    for _attempt in range(2):
        response = client.post(reverse("password_reset"), {"email": "liufang@example.cn"})
        assert response.status_code == 302
    refused = client.post(reverse("password_reset"), {"email": "liufang@example.cn"})
    assert refused.status_code == 429
    assert len(mail.outbox) == 2
    assert "liufang@example.cn" in refused.content.decode()


def test_password_resets_are_limited_per_address(client, settings):
    settings.PASSWORD_RESET_RATE = "2/h"
    for n in range(2):
        response = client.post(reverse("password_reset"), {"email": f"someone{n}@example.cn"})
        assert response.status_code == 302
    assert client.post(reverse("password_reset"), {"email": "x@example.cn"}).status_code == 429


def test_the_per_email_reset_limit_counts_one_mailbox_however_its_address_is_typed(
    client, settings
):
    settings.PASSWORD_RESET_EMAIL_RATE = "2/h"
    UserFactory(email="demo-e06@example.cn")
    for spelling in ("demo-e06@example.cn", "Demo-e06@example.cn"):
        assert client.post(reverse("password_reset"), {"email": spelling}).status_code == 302
    for spelling in ("dEmo-E06@EXAMPLE.cn", " demo-e06@example.cn", "demo-e06@example.cn "):
        refused = client.post(reverse("password_reset"), {"email": spelling})
        assert refused.status_code == 429
    assert len(mail.outbox) == 2


def test_a_locked_out_token_request_answers_429_with_the_message_of_the_lockout_page(
    client, settings
):
    from rest_framework.test import APIClient

    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="liufang")
    api = APIClient(REMOTE_ADDR="203.0.113.7")
    token = reverse("api-token")
    for _attempt in range(2):
        wrong = api.post(token, {"username": "liufang", "password": "guess"}, format="json")
        assert wrong.status_code == 400
    message = (
        "The password was wrong too many times, so logging in with this username from your "
        "network is paused for 15 minutes."
    )
    for password in ("guess", "pw-Nongqiao-2026"):  # the right one does not get through either
        locked = api.post(
            token,
            {"username": "liufang", "password": password},
            format="json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert (locked.status_code, locked.json()) == (429, {"detail": message})
        assert locked["Retry-After"] == "900"
    page = client.post(
        reverse("login"),
        {"username": "liufang", "password": "guess"},
        REMOTE_ADDR="203.0.113.7",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.status_code == 429
    assert message in page.content.decode()
