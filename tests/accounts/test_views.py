"""The account pages as a user meets them."""

import pytest
from django.urls import reverse

from accounts.demo import make_credit_code
from accounts.models import Organisation, User
from tests.factories import OrganisationFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db


def _organisation_post(**overrides):
    data = {
        "kind": "enterprise",
        "name": "隆回县金银花电商合作社",
        "credit_code": make_credit_code("隆回", "enterprise", "430524"),
        "region": "430524",
        "contact_name": "刘芳",
        "phone": "139 7391 2345",
        "address": "隆回县小沙江镇",
    }
    return data | overrides


def test_sign_up_logs_the_new_user_in_and_asks_for_the_organisation(client):
    response = client.post(
        reverse("signup"),
        {
            "username": "liufang",
            "full_name": "刘芳",
            "email": "liufang@example.cn",
            "password1": "Jinyinhua-2026",
            "password2": "Jinyinhua-2026",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("organisation-start")
    assert client.get(reverse("profile")).status_code == 200


def test_a_wrong_credit_code_is_shown_beside_its_field_and_the_rest_is_kept(client):
    client.force_login(UserFactory())
    data = _organisation_post()
    data["credit_code"] = data["credit_code"][:-1] + (
        "1" if data["credit_code"][-1] != "1" else "2"
    )
    response = client.post(reverse("organisation-create"), data)
    assert response.status_code == 200
    html = response.content.decode()
    field = html[html.index('id="field-credit_code"') :]
    field = field[: field.index("</div>")]
    assert "errorlist" in field
    assert "隆回县金银花电商合作社" in html  # what was typed is still there
    assert 'value="430524" selected' in html
    assert not Organisation.objects.exists()


def test_a_valid_organisation_is_created_with_a_normalised_phone(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("organisation-create"), _organisation_post())
    organisation = Organisation.objects.get()
    assert response["Location"] == reverse("organisation-detail", args=[organisation.pk])
    assert organisation.phone == "13973912345"
    assert not organisation.is_verified


def test_region_search_finds_counties_by_a_part_of_their_name(client):
    response = client.get(reverse("region-options"), {"q": "隆回", "levels": "2,3"})
    assert 'value="430524"' in response.content.decode()
    assert "湖南省 邵阳市 隆回县" in response.content.decode()


def test_private_fields_of_an_organisation_are_hidden_from_strangers(client):
    organisation = OrganisationFactory(phone="13800138000")
    url = reverse("organisation-detail", args=[organisation.pk])
    assert "13800138000" not in client.get(url).content.decode()
    client.force_login(member_of(organisation))
    assert "13800138000" in client.get(url).content.decode()


def test_only_the_owner_can_open_the_edit_page(client):
    organisation = OrganisationFactory()
    client.force_login(member_of(organisation))
    assert client.get(reverse("organisation-edit", args=[organisation.pk])).status_code == 403


def test_the_interface_is_chinese_by_default_and_english_on_request(client):
    assert "登录" in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Log in" in client.get("/").content.decode()


def test_pages_list_their_memberships_without_a_query_per_row(client, django_assert_num_queries):
    user = UserFactory()
    for _ in range(5):
        member_of_org = OrganisationFactory()
        from tests.factories import MembershipFactory

        MembershipFactory(user=user, organisation=member_of_org)
    client.force_login(user)
    client.get(reverse("profile"))  # warm the session
    # The user and the list; the session, the roles and the unread count come from the cache.
    with django_assert_num_queries(2):
        response = client.get(reverse("profile"))
    assert response.content.decode().count("/accounts/organisations/") >= 5


@pytest.mark.parametrize("spelling", ["LiuFang@Example.cn", " liufang@example.cn"])
def test_a_second_account_with_the_same_email_in_any_case_is_refused_beside_the_field(
    client, spelling
):
    UserFactory(username="liufang", email="liufang@example.cn")
    response = client.post(
        reverse("signup"),
        {
            "username": "liufang2",
            "full_name": "刘芳",
            "email": spelling,
            "password1": "Jinyinhua-2026",
            "password2": "Jinyinhua-2026",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": [
            "Another account already uses this email address. Log in with it, or reset its "
            "password if you have forgotten it."
        ]
    }
    assert not User.objects.filter(username="liufang2").exists()


def test_the_profile_cannot_take_another_account_s_email_but_keeps_its_own(client):
    UserFactory(email="liufang@example.cn")
    me = UserFactory(email="zhangwei@example.cn")
    from accounts.forms import ProfileForm

    data = {"full_name": "张伟", "phone": "", "language": "zh-hans"}
    assert ProfileForm({**data, "email": "ZHANGWEI@example.cn"}, instance=me).is_valid()
    taken = ProfileForm({**data, "email": "LiuFang@example.cn"}, instance=me)
    assert list(taken.errors) == ["email"]


def test_a_signed_in_user_stays_signed_in_when_the_cache_is_emptied(client):
    from django.core.cache import cache

    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("profile")).status_code == 200
    cache.clear()  # sessions live in the cache and the database
    assert client.get(reverse("profile")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("profile")).status_code == 302
