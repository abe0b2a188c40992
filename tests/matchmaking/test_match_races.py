"""Two station staff move the same match at the same moment: real threads, real transactions.

To be sure that both requests are in flight together, the test holds the match's row lock
while they start, waits until both are queued behind it, then lets go: they race for the row
as two people clicking at once would.
"""

import threading
import time

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from accounts.enums import OrganisationKind
from matchmaking.matches.services import MatchConflict
from matchmaking.models import Match, MatchEvent
from tests.conftest import require, using_postgres, worker_database_url
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, member_of


@pytest.fixture
def match_and_two_staff(committed_db):
    require(using_postgres(), "PostgreSQL: set DATABASE_URL=postgres://…")
    enterprise = OrganisationFactory(region_id="522634")
    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    match = Match.objects.create(
        need=NeedFactory(organisation=enterprise, created_by=member_of(enterprise)),
        result=ResultFactory(organisation=OrganisationFactory(kind=OrganisationKind.INSTITUTION)),
        score=0.8,
        text_score=0.7,
        structured_score=0.9,
        matcher_version="t",
    )
    return match, member_of(station), member_of(station)


def _waiting_for_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def _at_once(match: Match, requests) -> list:
    """Run the requests in threads, all of them started while the match's row is locked."""
    responses = [None] * len(requests)
    barrier = threading.Barrier(len(requests))

    def run(i):
        try:
            barrier.wait()
            responses[i] = requests[i]()
        finally:
            connection.close()  # each thread has its own connection

    with psycopg.connect(worker_database_url()) as holder:
        holder.execute("SELECT 1 FROM matchmaking_match WHERE id = %s FOR UPDATE", [match.pk])
        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(requests))]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while _waiting_for_a_lock() < len(requests) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _waiting_for_a_lock() == len(requests), "the requests did not reach the match"
        holder.rollback()  # let go: the two race for the row
    for thread in threads:
        thread.join(timeout=20)
    return responses


def test_two_staff_moving_a_match_on_the_board_one_wins_the_other_is_told(match_and_two_staff):
    match, first, second = match_and_two_staff
    clients = {}
    for user, target in ((first, "shortlisted"), (second, "evaluating")):
        client = Client()
        client.force_login(user)
        clients[target] = client

    def move(target):
        return lambda: clients[target].post(
            f"/matches/{match.pk}/act/",
            {"to": target, "expected_state": "suggested", "next": "/station/"},
        )

    responses = _at_once(match, [move("shortlisted"), move("evaluating")])

    assert [r.status_code for r in responses] == [302, 302]
    match.refresh_from_db()
    winner = match.state
    loser = "evaluating" if winner == "shortlisted" else "shortlisted"
    assert winner in {"shortlisted", "evaluating"}
    event = MatchEvent.objects.get(match=match)
    assert (event.from_state, event.to_state, event.actor) == (
        "suggested",
        winner,
        first if winner == "shortlisted" else second,
    )
    with translation.override("zh-hans"):
        conflict = MatchConflict(winner).messages[0]
    told = clients[loser].get(f"/matches/{match.pk}/").content.decode()
    assert conflict in told
    assert conflict not in clients[winner].get(f"/matches/{match.pk}/").content.decode()


def test_two_staff_moving_a_match_through_the_api_the_second_gets_409(match_and_two_staff):
    match, first, second = match_and_two_staff

    def move(user, target):
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.force_authenticate(user)
        return lambda: client.post(
            f"/api/v1/matches/{match.pk}/transition/",
            {"to": target, "expected_state": "suggested"},
            format="json",
        )

    responses = _at_once(match, [move(first, "shortlisted"), move(second, "evaluating")])

    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 409]
    won = next(r.json() for r in responses if r.status_code == 200)
    refused = next(r.json() for r in responses if r.status_code == 409)
    match.refresh_from_db()
    assert won["state"] == match.state
    with translation.override("en"):
        assert refused == {
            "state": MatchConflict(match.state).messages,
            "current_state": match.state,
        }
    assert "Someone else" in refused["state"][0]
    assert MatchEvent.objects.filter(match=match).count() == 1
