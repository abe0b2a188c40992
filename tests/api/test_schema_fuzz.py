"""Every API operation answers what its OpenAPI schema says, whoever asks and whatever they send.

schemathesis reads the schema the site serves at /api/schema/ and, for each operation, generates
requests from it: valid ones and (negative cases) ones that break it, a wrong type, a missing
field, a value out of range. Each is sent through the site's WSGI application to the real test
database, as one of the five roles (drawn with the request, so every role meets every
operation), with half of the valid requests aimed at rows that exist: the role's own
organisation, a published need and result, their match and the station's records on it.
Otherwise nearly every request would stop at "no such object".

Each response must not be a server error, must have a status code the schema documents for the
operation, and must have the documented content type and a body that matches the documented
schema, errors included (a 400 names the fields, other errors have a detail); a request the
schema forbids must be refused with a 4xx. Examples per operation are bounded and
derandomised, so a run is the same every time and takes well under a minute.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.enums import MembershipRole, OrganisationKind
from config.wsgi import application
from matchmaking.fairs import services as fairs
from matchmaking.models import AdoptionCost, Fair, Match, Meeting
from matchmaking.stations import services as stations
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, UserFactory, member_of

ROLES = ("anonymous", "enterprise", "researcher", "station", "admin")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
EXAMPLES_PER_OPERATION = 40
PASSWORD = "pw-Nongqiao-2026"  # tests/factories.py

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
# Examples and random generation; the coverage phase's hundreds of boundary cases per
# operation would take minutes.
schema.config.phases.update(phases=["examples", "fuzzing"])


@pytest.fixture
def world(db, monkeypatch, request):
    """One of each role, with the rows their requests can reach; tokens by role."""
    # Thousands of requests a minute from one client are this test's point, not an abuse.
    monkeypatch.setattr(AnonRateThrottle, "rate", "100000/min", raising=False)
    monkeypatch.setattr(UserRateThrottle, "rate", "100000/min", raising=False)
    # Django's test client does the same: requests must not close the test's connection,
    # whose transaction holds every row of the test.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
        request.addfinalizer(lambda signal=signal: signal.connect(close_old_connections))

    enterprise = OrganisationFactory(region_id="522634")
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    users = {
        "enterprise": member_of(enterprise, MembershipRole.OWNER),
        "researcher": member_of(institution, MembershipRole.OWNER),
        "station": member_of(station),
        "admin": UserFactory(is_staff=True, is_superuser=True),
    }
    need = NeedFactory(organisation=enterprise, created_by=users["enterprise"])
    result = ResultFactory(organisation=institution, created_by=users["researcher"])
    match = Match.objects.create(
        need=need,
        result=result,
        score=0.8,
        text_score=0.7,
        structured_score=0.9,
        matcher_version="t",
        explanation={"terms": [["冷链", 0.5]], "fits": {"price": {"reason": "price_unknown"}}},
    )
    evaluation = stations.evaluation_create(
        match=match,
        by=users["station"],
        data={
            "technical_feasibility": 4,
            "economic_feasibility": 3,
            "capability_fit": 4,
            "risks": "冷库电费偏高",
            "recommendation": "with_conditions",
            "report": "建议先试用一季。",
            "staff_hours": Decimal("6.5"),
        },
    )
    plan = stations.plan_create(
        match=match,
        by=users["station"],
        data={
            "summary": "先建小冷库",
            "steps": [{"title": "选址", "owner": "吴", "due": "2027-03-01"}],
            "cost_lines": [{"item": "冷库", "amount": "80000"}],
            "staff_hours": Decimal("3"),
        },
    )
    training = stations.training_create(
        station=station,
        by=users["station"],
        data={"date": "2026-05-01", "place": "雷山", "topic": "冷链", "trainer": "吴"},
        attendances=[(enterprise, 12)],
    )
    fair = Fair.objects.create(
        name="模糊测试对接会",
        year=2026,
        city="成都",
        venue="会展中心",
        first_day=date(2026, 12, 10),
        registration_opens=date(2026, 11, 1),
        registration_closes=date(2026, 12, 5),
        day_start=time(9),
        day_end=time(12),
        breaks=[["10:30", "11:00"]],
        tables=2,
        status="registration_open",
    )
    registrations = {
        side: fairs.registration_save(
            fair=fair,
            organisation=organisation,
            by=users[side],
            attendees="张三",
            available_slots=[],
        )
        for side, organisation in (("enterprise", enterprise), ("researcher", institution))
    }
    accepted = fairs.meeting_request_from_match(fair=fair, match=match, by=users["enterprise"])
    fairs.meeting_request_answer(request=accepted, by=users["researcher"], accept=True)
    meeting = Meeting.objects.create(request=accepted, fair=fair, slot=0, table=1)
    third = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    pending = fairs.meeting_request_create(
        fair=fair,
        requester=registrations["enterprise"],
        recipient=fairs.registration_save(
            fair=fair, organisation=third, by=users["admin"], attendees="李四", available_slots=[]
        ),
        by=users["enterprise"],
    )
    return {
        "tokens": {role: Token.objects.create(user=user).key for role, user in users.items()},
        "organisations": {
            "enterprise": enterprise.pk,
            "researcher": institution.pk,
            "station": station.pk,
        },
        "ids": {
            "needs": need.pk,
            "results": result.pk,
            "matches": match.pk,
            "evaluations": evaluation.pk,
            "plans": plan.pk,
            "adoption-costs": None,  # recorded by the requests themselves
            "trainings": training.pk,
            "fairs": fair.pk,
            "meeting-requests": pending.pk,
            "meetings": meeting.pk,
        },
        "fair": fair.pk,
        "registrations": {side: r.pk for side, r in registrations.items()},
        "match": match.pk,
        "users": users,
    }


def aim_at_existing_rows(case, world, role: str) -> None:
    """Point a valid request's path and body at rows that exist and that the role may use."""
    collection = case.operation.path.split("/")[3]
    path = case.path_parameters or {}
    if "id" in path:
        if collection == "adoption-costs":
            existing = AdoptionCost.objects.values_list("pk", flat=True).first()
            if existing is not None:
                path["id"] = str(existing)
        elif world["ids"].get(collection) is not None:
            path["id"] = str(world["ids"][collection])
    if "slug" in path:
        path["slug"] = "cold-storage"
    if "code" in path:
        path["code"] = "522634"
    body = case.body if isinstance(case.body, dict) else None
    if body is not None:
        if "organisation" in body:
            owner = "enterprise" if collection == "needs" else "researcher"
            body["organisation"] = world["organisations"][owner]
        if "username" in body and role != "anonymous":
            body["username"], body["password"] = world["users"][role].username, PASSWORD
        if "match" in body:
            body["match"] = world["match"]
        if "category" in body:
            body["category"] = "cold-storage"
        if "region" in body:
            body["region"] = "522634"
        if "fair" in body:
            body["fair"] = world["fair"]
        if "recipient" in body:
            body["recipient"] = world["registrations"]["researcher"]
        if "requester" in body:
            body["requester"] = world["registrations"]["enterprise"]
        if "registration" in body:
            body["registration"] = world["registrations"]["enterprise"]


@schema.parametrize()
@schema.given(role=st.sampled_from(ROLES), existing=st.booleans())
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
def test_every_operation_answers_as_its_schema_says(case, role, existing, world):
    if existing and case.meta is not None and case.meta.generation.mode.value == "positive":
        aim_at_existing_rows(case, world, role)
    headers = {"Authorization": f"Token {world['tokens'][role]}"} if role != "anonymous" else {}
    # Schemathesis calls the WSGI app directly and, unlike an HTTP client, does not undo the
    # gzip that the site applies for clients that accept it: ask for the body as it is.
    headers["Accept-Encoding"] = "identity"
    case.call_and_validate(headers=headers, checks=CHECKS)


def test_the_schema_documents_the_errors_of_every_operation():
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 38
    for operation in operations:
        documented = set(operation.definition.raw["responses"])
        assert {"400", "403"} <= documented, operation.label
        if operation.path_parameters:
            assert "404" in documented, operation.label
