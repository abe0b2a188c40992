"""/api/v1/needs/, /results/, /categories/: the same rules as the pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.enums import OrganisationKind
from matchmaking.models import ResearchResult, TechnologyNeed
from tests.factories import (
    NeedFactory,
    OrganisationFactory,
    ResultFactory,
    UserFactory,
    member_of,
)

pytestmark = pytest.mark.django_db


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def new_need(organisation, **overrides):
    return {
        "organisation": organisation.pk,
        "title": "马铃薯贮藏防发芽",
        "description": "洋芋放到开春就发芽，想找贮藏办法",
        "category": "cold-storage",
        "budget_min": "20000",
        "budget_max": "80000",
        "transfer_modes": ["technical_service"],
    } | overrides


def test_an_enterprise_member_creates_a_draft_and_publishes_it():
    enterprise = OrganisationFactory()
    api = client_for(member_of(enterprise))
    response = api.post("/api/v1/needs/", new_need(enterprise), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft" and body["region"] == enterprise.region_id
    published = api.post(f"/api/v1/needs/{body['id']}/transition/", {"to": "open"}, format="json")
    assert published.status_code == 200
    assert published.json()["status"] == "open"


def test_validation_errors_name_the_field():
    enterprise = OrganisationFactory()
    api = client_for(member_of(enterprise))
    response = api.post(
        "/api/v1/needs/",
        new_need(enterprise, budget_min="90000", budget_max="10000"),
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["budget_max"]
    response = api.post("/api/v1/needs/", new_need(enterprise, category="no-such"), format="json")
    assert "category" in response.json()


def test_an_illegal_transition_returns_400_with_a_message():
    enterprise = OrganisationFactory()
    need = NeedFactory(organisation=enterprise, status="draft")
    response = client_for(member_of(enterprise)).post(
        f"/api/v1/needs/{need.pk}/transition/", {"to": "fulfilled"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["status"]


@pytest.mark.parametrize(
    "who, expected",
    [("anonymous", 401), ("stranger", 400), ("researcher", 400), ("member", 201), ("staff", 201)],
)
def test_who_may_post_a_need_for_an_enterprise(who, expected):
    enterprise = OrganisationFactory(region_id="522634")
    users = {
        "anonymous": None,
        "stranger": member_of(OrganisationFactory()),
        "researcher": member_of(OrganisationFactory(kind=OrganisationKind.INSTITUTION)),
        "member": member_of(enterprise),
        "staff": member_of(OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])),
    }
    response = client_for(users[who]).post("/api/v1/needs/", new_need(enterprise), format="json")
    assert response.status_code in ((expected,) if expected != 401 else (401, 403))
    if expected == 400:
        assert "organisation" in response.json()


def test_others_cannot_edit_and_cannot_see_drafts():
    enterprise = OrganisationFactory()
    need = NeedFactory(organisation=enterprise)
    draft = NeedFactory(organisation=enterprise, status="draft", published_at=None)
    stranger = client_for(member_of(OrganisationFactory()))
    assert (
        stranger.patch(f"/api/v1/needs/{need.pk}/", {"title": "x"}, format="json").status_code
        == 403
    )
    assert stranger.get(f"/api/v1/needs/{draft.pk}/").status_code == 404
    assert client_for().get(f"/api/v1/needs/{draft.pk}/").status_code == 404
    owner = client_for(member_of(enterprise))
    assert (
        owner.patch(f"/api/v1/needs/{need.pk}/", {"title": "改好的标题"}, format="json").status_code
        == 200
    )
    assert TechnologyNeed.objects.get(pk=need.pk).title == "改好的标题"


def test_mine_lists_own_listings_with_drafts():
    enterprise = OrganisationFactory()
    NeedFactory(organisation=enterprise, status="draft")
    NeedFactory(organisation=enterprise)
    NeedFactory()
    api = client_for(member_of(enterprise))
    assert api.get("/api/v1/needs/", {"mine": 1}).json()["count"] == 2
    assert api.get("/api/v1/needs/").json()["count"] == 2  # two published in all


def test_mine_of_station_staff_includes_the_needs_they_entered_for_enterprises():
    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    entered = NeedFactory(acting_station=station)
    NeedFactory()
    ids = [
        n["id"]
        for n in client_for(member_of(station)).get("/api/v1/needs/?mine=1").json()["results"]
    ]
    assert ids == [entered.pk]


def test_search_and_filters_work_as_on_the_pages():
    NeedFactory(title="猕猴桃的冷链物流", description="x", keywords="")
    NeedFactory(title="苹果分拣", description="y", keywords="", transfer_modes=["equity"])
    api = client_for()
    titles = [n["title"] for n in api.get("/api/v1/needs/", {"q": "猕猴桃 冷链"}).json()["results"]]
    assert titles == ["猕猴桃的冷链物流"]
    titles = [
        n["title"] for n in api.get("/api/v1/needs/", {"transfer_mode": "equity"}).json()["results"]
    ]
    assert titles == ["苹果分拣"]


def test_anonymous_callers_do_not_get_private_budgets():
    NeedFactory(budget_min=111111, budget_max=222222, budget_public=False)
    body = client_for().get("/api/v1/needs/").json()["results"][0]
    assert body["budget_min"] is None and body["budget_max"] is None


def test_a_result_with_a_bad_patent_number_is_refused_on_ip_number():
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    response = client_for(member_of(institution)).post(
        "/api/v1/results/",
        {
            "organisation": institution.pk,
            "title": "马铃薯贮藏",
            "abstract": "本发明公开了一种马铃薯贮藏方法。",
            "category": "cold-storage",
            "trl": 6,
            "ip_type": "invention_patent",
            "ip_number": "ZL 2020 1 0123456.7",
            "asking_price": "50000",
            "transfer_modes": ["license"],
            "serves_all_regions": False,
            "regions_served": ["620000", "520000"],
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["ip_number"]
    assert not ResearchResult.objects.exists()


def test_a_result_serving_no_province_is_refused_on_regions_served():
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    api = client_for(member_of(institution))
    body = {
        "organisation": institution.pk,
        "title": "马铃薯贮藏",
        "abstract": "一种马铃薯贮藏方法。",
        "category": "cold-storage",
        "trl": 6,
        "asking_price": "50000",
        "transfer_modes": ["license"],
        "serves_all_regions": False,
    }
    response = api.post("/api/v1/results/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["regions_served"]
    created = api.post(
        "/api/v1/results/", body | {"regions_served": ["620000"]}, format="json"
    ).json()
    # Serving named provinces already, a PATCH may leave them out …
    patch = api.patch(f"/api/v1/results/{created['id']}/", {"title": "马铃薯窖藏"}, format="json")
    assert patch.status_code == 200
    # … but not empty them.
    emptied = api.patch(f"/api/v1/results/{created['id']}/", {"regions_served": []}, format="json")
    assert emptied.status_code == 400


def test_results_filter_by_the_province_they_serve():
    gansu = ResultFactory(title="只服务甘肃", serves_all_regions=False)
    gansu.regions_served.set(["620000"])
    ResultFactory(title="服务全国")
    other = ResultFactory(title="只服务云南", serves_all_regions=False)
    other.regions_served.set(["530000"])
    titles = {
        r["title"]
        for r in client_for().get("/api/v1/results/", {"serves": "620000"}).json()["results"]
    }
    assert titles == {"只服务甘肃", "服务全国"}


def test_status_and_province_filters_need_no_distinct_over_wide_rows():
    served = ResultFactory(serves_all_regions=False)
    served.regions_served.set(["620000", "530000"])
    ResultFactory(serves_all_regions=False).regions_served.set(["530000"])
    with CaptureQueriesContext(connection) as queries:
        body = (
            client_for()
            .get("/api/v1/results/", {"serves": "620000", "status": ["listed", "transferred"]})
            .json()
        )
    assert [r["id"] for r in body["results"]] == [served.pk]
    assert not [q["sql"] for q in queries.captured_queries if "DISTINCT" in q["sql"]]


def test_only_admins_edit_categories():
    body = {"slug": "new-cat", "name": "新类别", "name_en": "New", "parent": "cold-chain-logistics"}
    assert (
        client_for(UserFactory()).post("/api/v1/categories/", body, format="json").status_code
        == 403
    )
    assert (
        client_for(UserFactory(is_staff=True))
        .post("/api/v1/categories/", body, format="json")
        .status_code
        == 201
    )


def test_list_endpoints_do_not_query_once_per_row(django_assert_max_num_queries):
    for _ in range(15):
        NeedFactory()
        result = ResultFactory(serves_all_regions=False)
        result.regions_served.set(["620000"])
    api = client_for()
    with django_assert_max_num_queries(4):
        assert api.get("/api/v1/needs/").json()["count"] == 15
    with django_assert_max_num_queries(5):
        assert api.get("/api/v1/results/").json()["count"] == 15
