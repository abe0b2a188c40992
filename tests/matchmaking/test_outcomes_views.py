"""The impact pages (#21): the baseline suggested on the need form, evidence recorded with
photos checked like every photo and served only to the enterprise, its station and admins."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.enums import OrganisationKind
from matchmaking.impact import services as outcomes
from matchmaking.models import Match, OutcomePhoto
from tests.factories import (
    NeedFactory,
    OrganisationFactory,
    ResultFactory,
    image_bytes,
    member_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    enterprise = OrganisationFactory(region_id="522634")
    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    match = Match.objects.create(
        need=NeedFactory(
            organisation=enterprise,
            description="猕猴桃运到广州就软了，保鲜3天",
            baseline_value=Decimal(20),
            baseline_unit="percent",
            baseline_label="损耗",
        ),
        result=ResultFactory(organisation=institution),
        score=0.7,
        text_score=0.6,
        structured_score=0.8,
        matcher_version="t",
        state="adopted",
        adopted_at=datetime(2026, 1, 31, tzinfo=UTC),
    )
    outcomes.checkpoints_schedule(match)
    return {
        "match": match,
        "owner": member_of(enterprise),
        "staff": member_of(station),
        "researcher": member_of(institution),
    }


def test_the_figure_typed_in_the_description_is_suggested_to_confirm(client, world):
    client.force_login(world["owner"])
    response = client.get(
        reverse("baseline-suggestion"),
        {"description": "每单物流成本8元，太贵"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert 'data-value="8"' in body and 'data-unit="yuan_per_unit"' in body
    assert "每单物流成本" in body
    empty = client.get(reverse("baseline-suggestion"), {"description": "放不了几天"})
    assert "data-baseline-use" not in empty.content.decode()


def test_the_need_form_suggests_the_figure_while_the_need_has_none(client, world):
    need = world["match"].need
    need.baseline_value, need.baseline_unit, need.baseline_label = None, "", ""
    need.save()
    client.force_login(world["owner"])
    body = client.get(reverse("need-edit", args=[need.pk])).content.decode()
    assert 'data-value="3" data-unit="days" data-label="保鲜"' in body


def test_a_figure_without_its_unit_is_said_beside_the_unit(client, world):
    client.force_login(world["owner"])
    need = world["match"].need
    response = client.post(
        reverse("need-edit", args=[need.pk]),
        {
            "title": need.title,
            "description": need.description,
            "category": need.category.pk,
            "visibility": "public",
            "budget": "5万",
            "transfer_modes": ["technical_service"],
            "baseline_value": "20",
            "baseline_unit": "",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"baseline_unit": ["请选择数值的单位。"]}


def _record(client, evidence, photo):
    return client.post(
        reverse("evidence-record", args=[evidence.pk]),
        {
            "label": "损耗",
            "unit": "percent",
            "baseline_value": "20",
            "measured_value": "11",
            "method": "称重三批",
            "photos": photo,
        },
    )


def test_evidence_photos_are_checked_and_seen_only_by_the_enterprise_its_station_and_admins(
    client, world
):
    evidence = world["match"].evidence.get(checkpoint=3)
    client.force_login(world["staff"])
    refused = _record(client, evidence, SimpleUploadedFile("scale.jpg", b"<html>not a photo"))
    assert refused.status_code == 200
    assert "photos" in refused.context["form"].errors
    response = _record(client, evidence, SimpleUploadedFile("scale.jpg", image_bytes()))
    assert response.status_code == 302
    photo = OutcomePhoto.objects.get(evidence=evidence)
    url = reverse("outcome-photo", args=[photo.pk])
    assert client.get(url)["Content-Type"] == "image/jpeg"
    client.force_login(world["owner"])
    assert client.get(url).status_code == 200
    client.force_login(world["researcher"])
    assert client.get(url).status_code == 404
    assert client.get(reverse("match-impact", args=[world["match"].pk])).status_code == 403
