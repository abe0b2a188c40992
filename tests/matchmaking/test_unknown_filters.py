"""Every list filter refuses a value it does not know with a 400 naming the parameter: the API
as a JSON error keyed by the parameter, a page with the message beside the filter. A filter
that ignored such a value showed an unfiltered (or empty) list as if it were the answer."""

import pytest
from rest_framework.test import APIClient

from accounts.enums import OrganisationKind
from matchmaking.models import Match
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db


def api(user=None):
    client = APIClient()
    if user:
        client.force_authenticate(user)
    return client


@pytest.fixture
def pair():
    enterprise = OrganisationFactory()
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    match = Match.objects.create(
        need=NeedFactory(organisation=enterprise),
        result=ResultFactory(organisation=institution),
        score=0.6,
        text_score=0.5,
        structured_score=0.8,
        matcher_version="t",
        rank_for_need=1,
        rank_for_result=1,
        explanation={
            "terms": [["猕猴桃", 0.4]],
            "fits": {"category": {"score": 1.0, "reason": "category_match"}},
        },
    )
    return match, member_of(enterprise), member_of(institution)


# -- listing lists: category, province, stage, status, sort, mine -------------------------------

LISTING_BAD = [
    ("category", "no-such-category"),
    ("province", "999999"),
    ("stage", "moonshot"),
    ("status", "sideways"),
    ("sort", "budget"),
    ("transfer_mode", "gift"),
    ("mine", "perhaps"),
]


@pytest.mark.parametrize(("name", "value"), LISTING_BAD)
def test_the_listing_api_refuses_an_unknown_filter_value_naming_the_parameter(name, value):
    user = UserFactory()
    response = api(user).get("/api/v1/needs/", {name: value})
    assert response.status_code == 400
    assert list(response.json()) == [name]


@pytest.mark.parametrize(("name", "value"), LISTING_BAD)
def test_the_listing_page_refuses_an_unknown_filter_value_beside_the_filter(client, name, value):
    NeedFactory()
    client.force_login(UserFactory())
    response = client.get("/needs/", {name: value})
    assert response.status_code == 400
    html = response.content.decode()
    if name == "mine":
        assert 'id="filters_error"' in html and "mine: “perhaps”" in html
    else:
        assert f'id="id_{name}_error"' in html


@pytest.mark.parametrize(("name", "value"), [("stage", "moonshot"), ("mine", "x")])
def test_the_listing_export_refuses_an_unknown_filter_value(client, name, value):
    NeedFactory()
    response = client.get("/needs/export.csv", {name: value})
    assert response.status_code == 400
    assert response.content.decode().startswith(f"{name}: ")


def test_known_listing_filter_values_still_answer(client):
    NeedFactory()
    assert client.get("/needs/", {"stage": "pilot", "sort": "deadline"}).status_code == 200
    assert api().get("/api/v1/needs/", {"mine": "0", "stage": "pilot"}).status_code == 200


# -- a listing's matches: state, fit_* --------------------------------------------------------

MATCH_BAD = [("state", "adopted-ish"), ("fit_category", "yes"), ("fit_price", "2")]


@pytest.mark.parametrize(("name", "value"), MATCH_BAD)
def test_the_match_list_api_refuses_an_unknown_filter_value(pair, name, value):
    match, enterprise, researcher = pair
    for user, url in (
        (enterprise, f"/api/v1/needs/{match.need_id}/matches/"),
        (researcher, f"/api/v1/results/{match.result_id}/matches/"),
    ):
        response = api(user).get(url, {name: value})
        assert response.status_code == 400
        assert list(response.json()) == [name]


@pytest.mark.parametrize(("name", "value"), MATCH_BAD)
def test_the_match_list_on_a_listing_page_refuses_an_unknown_filter_value(
    client, pair, name, value
):
    match, enterprise, _researcher = pair
    client.force_login(enterprise)
    response = client.get(f"/needs/{match.need_id}/", {name: value})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="match_filters_error"' in html and f"{name}: " in html
    assert f'id="match-{match.pk}"' not in html


def test_the_match_filters_keep_what_they_know(pair):
    match, enterprise, _researcher = pair
    url = f"/api/v1/needs/{match.need_id}/matches/"
    client = api(enterprise)
    assert [m["id"] for m in client.get(url, {"fit_category": "1"}).json()] == [match.pk]
    assert [m["id"] for m in client.get(url, {"fit_category": "true"}).json()] == [match.pk]
    assert client.get(url, {"fit_price": "1"}).json() == []
    assert [m["id"] for m in client.get(url, {"fit_price": "false"}).json()] == [match.pk]
    assert [m["id"] for m in client.get(url, {"state": ["suggested", "shortlisted"]}).json()] == [
        match.pk
    ]
    assert client.get(url, {"state": "shortlisted"}).json() == []


