"""Statistics on a world small enough to compute on paper."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from accounts.enums import OrganisationKind
from matchmaking import stats
from matchmaking.models import Match, MatchEvent
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(year, month=6):
    return datetime(year, month, 1, 12, tzinfo=TZ)


def adopt(result, enterprise, year):
    match = Match.objects.create(
        need=NeedFactory(organisation=enterprise),
        result=result,
        score=0.5,
        text_score=0.5,
        structured_score=0.5,
        matcher_version="t",
        state="adopted",
    )
    Match.objects.filter(pk=match.pk).update(state_changed_at=at(year, 9))
    MatchEvent.objects.create(match=match, from_state="on_trial", to_state="adopted")
    return match


@pytest.fixture
def world():
    east = OrganisationFactory(kind=OrganisationKind.INSTITUTION, region_id="330106")
    west = OrganisationFactory(kind=OrganisationKind.INSTITUTION, region_id="510107")
    sichuan = OrganisationFactory(region_id="510131")
    guizhou = OrganisationFactory(region_id="522634")
    jiangsu = OrganisationFactory(region_id="320102")
    r1 = ResultFactory(organisation=east, published_at=at(2025))
    r2 = ResultFactory(organisation=east, published_at=at(2025))
    r3 = ResultFactory(organisation=west, published_at=at(2025))
    ResultFactory(organisation=east, published_at=at(2025), status="withdrawn")
    ResultFactory(organisation=east, published_at=at(2024))
    ResultFactory(organisation=east, published_at=None, status="draft")  # never listed
    adopt(r1, sichuan, 2025)
    adopt(r1, guizhou, 2026)  # adopted twice: counts once
    adopt(r3, guizhou, 2025)  # from a western institution: not in the eastern rate
    adopt(r2, jiangsu, 2025)  # adopted in the east: not central/western
    return locals()


def test_the_transfer_rate_by_year_listed(world):
    figure = stats.transfer_rate(stats.Filters(year_from=2025, year_to=2025))
    assert (figure["listed"], figure["adopted"], figure["rate"]) == (4, 2, 0.5)
    assert (figure["eastern_listed"], figure["eastern_adopted"], figure["eastern_rate"]) == (
        3,
        1,
        0.3333,
    )


def test_all_years_and_the_year_adopted(world):
    figure = stats.transfer_rate(stats.Filters())
    assert (figure["listed"], figure["adopted"]) == (5, 2)
    by_year = {row["year"]: row for row in figure["by_year"]}
    assert (by_year[2024]["listed"], by_year[2024]["adopted"]) == (1, 0)
    assert (by_year[2025]["adopted_that_year"], by_year[2025]["rate_by_year_adopted"]) == (2, 0.5)


def test_a_province_filter_counts_adoptions_there_only(world):
    figure = stats.transfer_rate(stats.Filters(year_from=2025, year_to=2025, province="51"))
    assert (figure["listed"], figure["adopted"], figure["rate"]) == (4, 1, 0.25)


def test_the_origin_destination_matrix(world):
    rows = {row["origin"]: row["cells"] for row in stats.region_matrix(stats.Filters())}
    # columns: eastern, central, western, north-eastern
    assert rows["eastern"] == [1, 0, 1, 0]
    assert rows["western"] == [0, 0, 1, 0]


def test_the_funnel_counts_later_stages_as_passing_earlier_ones(world):
    rows = {row["stage"]: row for row in stats.funnel(stats.Filters())}
    assert rows["suggested"]["reached"] == 4
    assert rows["shortlisted"]["reached"] == 4
    assert rows["adopted"]["reached"] == 4
    assert rows["adopted"]["conversion"] == 1.0


def test_adoption_costs_add_up_in_the_database(world):
    from matchmaking.services import stations as station_services

    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    staff = member_of(station)
    match = Match.objects.filter(need__organisation__region_id="522634").first()
    Match.objects.filter(pk=match.pk).update(state="on_trial")
    station_services.adoption_cost_record(
        match=match,
        by=staff,
        data={
            "equipment": Decimal("100000"),
            "reference_cost": Decimal("150000"),
            "reference_source": "报价",
            "special_fund": Decimal("10000"),
        },
    )
    figure = stats.adoption_costs(stats.Filters())
    assert (figure["n"], figure["saving"], figure["subsidies"]) == (
        1,
        Decimal("60000.00"),
        Decimal("10000.00"),
    )


def test_only_admins_and_authorities_see_everything_and_stations_their_own(world):
    api = APIClient()
    api.force_authenticate(UserFactory(is_staff=True))
    body = api.get("/api/v1/stats/transfer-rate/", {"year_from": 2025, "year_to": 2025}).json()
    assert body["rows"][-2][:3] == ["全部", 4, 2] or body["rows"][-2][:3] == ["All", 4, 2]
    authority = member_of(OrganisationFactory(kind=OrganisationKind.AUTHORITY))
    api.force_authenticate(authority)
    assert api.get("/api/v1/stats/funnel/").status_code == 200
    staff = member_of(OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"]))
    api.force_authenticate(staff)
    assert api.get("/api/v1/stats/funnel/").status_code == 200
    assert api.get("/api/v1/stats/transfer-rate/").status_code == 403
    api.force_authenticate(member_of(OrganisationFactory()))
    assert api.get("/api/v1/stats/funnel/").status_code == 403


def test_the_public_page_shows_headline_numbers_without_organisations(client, world):
    html = client.get("/stats/public/").content.decode()
    assert "40.0%" in html  # 2 adopted of 5 listed
    assert world["east"].name not in html


def test_the_funnel_gives_the_median_days_between_stages():
    need, result = NeedFactory(), ResultFactory()
    for days, extra in ((2, 0), (4, 1), (9, 2)):
        match = Match.objects.create(
            need=NeedFactory(organisation=need.organisation),
            result=result,
            score=0.5,
            text_score=0.5,
            structured_score=0.5,
            matcher_version="t",
            state="contacted",
        )
        shortlisted = MatchEvent.objects.create(
            match=match, from_state="suggested", to_state="shortlisted"
        )
        contacted = MatchEvent.objects.create(
            match=match, from_state="shortlisted", to_state="contacted"
        )
        MatchEvent.objects.filter(pk=shortlisted.pk).update(created_at=at(2026, 1))
        MatchEvent.objects.filter(pk=contacted.pk).update(
            created_at=at(2026, 1) + timedelta(days=days, hours=extra * 0)
        )
    rows = {row["stage"]: row for row in stats.funnel(stats.Filters())}
    assert rows["contacted"]["median_days"] == 4.0
    assert rows["contacted"]["reached"] == 3
