"""JSON nested a thousand levels deep is a 400 with a JSON error, not a RecursionError (500)."""

import pytest
from django.test import Client, override_settings

from accounts.enums import OrganisationKind
from tests.factories import OrganisationFactory, member_of

pytestmark = pytest.mark.django_db

DEEP = "[" * 1000 + "]" * 1000


@override_settings(DEBUG=False)
def test_deeply_nested_json_to_the_token_endpoint_is_a_400():
    client = Client(raise_request_exception=False)
    response = client.post("/api/v1/auth/token/", DEEP, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "32" in response.json()["detail"]  # the depth it refuses, in either language


@override_settings(DEBUG=False)
def test_deeply_nested_json_to_the_needs_endpoint_is_a_400():
    user = member_of(OrganisationFactory(kind=OrganisationKind.ENTERPRISE))
    client = Client(raise_request_exception=False)
    client.force_login(user)
    for body in (DEEP, '{"title": ' + DEEP + "}", '{"a":' * 1000 + "1" + "}" * 1000):
        response = client.post("/api/v1/needs/", body, content_type="application/json")
        assert response.status_code == 400
        assert "32" in response.json()["detail"]  # the depth it refuses, in either language


def test_brackets_inside_strings_do_not_count_as_nesting():
    user = member_of(OrganisationFactory(kind=OrganisationKind.ENTERPRISE))
    client = Client()
    client.force_login(user)
    body = '{"title": "' + "[" * 200 + '"}'
    response = client.post("/api/v1/needs/", body, content_type="application/json")
    assert response.status_code == 400
    assert "detail" not in response.json()  # a field error: the body itself was read
