"""A draft sent twice is saved once (issue #16): the forms carry a client key made in the
browser, and a second sending with the same key creates nothing and goes to the first object."""

import uuid

import pytest
from django.urls import reverse

from accounts.enums import OrganisationKind
from matchmaking.models import Evaluation, Match, ResearchResult, SubmissionKey, TechnologyNeed
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, category, member_of

pytestmark = pytest.mark.django_db

KEY = "0b5f3c1e-6a8d-4f27-9c3e-2d1a7b9e4f60"


def need_form(enterprise, **extra):
    return {
        "organisation": enterprise.pk,
        "title": "茶叶溯源",
        "description": "想让买家扫码看到茶叶从哪来",
        "category": category().pk,
        "budget_min": "5万",
        "budget_max": "10万",
        "transfer_modes": ["technical_service"],
        "visibility": "public",
        "publish": "1",
        **extra,
    }


def test_a_need_sent_twice_with_one_key_is_saved_once_and_both_go_to_it(client):
    enterprise = OrganisationFactory()
    client.force_login(member_of(enterprise))
    first = client.post(reverse("need-create"), need_form(enterprise, client_key=KEY))
    second = client.post(reverse("need-create"), need_form(enterprise, client_key=KEY))
    need = TechnologyNeed.objects.get()
    assert first["Location"] == f"/needs/{need.pk}/#sent-{KEY}"
    assert second["Location"] == f"/needs/{need.pk}/#sent-{KEY}"
    assert need.status == "open"
    assert list(SubmissionKey.objects.values_list("kind", "key", "object_id")) == [
        ("need", uuid.UUID(KEY), need.pk)
    ]


def test_two_drafts_with_two_keys_are_two_needs(client):
    enterprise = OrganisationFactory()
    client.force_login(member_of(enterprise))
    client.post(reverse("need-create"), need_form(enterprise, client_key=KEY))
    client.post(reverse("need-create"), need_form(enterprise, client_key=str(uuid.uuid4())))
    assert TechnologyNeed.objects.count() == 2


def test_a_refused_sending_uses_no_key_and_the_corrected_one_is_saved(client):
    enterprise = OrganisationFactory()
    client.force_login(member_of(enterprise))
    refused = client.post(
        reverse("need-create"), need_form(enterprise, client_key=KEY, budget_max="1万")
    )
    assert refused.status_code == 200
    assert f'name="client_key" value="{KEY}"' in refused.content.decode()
    assert not SubmissionKey.objects.exists()
    saved = client.post(reverse("need-create"), need_form(enterprise, client_key=KEY))
    assert saved["Location"].endswith(f"#sent-{KEY}")
    assert TechnologyNeed.objects.count() == 1


def test_the_same_key_from_another_author_is_their_own(client):
    enterprise = OrganisationFactory()
    other = OrganisationFactory()
    client.force_login(member_of(enterprise))
    client.post(reverse("need-create"), need_form(enterprise, client_key=KEY))
    client.force_login(member_of(other))
    client.post(reverse("need-create"), need_form(other, client_key=KEY))
    assert sorted(TechnologyNeed.objects.values_list("organisation", flat=True)) == sorted(
        [enterprise.pk, other.pk]
    )


def test_a_key_that_is_not_a_uuid_is_refused_naming_the_field(client):
    enterprise = OrganisationFactory()
    client.force_login(member_of(enterprise))
    response = client.post(reverse("need-create"), need_form(enterprise, client_key="abc"))
    assert response.status_code == 400
    assert "client_key" in response.content.decode()
    assert not TechnologyNeed.objects.exists()


def test_a_result_sent_twice_is_saved_once(client):
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    client.force_login(member_of(institution))
    form = {
        "organisation": institution.pk,
        "title": "猕猴桃采后保鲜技术",
        "abstract": "货架期延长40%。",
        "category": category().pk,
        "trl": "7",
        "ip_type": "know_how",
        "transfer_modes": ["license"],
        "region": institution.region_id,
        "price_negotiable": "on",
        "serves_all_regions": "on",
        "visibility": "public",
        "client_key": KEY,
        "save": "1",
    }
    first = client.post(reverse("result-create"), form)
    second = client.post(reverse("result-create"), form)
    result = ResearchResult.objects.get()
    assert first["Location"] == second["Location"] == f"/results/{result.pk}/#sent-{KEY}"


def test_an_evaluation_sent_twice_is_filed_once(client):
    enterprise = OrganisationFactory(region_id="522634")
    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    match = Match.objects.create(
        need=NeedFactory(organisation=enterprise),
        result=ResultFactory(organisation=OrganisationFactory(kind=OrganisationKind.INSTITUTION)),
        score=0.7,
        text_score=0.6,
        structured_score=0.8,
        matcher_version="t",
    )
    client.force_login(member_of(station))
    form = {
        "technical_feasibility": "4",
        "economic_feasibility": "3",
        "capability_fit": "4",
        "risks": "冷库电费偏高",
        "recommendation": "with_conditions",
        "report": "建议先试用一季。",
        "staff_hours": "6.5",
        "client_key": KEY,
    }
    first = client.post(reverse("evaluation-create", args=[match.pk]), form)
    second = client.post(reverse("evaluation-create", args=[match.pk]), form)
    evaluation = Evaluation.objects.get()
    assert first["Location"] == second["Location"] == f"/evaluations/{evaluation.pk}/#sent-{KEY}"
    assert Match.objects.get(pk=match.pk).events.count() == 1


def test_an_edit_is_not_a_draft_and_ignores_any_key(client):
    enterprise = OrganisationFactory()
    need = NeedFactory(organisation=enterprise, title="旧标题")
    client.force_login(member_of(enterprise))
    response = client.post(
        reverse("need-edit", args=[need.pk]),
        need_form(
            enterprise, title="新标题", region=enterprise.region_id, client_key="abc", save="1"
        ),
    )
    assert response["Location"] == f"/needs/{need.pk}/"
    assert TechnologyNeed.objects.get().title == "新标题"
    assert not SubmissionKey.objects.exists()