# -- statistics ----------------------------------------------------------------------------------

STATS_BAD = [
    ("year_to", "abc"),
    ("year_from", "0" * 30),
    ("region_group", "middle"),
    ("province", "99"),
    ("category", "?"),
    ("station", "9" * 24),
]


@pytest.mark.parametrize(("name", "value"), STATS_BAD)
def test_the_statistics_api_refuses_an_unknown_filter_value(name, value):
    admin = UserFactory(is_staff=True, is_superuser=True)
    response = api(admin).get("/api/v1/stats/funnel/", {name: value})
    assert response.status_code == 400
    assert list(response.json()) == [name]


@pytest.mark.parametrize(("name", "value"), STATS_BAD)
def test_the_statistics_page_refuses_an_unknown_filter_value_beside_the_filter(client, name, value):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get("/stats/", {name: value})
    assert response.status_code == 400
    assert f'id="stat-{name}-error"' in response.content.decode()
    export = client.get("/stats/export.csv", {"figure": "funnel", name: value})
    assert export.status_code == 400 and export.content.decode().startswith(f"{name}: ")


def test_the_statistics_filters_still_take_known_values(client):
    station = OrganisationFactory(kind=OrganisationKind.STATION)
    admin = UserFactory(is_staff=True, is_superuser=True)
    params = {
        "year_from": "2024",
        "year_to": "2025",
        "region_group": "western",
        "province": "520000",
        "category": "cold-storage",
        "station": str(station.pk),
    }
    assert api(admin).get("/api/v1/stats/funnel/", params).status_code == 200
    client.force_login(admin)
    assert client.get("/stats/", params).status_code == 200
    assert api(admin).get("/api/v1/stats/funnel/", {"province": "52"}).status_code == 200
    response = api(admin).get("/api/v1/stats/funnel/", {"year_from": "2026", "year_to": "2025"})
    assert response.status_code == 400 and list(response.json()) == ["year_to"]


# -- the station board: county, category, staff, station ---------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [("county", "110101"), ("county", "abc"), ("category", "nope"), ("staff", "999999")],
)
def test_the_station_board_refuses_an_unknown_filter_value_beside_the_filter(client, name, value):
    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    client.force_login(member_of(station))
    response = client.get("/station/", {name: value})
    assert response.status_code == 400
    assert f'id="board-{name}-error"' in response.content.decode()


def test_the_station_board_refuses_a_station_the_user_is_not_staff_of(client):
    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    other = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    client.force_login(member_of(station))
    response = client.get("/station/", {"station": other.pk})
    assert response.status_code == 400
    assert 'id="board-station-error"' in response.content.decode()


def test_the_station_board_takes_a_covered_county_its_staff_and_a_category(client):
    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522600"])
    staff = member_of(station)
    client.force_login(staff)
    params = {"county": "522634", "category": "cold-storage", "staff": str(staff.pk)}
    assert client.get("/station/", params).status_code == 200


# -- station pages without a filter form, and a fair's participants ------------------------------


def test_the_training_list_refuses_a_station_or_enterprise_it_does_not_know(client):
    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    other = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    client.force_login(member_of(station))
    assert client.get("/trainings/").status_code == 200
    assert client.get("/trainings/", {"station": other.pk}).status_code == 400
    assert client.get("/trainings/", {"enterprise": "abc"}).status_code == 400
    assert client.get("/trainings/new/", {"station": other.pk}).status_code == 400


@pytest.mark.parametrize(("name", "value"), [("kind", "station"), ("province", "990000")])
def test_a_fair_s_participant_list_refuses_an_unknown_filter_value(client, name, value):
    from tests.factories import RegistrationFactory

    registration = RegistrationFactory()
    RegistrationFactory(fair=registration.fair)
    client.force_login(registration.registered_by)
    url = f"/fairs/{registration.fair.pk}/participants/"
    response = client.get(url, {name: value})
    assert response.status_code == 400
    assert f'id="participants-{name}-error"' in response.content.decode()
    assert client.get(url, {"kind": "enterprise", "province": "520000"}).status_code == 200
