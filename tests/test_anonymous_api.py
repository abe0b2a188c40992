"""An anonymous caller gets nothing private from any API endpoint.

The endpoints are read from the OpenAPI schema, so a new endpoint is covered as soon as it
exists.
"""

import pytest
from rest_framework.test import APIClient

from accounts.enums import MembershipRole
from tests.factories import OrganisationFactory, member_of

pytestmark = pytest.mark.django_db

SECRETS = ["13912345678", "secret-owner@example.cn", "0851-8765432"]


def _get_paths(schema: dict) -> list[str]:
    paths = []
    for path, operations in schema["paths"].items():
        if "get" in operations and "{" not in path:
            paths.append(path)
    return paths


def test_no_anonymous_api_response_contains_private_data():
    organisation = OrganisationFactory(phone="0851-8765432", email="secret-owner@example.cn")
    member_of(organisation, MembershipRole.OWNER, email="secret-owner@example.cn")
    organisation.contact_name = "保密联系人"
    organisation.save()

    client = APIClient()
    schema = client.get("/api/schema/?format=json").json()
    paths = _get_paths(schema)
    assert "/api/v1/me/" in paths
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 401, 403), path
        body = response.content.decode()
        for secret in [*SECRETS, "保密联系人"]:
            assert secret not in body, f"{path} leaks {secret}"
