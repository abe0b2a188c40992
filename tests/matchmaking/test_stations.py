"""Service stations: records, the walk of the match through the workflow, and who may see what."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.enums import OrganisationKind
from matchmaking.models import Match
from matchmaking.stations import selectors as station_selectors
from matchmaking.stations import services as stations
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, member_of

pytestmark = pytest.mark.django_db

EVALUATION = {
    "technical_feasibility": 4,
    "economic_feasibility": 3,
    "capability_fit": 4,
    "risks": "冷库电费偏高",
    "recommendation": "with_conditions",
    "report": "建议先试用一季。",
    "staff_hours": Decimal("6.5"),
}
COST = {
    "licence_fee": Decimal("30000"),
    "equipment": Decimal("90000"),
    "integration": Decimal("0"),
    "training": Decimal("2000"),
    "maintenance": Decimal("3000"),
    "reference_cost": Decimal("200000"),
    "reference_source": "两家冷库厂商 2026 年报价",
    "special_fund": Decimal("20000"),
    "loan_principal": Decimal("100000"),
    "loan_rate": Decimal("3.65"),
    "loan_months": 12,
}


@pytest.fixture
def world():
    enterprise = OrganisationFactory(region_id="522634")
    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    other_station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["510131"])
    match = Match.objects.create(
        need=NeedFactory(organisation=enterprise),
        result=ResultFactory(organisation=OrganisationFactory(kind=OrganisationKind.INSTITUTION)),
        score=0.7,
        text_score=0.6,
        structured_score=0.8,
        matcher_version="t",
    )
    return {
        "match": match,
        "enterprise": enterprise,
        "station": station,
        "staff": member_of(station),
        "other_staff": member_of(other_station),
        "member": member_of(enterprise),
        "researcher": member_of(match.result.organisation),
    }


def test_filing_an_evaluation_moves_the_match_to_evaluating_with_history(world):
    evaluation = stations.evaluation_create(
        match=world["match"], by=world["staff"], data=dict(EVALUATION)
    )
    match = Match.objects.get(pk=world["match"].pk)
    assert evaluation.station == world["station"]
    assert match.state == "evaluating"
    assert list(match.events.values_list("from_state", "to_state")) == [("suggested", "evaluating")]


def test_a_plan_moves_the_match_on_and_revisions_keep_the_old_versions(world):
    stations.evaluation_create(match=world["match"], by=world["staff"], data=dict(EVALUATION))
    first = stations.plan_create(
        match=world["match"],
        by=world["staff"],
        data={
            "summary": "先建小冷库",
            "steps": [{"title": "选址", "owner": "吴", "due": "2027-03-01"}],
            "cost_lines": [
                {"item": "冷库", "amount": "80000"},
                {"item": "安装", "amount": "5000.50"},
            ],
            "staff_hours": Decimal("3"),
        },
    )
    second = stations.plan_create(
        match=world["match"],
        by=world["staff"],
        data={
            "summary": "改用移动冷库",
            "steps": [{"title": "租赁", "owner": "吴", "due": ""}],
            "cost_lines": [{"item": "租金", "amount": "20000"}],
            "staff_hours": Decimal("1"),
        },
    )
    assert (first.version, first.total_quoted, second.version) == (1, Decimal("85000.50"), 2)
    assert Match.objects.get(pk=world["match"].pk).state == "solution_proposed"
    assert world["match"].plans.count() == 2


def test_recording_the_adoption_cost_computes_the_saving_and_adopts(world):
    cost = stations.adoption_cost_record(match=world["match"], by=world["staff"], data=dict(COST))
    assert cost.total_cost == Decimal("125000.00")
    assert cost.loan_subsidy == Decimal("3650.00")
    assert cost.net_outlay == Decimal("101350.00")
    assert cost.saving == Decimal("98650.00")
    assert cost.saving_percent == Decimal("49.33")
    match = Match.objects.get(pk=world["match"].pk)
    assert match.state == "adopted"
    assert [e.to_state for e in match.events.all()] == [
        "evaluating",
        "solution_proposed",
        "on_trial",
        "adopted",
    ]


def test_subsidies_above_the_cost_are_refused_on_the_field(world):
    with pytest.raises(ValidationError) as error:
        stations.adoption_cost_record(
            match=world["match"],
            by=world["staff"],
            data={**COST, "special_fund": Decimal("500000")},
        )
    assert list(error.value.message_dict) == ["special_fund"]
    assert Match.objects.get(pk=world["match"].pk).state == "suggested"


def test_staff_of_another_station_cannot_file_records(world):
    with pytest.raises(PermissionDenied):
        stations.evaluation_create(
            match=world["match"], by=world["other_staff"], data=dict(EVALUATION)
        )
    with pytest.raises(PermissionDenied):
        stations.adoption_cost_record(match=world["match"], by=world["member"], data=dict(COST))


def test_a_training_counts_its_people(world):
    session = stations.training_create(
        station=world["station"],
        by=world["staff"],
        data={
            "date": "2026-11-20",
            "place": "雷山县电商服务中心",
            "topic": "冷库使用",
            "trainer": "吴志强",
            "staff_hours": Decimal("4"),
        },
        attendances=[(world["enterprise"], 12), (OrganisationFactory(), 5)],
    )
    assert session.people_trained == 17
    with pytest.raises(PermissionDenied):
        stations.training_create(
            station=world["station"],
            by=world["other_staff"],
            data={"date": "2026-11-21", "place": "x", "topic": "y", "trainer": "z"},
            attendances=[(world["enterprise"], 1)],
        )


def test_who_opens_each_record_by_url(client, world):
    evaluation = stations.evaluation_create(
        match=world["match"], by=world["staff"], data=dict(EVALUATION)
    )
    plan = stations.plan_create(
        match=world["match"],
        by=world["staff"],
        data={
            "summary": "s",
            "steps": [{"title": "t", "owner": "o", "due": ""}],
            "cost_lines": [],
            "staff_hours": 1,
        },
    )
    cost = stations.adoption_cost_record(match=world["match"], by=world["staff"], data=dict(COST))
    session = stations.training_create(
        station=world["station"],
        by=world["staff"],
        data={"date": "2026-11-20", "place": "p", "topic": "t", "trainer": "r"},
        attendances=[(world["enterprise"], 3)],
    )
    urls = [
        reverse("evaluation-detail", args=[evaluation.pk]),
        reverse("plan-detail", args=[plan.pk]),
        reverse("adoption-cost-detail", args=[cost.pk]),
        reverse("training-detail", args=[session.pk]),
    ]
    for user, expected in (
        (world["staff"], 200),
        (world["member"], 200),
        (world["other_staff"], 403),
        (world["researcher"], 403),
    ):
        client.force_login(user)
        assert [client.get(url).status_code for url in urls] == [expected] * 4, user
    client.force_login(world["other_staff"])
    for name in ("evaluation-create", "plan-create", "adoption-cost"):
        assert client.get(reverse(name, args=[world["match"].pk])).status_code == 403


def test_the_board_shows_only_the_station_s_counties(client, world):
    far = Match.objects.create(
        need=NeedFactory(organisation=OrganisationFactory(region_id="510131")),
        result=world["match"].result,
        score=0.5,
        text_score=0.5,
        structured_score=0.5,
        matcher_version="t",
        state="shortlisted",
    )
    Match.objects.filter(pk=world["match"].pk).update(state="shortlisted")
    client.force_login(world["staff"])
    html = client.get(reverse("station-board")).content.decode()
    assert reverse("match-detail", args=[world["match"].pk]) in html
    assert reverse("match-detail", args=[far.pk]) not in html


def test_a_long_board_column_shows_the_longest_waiting_and_counts_them_all(
    client, world, monkeypatch
):
    monkeypatch.setattr(station_selectors, "BOARD_COLUMN_SIZE", 2)
    matches = [world["match"]] + [
        Match.objects.create(
            need=NeedFactory(organisation=world["enterprise"]),
            result=world["match"].result,
            score=0.5,
            text_score=0.5,
            structured_score=0.5,
            matcher_version="t",
        )
        for _ in range(2)
    ]
    now = timezone.now()
    for days, match in zip((3, 9, 1), matches, strict=True):
        Match.objects.filter(pk=match.pk).update(
            state="shortlisted", state_changed_at=now - timedelta(days=days)
        )
    client.force_login(world["staff"])
    html = client.get(reverse("station-board")).content.decode()
    column = html.split('aria-label="已入围"')[1].split("</section>")[0]
    waited_9_days, waited_3_days, waited_1_day = matches[1], matches[0], matches[2]
    assert column.index(f"/matches/{waited_9_days.pk}/") < column.index(
        f"/matches/{waited_3_days.pk}/"
    )
    assert f"/matches/{waited_1_day.pk}/" not in column
    assert '<span class="badge">3</span>' in column


def test_the_board_filtered_by_a_staff_member_shows_the_matches_they_worked_on(client, world):
    stations.evaluation_create(match=world["match"], by=world["staff"], data=dict(EVALUATION))
    untouched = Match.objects.create(
        need=NeedFactory(organisation=world["enterprise"]),
        result=world["match"].result,
        score=0.5,
        text_score=0.5,
        structured_score=0.5,
        matcher_version="t",
        state="shortlisted",
    )
    client.force_login(world["staff"])
    html = client.get(reverse("station-board"), {"staff": world["staff"].pk}).content.decode()
    assert html.count(f'href="/matches/{world["match"].pk}/"') == 1
    assert f"/matches/{untouched.pk}/" not in html


def test_the_api_shows_records_to_their_station_and_enterprise_only(world):
    stations.evaluation_create(match=world["match"], by=world["staff"], data=dict(EVALUATION))
    for user, count in ((world["staff"], 1), (world["member"], 1), (world["other_staff"], 0)):
        api = APIClient()
        api.force_authenticate(user)
        assert api.get("/api/v1/evaluations/").json()["count"] == count


def test_the_api_files_an_adoption_cost_and_names_bad_fields(world):
    api = APIClient()
    api.force_authenticate(world["staff"])
    body = {k: str(v) for k, v in COST.items()} | {"match": world["match"].pk}
    bad = api.post("/api/v1/adoption-costs/", body | {"special_fund": "900000"}, format="json")
    assert bad.status_code == 400 and "special_fund" in bad.json()
    good = api.post("/api/v1/adoption-costs/", body, format="json")
    assert good.status_code == 201 and good.json()["saving"] == "98650.00"


def test_another_station_s_match_on_the_training_form_is_refused_without_naming_it(client, world):
    from matchmaking.models import TrainingSession

    world["enterprise"].name = "雷山县保密茶叶合作社"
    world["enterprise"].save()
    own = OrganisationFactory(name="蒲江县猕猴桃合作社", region_id="510131")
    client.force_login(world["other_staff"])
    response = client.post(
        reverse("training-create"),
        {
            "date": "2026-11-20",
            "place": "蒲江县电商服务中心",
            "topic": "冷库使用",
            "trainer": "吴志强",
            "staff_hours": "4",
            "attendance": f"{own.name} | 12",
            "matches": [str(world["match"].pk)],
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Select a valid choice. One of the matches is not one of the available choices."
    ]
    assert "雷山县保密茶叶合作社" not in response.content.decode()
    assert not TrainingSession.objects.exists()


def test_the_board_reads_its_cards_in_the_same_queries_however_many_there_are(client, world):
    def board_queries() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            html = client.get(reverse("station-board")).content.decode()
        return len(queries), html

    Match.objects.filter(pk=world["match"].pk).update(state="shortlisted")
    client.force_login(world["staff"])
    board_queries()  # the user's memberships and unread count are kept from the first request
    one, _html = board_queries()
    for state in ("shortlisted", "evaluating", "on_trial"):
        Match.objects.create(
            need=NeedFactory(organisation=world["enterprise"], title=f"{state}的需求"),
            result=world["match"].result,
            score=0.5,
            text_score=0.5,
            structured_score=0.5,
            matcher_version="t",
            state=state,
        )
    four, html = board_queries()
    assert four == one
    for state in ("shortlisted", "evaluating", "on_trial"):
        assert f"{state}的需求" in html
    assert world["match"].result.title in html
    assert world["enterprise"].name in html
