import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.enums import MembershipRole
from tests.factories import OrganisationFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_a_token_is_issued_for_a_username_and_password_and_opens_me(api):
    organisation = OrganisationFactory(name="紫阳富硒茶合作社")
    user = member_of(organisation, MembershipRole.OWNER, username="ziyang")
    response = api.post(
        reverse("api-token"), {"username": "ziyang", "password": "pw-Nongqiao-2026"}, format="json"
    )
    assert response.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    me = api.get(reverse("api-me")).json()
    assert me["username"] == user.username
    assert me["roles"] == ["enterprise"]
    assert [m["organisation"]["name"] for m in me["memberships"]] == ["紫阳富硒茶合作社"]
    assert me["memberships"][0]["role"] == "owner"


def test_a_wrong_password_gets_a_json_error(api):
    UserFactory(username="someone")
    response = api.post(
        reverse("api-token"), {"username": "someone", "password": "nope"}, format="json"
    )
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_a_missing_field_is_named_in_the_error(api):
    response = api.post(reverse("api-token"), {"username": "someone"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()


def test_me_refuses_anonymous_callers(api):
    assert api.get(reverse("api-me")).status_code in (401, 403)


def test_regions_are_searchable_through_the_api(api):
    response = api.get(reverse("region-list"), {"q": "雷山"})
    assert response.status_code == 200
    assert [r["code"] for r in response.json()["results"]] == ["522634"]
    provinces = api.get(reverse("region-list"), {"level": 1, "group": "central"}).json()
    assert provinces["count"] == 6


def test_the_schema_and_docs_are_served(api):
    schema = api.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/me/" in schema.content
    docs = api.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()
