"""Statistics on a world small enough to compute on paper."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from accounts.enums import OrganisationKind
from matchmaking.matches import states as matches_states
from matchmaking.matches.services import match_request_contact, match_transition
from matchmaking.models import Match, MatchEvent
from matchmaking.stats import selectors as stats
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(year, month=6):
    return datetime(year, month, 1, 12, tzinfo=TZ)


def suggest(need, result):
    return Match.objects.create(
        need=need,
        result=result,
        score=0.5,
        text_score=0.5,
        structured_score=0.5,
        matcher_version="t",
    )


def walk(match, *states):
    """Move the match through the workflow service, as an administrator would ("contacted"
    by the contact request that leads there)."""
    admin = UserFactory(is_staff=True, is_superuser=True)
    for state in states:
        if state == "contacted":
            match = match_request_contact(match=match, by=admin, message="想了解价格")
        else:
            match = match_transition(match=match, to=state, by=admin)
    return match


def backdate(match, **moments):
    """When the match reached its stages (the service stamps the present)."""
    Match.objects.filter(pk=match.pk).update(**moments)


def adopt(result, enterprise, year):
    match = walk(
        suggest(NeedFactory(organisation=enterprise), result),
        "contacted",
        "solution_proposed",
        "on_trial",
        "adopted",
    )
    backdate(match, adopted_at=at(year, 9), state_changed_at=at(year, 9))
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
    from matchmaking.stations import services as station_services

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
    for days in (2, 4, 9):
        match = walk(suggest(NeedFactory(organisation=need.organisation), result), "shortlisted")
        match = walk(match, "contacted")
        backdate(
            match,
            shortlisted_at=at(2026, 1),
            contacted_at=at(2026, 1) + timedelta(days=days),
        )
    rows = {row["stage"]: row for row in stats.funnel(stats.Filters())}
    assert rows["contacted"]["median_days"] == 4.0
    assert rows["contacted"]["reached"] == 3
    assert rows["shortlisted"]["conversion"] == 1.0


def test_a_declined_match_still_counts_for_the_stages_it_passed():
    match = walk(suggest(NeedFactory(), ResultFactory()), "shortlisted", "suggested")
    first_shortlisted = Match.objects.get(pk=match.pk).shortlisted_at
    walk(match, "shortlisted", "contacted", "declined")
    stored = Match.objects.get(pk=match.pk)
    assert stored.shortlisted_at == first_shortlisted  # the first arrival, not the second
    assert stored.furthest_stage == matches_states.FORWARD.index("contacted")
    rows = {row["stage"]: row["reached"] for row in stats.funnel(stats.Filters())}
    assert (rows["suggested"], rows["shortlisted"], rows["contacted"], rows["evaluating"]) == (
        1,
        1,
        1,
        0,
    )
    # The stored milestones agree with the match's own history of events.
    assert set(MatchEvent.objects.filter(match=match).values_list("to_state", flat=True)) == {
        "shortlisted",
        "suggested",
        "contacted",
        "declined",
    }


def test_the_funnel_by_category_province_and_station(world):
    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522600"])  # 黔东南州
    other = OrganisationFactory(kind=OrganisationKind.STATION, covered=["320000"])  # 江苏省
    walk(suggest(NeedFactory(organisation=world["guizhou"]), world["r2"]), "shortlisted")
    by_province = {r["name"]: r["reached"] for r in stats.funnel_by(stats.Filters(), "province")}
    # Guizhou: two adoptions and one shortlisted match; Sichuan and Jiangsu: one adoption each.
    assert by_province["贵州省"] == [3, 3, 2, 2, 2, 2, 2]
    assert by_province["四川省"] == [1, 1, 1, 1, 1, 1, 1]
    assert by_province["江苏省"] == [1, 1, 1, 1, 1, 1, 1]
    by_station = {r["name"]: r for r in stats.funnel_by(stats.Filters(), "station")}
    assert by_station[station.name]["reached"] == [3, 3, 2, 2, 2, 2, 2]
    assert by_station[station.name]["rate"] == round(2 / 3, 4)
    assert by_station[other.name]["reached"][0] == 1
    by_category = stats.funnel_by(stats.Filters(), "category")
    assert sum(r["reached"][0] for r in by_category) == 5
    assert sum(r["reached"][-1] for r in by_category) == 4


def test_fair_outcomes_per_fair():
    from tests.factories import (
        FairFactory,
        MeetingFactory,
        MeetingRequestFactory,
        RegistrationFactory,
    )

    fair, other_fair = FairFactory(), FairFactory()
    people = RegistrationFactory.create_batch(3, fair=fair)
    people.append(RegistrationFactory(fair=fair, checked_in_at=at(2026, 5)))

    def meeting(a, b, slot, **fields):
        request = MeetingRequestFactory(fair=fair, requester=people[a], recipient=people[b])
        return MeetingFactory(fair=fair, request=request, slot=slot, **fields)

    meeting(0, 1, 0, status="held", outcome="follow_up")
    meeting(0, 2, 1, status="no_show")
    meeting(1, 3, 2, status="cancelled")
    MeetingRequestFactory(fair=fair, requester=people[2], recipient=people[3], status="pending")
    RegistrationFactory(fair=other_fair)
    rows = {row["fair"]: row for row in stats.fair_outcomes(stats.Filters())}
    row = rows[fair.name]
    assert (row["registrations"], row["checked_in"]) == (4, 1)
    assert (row["requests"], row["accepted"]) == (4, 3)
    assert (row["scheduled"], row["held"], row["no_shows"], row["follow_ups"]) == (2, 1, 1, 1)
    assert (rows[other_fair.name]["registrations"], rows[other_fair.name]["scheduled"]) == (1, 0)


def test_odd_filter_values_are_refused_naming_the_parameter_not_fatal(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for params in ({"category": "?"}, {"station": "9" * 24}, {"year_from": "0" * 30}):
        assert client.get("/stats/", params).status_code == 400
        response = client.get("/api/v1/stats/funnel/", params)
        assert response.status_code == 400 and list(response.json()) == list(params)
    # A NUL never gets this far: config.middleware refuses it for every page.
    assert client.get("/stats/", {"category": "\x00"}).status_code == 400


def test_station_activity_adds_up_records_and_hours_per_station_and_month(world):
    from matchmaking.stations import services as station_services

    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    staff = member_of(station)
    match = Match.objects.filter(need__organisation__region_id="522634").first()
    station_services.evaluation_create(
        match=match,
        by=staff,
        data={
            "technical_feasibility": 4,
            "economic_feasibility": 3,
            "capability_fit": 4,
            "risks": "电费",
            "recommendation": "recommend",
            "report": "现场评估。",
            "staff_hours": Decimal("6.5"),
        },
    )
    station_services.plan_create(
        match=match,
        by=staff,
        data={
            "summary": "分两期实施。",
            "steps": [{"title": "试点一个村", "owner": "张三", "due": "2027-03-01"}],
            "cost_lines": [],
            "staff_hours": Decimal("2"),
        },
    )
    (row,) = stats.station_activity(stats.Filters(station=station.pk))
    assert (row["station"], row["evaluations"], row["plans"], row["trainings"]) == (
        station.name,
        1,
        1,
        0,
    )
    assert row["hours"] == Decimal("8.5")
