"""Bad input anywhere in a request is a 400 that says what is wrong, never a 500.

Found by the schemathesis run (tests/api/test_schema_fuzz.py): PostgreSQL cannot store or
compare text holding a NUL character, and a lookup with one raised DataError.
"""

from urllib.parse import urlencode

import pytest
from django.core.validators import ProhibitNullCharactersValidator
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NUL_MESSAGE = str(ProhibitNullCharactersValidator.message)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/categories/cold%00storage/",
        "/api/v1/regions/52%002634/",
        "/api/v1/needs/?category=cold%00storage",
        "/api/v1/regions/?parent=52%0026",
    ],
)
def test_a_nul_character_in_an_api_url_is_a_json_400(url):
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == 400
    assert response.json() == {"detail": NUL_MESSAGE}


@pytest.mark.parametrize("url", ["/needs/?category=cold%00storage", "/needs/?q=%E5%86%B7%00"])
def test_a_nul_character_in_a_page_url_is_a_400(url):
    assert Client(raise_request_exception=False).get(url).status_code == 400


def test_a_nul_character_in_the_session_cookie_or_the_token_is_a_400():
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "abcdefghij\x00klmnop"
    assert client.get("/").status_code == 400
    response = Client(raise_request_exception=False).get(
        "/api/v1/me/", HTTP_AUTHORIZATION="Token abc\x00def"
    )
    assert response.status_code == 400


def test_a_nul_character_in_an_api_body_names_the_field():
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(UserFactory(is_staff=True, is_superuser=True))
    category = {"slug": "new", "name": "新类", "name_en": "New", "parent": "cold\x00"}
    response = api.post("/api/v1/categories/", category, format="json")
    assert response.status_code == 400
    assert response.json() == {"parent": [NUL_MESSAGE]}
    plan = {"match": 1, "summary": "方案", "steps": [{"title": "选址\x00"}]}
    response = api.post("/api/v1/plans/", plan, format="json")
    assert response.status_code == 400
    assert response.json() == {"steps": [NUL_MESSAGE]}


def test_a_nul_character_in_the_token_request_names_the_field():
    body = {"username": "demo\x00", "password": "x"}
    response = APIClient().post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"username": [NUL_MESSAGE]}


@pytest.mark.parametrize("format", ["multipart", "form"])
@pytest.mark.parametrize("url", ["/api/v1/auth/token/", "/api/v1/categories/"])
def test_the_api_reads_json_bodies_only(format, url):
    """The schema declares every body as JSON; a form body is refused, not half-read."""
    api = APIClient()
    api.force_authenticate(UserFactory(is_staff=True, is_superuser=True))
    body = {"username": "demo", "password": "x", "slug": "new", "name": "新类"}
    if format == "form":
        media_type = "application/x-www-form-urlencoded"
        response = api.post(url, urlencode(body), content_type=media_type)
    else:
        media_type = "multipart/form-data"
        response = api.post(url, body, format="multipart")
    assert response.status_code == 415
    assert media_type in response.json()["detail"]


def test_a_nul_character_in_a_posted_form_is_a_400(client):
    client.force_login(UserFactory())
    response = client.post("/accounts/profile/", {"full_name": "张\x00三"})
    assert response.status_code == 400


def test_an_api_url_that_matches_nothing_is_a_json_404():
    response = Client().get("/api/v1/needs/not-a-number/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == ["detail"]
    assert Client().get("/no-such-page/")["Content-Type"].startswith("text/html")
