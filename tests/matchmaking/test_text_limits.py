"""Text fields have maximum lengths in the model, the forms and the API: a need's description
or a result's abstract is at most 5,000 characters. A 1,000,000-character description was
accepted (201) and took 42.7 s to publish."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.enums import OrganisationKind
from matchmaking.core.fields import LONG_TEXT
from matchmaking.listings import services
from matchmaking.models import TechnologyNeed
from tests.factories import OrganisationFactory, category, member_of

pytestmark = pytest.mark.django_db

NEED = {
    "title": "马铃薯贮藏防发芽",
    "category": "cold-storage",
    "budget_min": "20000",
    "budget_max": "80000",
    "transfer_modes": ["technical_service"],
}
TOO_LONG = "洋" * (LONG_TEXT + 1)


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_refuses_a_million_character_description_naming_the_field():
    enterprise = OrganisationFactory()
    response = api_for(member_of(enterprise)).post(
        "/api/v1/needs/",
        NEED | {"organisation": enterprise.pk, "description": "a" * 1_000_000},
        format="json",
    )
    assert response.status_code == 400
    (message,) = response.json()["description"]
    assert list(response.json()) == ["description"] and "5000" in message
    assert not TechnologyNeed.objects.exists()


def test_the_api_takes_a_description_of_exactly_the_limit_and_refuses_one_more():
    enterprise = OrganisationFactory()
    client = api_for(member_of(enterprise))
    at_limit = NEED | {"organisation": enterprise.pk, "description": "洋" * LONG_TEXT}
    assert client.post("/api/v1/needs/", at_limit, format="json").status_code == 201
    over = NEED | {"organisation": enterprise.pk, "description": TOO_LONG, "title": "另一个"}
    response = client.post("/api/v1/needs/", over, format="json")
    assert response.status_code == 400 and list(response.json()) == ["description"]


def test_the_api_refuses_a_result_abstract_and_scenarios_over_their_limits():
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    response = api_for(member_of(institution)).post(
        "/api/v1/results/",
        {
            "organisation": institution.pk,
            "title": "马铃薯贮藏技术",
            "abstract": TOO_LONG,
            "application_scenarios": "场" * 2001,
            "category": "cold-storage",
            "trl": 7,
            "transfer_modes": ["license"],
            "serves_all_regions": True,
        },
        format="json",
    )
    assert response.status_code == 400
    assert sorted(response.json()) == ["abstract", "application_scenarios"]


def test_the_form_says_the_limit_beside_the_description(client):
    enterprise = OrganisationFactory()
    client.force_login(member_of(enterprise))
    page = client.get(reverse("need-create")).content.decode()
    assert 'maxlength="5000"' in page[page.index('name="description"') - 300 :]
    response = client.post(
        reverse("need-create"),
        NEED | {"organisation": enterprise.pk, "category": category().pk, "description": TOO_LONG},
    )
    html = response.content.decode()
    field = html[html.index('id="field-description"') :]
    field = field[: field.index("</div>")]
    assert 'class="errorlist"' in field and "5000" in field and "5001" in field
    assert not TechnologyNeed.objects.exists()


def test_the_service_refuses_it_too_for_imports_and_every_other_caller():
    enterprise = OrganisationFactory()
    with pytest.raises(ValidationError) as refused:
        services.need_create(
            by=member_of(enterprise),
            organisation=enterprise,
            data=NEED | {"category": category(), "description": TOO_LONG},
        )
    assert list(refused.value.message_dict) == ["description"]
