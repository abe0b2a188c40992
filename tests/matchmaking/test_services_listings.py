"""Posting, editing and moving needs and results through their states."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone

from accounts.enums import MembershipRole, OrganisationKind
from matchmaking.listings import services as listings
from matchmaking.models import TechnologyNeed
from tests.factories import (
    NeedFactory,
    OrganisationFactory,
    ResultFactory,
    category,
    member_of,
    region,
)

pytestmark = pytest.mark.django_db


def need_data(**overrides):
    data = {
        "title": "猕猴桃冷链运输",
        "description": "猕猴桃运到广州就软了烂了，想找个保鲜的办法",
        "category": category(),
        "budget_min": 50000,
        "budget_max": 200000,
        "transfer_modes": ["technical_service"],
        "keywords": "猕猴桃 冷链",
    }
    return data | overrides


def result_data(**overrides):
    data = {
        "title": "猕猴桃采后1-MCP处理与低温物流保鲜技术",
        "abstract": "本研究构建了猕猴桃采后保鲜体系。",
        "category": category(),
        "trl": 7,
        "ip_type": "invention_patent",
        "ip_number": "ZL 201710601862.3",
        "asking_price": 100000,
        "transfer_modes": ["license"],
    }
    return data | overrides


@pytest.fixture
def enterprise():
    return OrganisationFactory(kind=OrganisationKind.ENTERPRISE, region=region("522634"))


def test_a_need_starts_as_a_draft_in_the_enterprises_county(enterprise):
    user = member_of(enterprise)
    need = listings.need_create(by=user, organisation=enterprise, data=need_data())
    assert need.status == "draft"
    assert need.region == enterprise.region
    assert need.acting_station is None
    assert "猕猴桃冷链运输" in need.search_text


def test_station_staff_post_for_an_enterprise_in_their_county_and_it_is_recorded(enterprise):
    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    staff = member_of(station)
    need = listings.need_create(by=staff, organisation=enterprise, data=need_data())
    assert need.organisation == enterprise
    assert need.created_by == staff
    assert need.acting_station == station


def test_station_staff_cannot_post_for_an_enterprise_outside_their_counties(enterprise):
    staff = member_of(OrganisationFactory(kind=OrganisationKind.STATION, covered=["620102"]))
    with pytest.raises(PermissionDenied):
        listings.need_create(by=staff, organisation=enterprise, data=need_data())


def test_a_researcher_cannot_post_a_need_for_an_enterprise(enterprise):
    researcher = member_of(OrganisationFactory(kind=OrganisationKind.INSTITUTION))
    with pytest.raises(PermissionDenied):
        listings.need_create(by=researcher, organisation=enterprise, data=need_data())


def test_a_budget_whose_minimum_exceeds_its_maximum_is_refused_on_the_maximum(enterprise):
    with pytest.raises(ValidationError) as error:
        listings.need_create(
            by=member_of(enterprise),
            organisation=enterprise,
            data=need_data(budget_min=300000, budget_max=100000),
        )
    assert list(error.value.message_dict) == ["budget_max"]
    assert not TechnologyNeed.objects.exists()


def test_the_database_itself_refuses_an_inverted_budget(enterprise):
    need = NeedFactory(organisation=enterprise)
    need.budget_min, need.budget_max = 300000, 100000
    with pytest.raises(IntegrityError):
        need.save()


def test_an_unverified_enterprise_can_draft_but_not_publish_and_is_told_why():
    enterprise = OrganisationFactory(is_verified=False, name="未核验的合作社")
    user = member_of(enterprise)
    need = listings.need_create(by=user, organisation=enterprise, data=need_data())
    with pytest.raises(ValidationError) as error:
        listings.need_transition(need=need, to="open", by=user)
    assert "未核验的合作社" in error.value.message_dict["status"][0]
    need.refresh_from_db()
    assert need.status == "draft"


def test_publishing_close_and_reopen(enterprise):
    user = member_of(enterprise)
    need = listings.need_create(by=user, organisation=enterprise, data=need_data())
    need = listings.need_transition(need=need, to="open", by=user)
    assert need.status == "open" and need.published_at is not None
    first_published = need.published_at
    need = listings.need_transition(need=need, to="closed", by=user)
    assert need.status == "closed" and need.closed_at is not None
    need = listings.need_transition(need=need, to="open", by=user)
    assert need.status == "open" and need.closed_at is None
    assert need.published_at == first_published


def test_an_illegal_transition_says_which(enterprise):
    user = member_of(enterprise)
    need = listings.need_create(by=user, organisation=enterprise, data=need_data())
    with pytest.raises(ValidationError) as error:
        listings.need_transition(need=need, to="fulfilled", by=user)
    assert "status" in error.value.message_dict


def test_a_need_past_its_deadline_cannot_be_published_until_the_deadline_moves(enterprise):
    user = member_of(enterprise)
    need = NeedFactory(
        organisation=enterprise, status="draft", deadline=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(ValidationError) as error:
        listings.need_transition(need=need, to="open", by=user)
    assert "deadline" in error.value.message_dict


def test_only_members_change_a_need(enterprise):
    need = NeedFactory(organisation=enterprise)
    other = member_of(OrganisationFactory())
    with pytest.raises(PermissionDenied):
        listings.need_update(need=need, by=other, data={"title": "改掉"})
    with pytest.raises(PermissionDenied):
        listings.need_transition(need=need, to="closed", by=other)


def test_a_result_with_a_wrong_patent_check_digit_is_refused_on_that_field():
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    with pytest.raises(ValidationError) as error:
        listings.result_create(
            by=member_of(institution),
            organisation=institution,
            data=result_data(ip_number="ZL 2020 1 0123456.7"),
        )
    assert list(error.value.message_dict) == ["ip_number"]


def test_a_patent_number_is_stored_normalised_and_unique_per_institution():
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    user = member_of(institution, MembershipRole.OWNER)
    result = listings.result_create(by=user, organisation=institution, data=result_data())
    assert result.ip_number == "201710601862.3"
    with pytest.raises(ValidationError) as error:
        listings.result_create(
            by=user, organisation=institution, data=result_data(ip_number="201710601862.3")
        )
    assert error.value.messages
    other = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    listings.result_create(by=member_of(other), organisation=other, data=result_data())


def test_a_result_is_listed_withdrawn_and_listed_again():
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    user = member_of(institution)
    result = ResultFactory(organisation=institution, status="draft", published_at=None)
    for target in ("listed", "withdrawn", "listed", "transferred"):
        result = listings.result_transition(result=result, to=target, by=user)
        assert result.status == target
