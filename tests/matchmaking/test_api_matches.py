import pytest
from django.utils.translation import gettext_lazy
from rest_framework.test import APIClient

from accounts.enums import OrganisationKind
from matchmaking.models import Match
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, member_of

pytestmark = pytest.mark.django_db


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
        explanation={"terms": [["猕猴桃", 0.4]], "fits": {}},
    )
    return match, member_of(enterprise), member_of(institution)


def api(user=None):
    client = APIClient()
    if user:
        client.force_authenticate(user)
    return client


def test_each_side_reads_its_listing_s_matches_with_the_explanation(pair):
    match, enterprise, researcher = pair
    body = api(enterprise).get(f"/api/v1/needs/{match.need_id}/matches/").json()
    assert [m["id"] for m in body] == [match.pk]
    assert body[0]["explanation"]["terms"] == [["猕猴桃", 0.4]]
    assert (
        api(researcher).get(f"/api/v1/results/{match.result_id}/matches/").json()[0]["id"]
        == match.pk
    )


def test_others_cannot_read_a_listing_s_matches_or_a_match(pair):
    match, _enterprise, researcher = pair
    stranger = member_of(OrganisationFactory())
    assert api(researcher).get(f"/api/v1/needs/{match.need_id}/matches/").status_code == 403
    assert api(stranger).get(f"/api/v1/matches/{match.pk}/").status_code == 404
    assert api().get(f"/api/v1/matches/{match.pk}/").status_code in (401, 403)


def test_a_transition_through_the_api_and_its_events(pair):
    match, enterprise, _researcher = pair
    client = api(enterprise)
    response = client.post(
        f"/api/v1/matches/{match.pk}/transition/", {"to": "shortlisted"}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == "shortlisted"
    events = client.get(f"/api/v1/matches/{match.pk}/events/").json()
    assert [(e["from_state"], e["to_state"], e["actor"]) for e in events] == [
        ("suggested", "shortlisted", enterprise.username)
    ]


def test_an_illegal_transition_returns_400_with_a_message(pair):
    match, enterprise, _ = pair
    response = api(enterprise).post(
        f"/api/v1/matches/{match.pk}/transition/", {"to": "adopted"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["state"][0]


# The site speaks Chinese by default; the message is the translation of this.
CONTACT_WAY = gettext_lazy(
    "Request contact instead: the match becomes “contacted” through a contact request, with "
    "your message, that the researcher answers."
)


@pytest.mark.parametrize("first", [None, "shortlisted"])
def test_contacted_is_not_a_move_the_enterprise_makes_through_the_api(pair, first):
    match, enterprise, _researcher = pair
    client = api(enterprise)
    if first:
        client.post(f"/api/v1/matches/{match.pk}/transition/", {"to": first}, format="json")
    response = client.post(
        f"/api/v1/matches/{match.pk}/transition/", {"to": "contacted"}, format="json"
    )
    assert (response.status_code, response.json()) == (400, {"to": [str(CONTACT_WAY)]})
    match.refresh_from_db()
    assert (match.state, match.contact_status) == (first or "suggested", "")
    assert not match.events.filter(to_state="contacted").exists()


def test_the_wrong_side_gets_403(pair):
    match, _, researcher = pair
    response = api(researcher).post(
        f"/api/v1/matches/{match.pk}/transition/", {"to": "shortlisted"}, format="json"
    )
    assert response.status_code == 403


def test_a_non_numeric_id_is_a_404_not_a_server_error(pair):
    match, enterprise, _ = pair
    assert api(enterprise).get("/api/v1/matches/abc/").status_code == 404
    assert api(enterprise).get("/api/v1/needs/abc/").status_code == 404


def test_the_research_side_does_not_get_the_price_ratio_of_a_private_budget(pair):
    match, _enterprise, researcher = pair
    match.need.budget_public = False
    match.need.save()
    match.explanation = {
        "terms": [],
        "fits": {"price": {"score": 0.66, "reason": "price_over_budget"}},
    }
    match.save()
    body = api(researcher).get(f"/api/v1/results/{match.result_id}/matches/").json()
    assert body[0]["explanation"]["fits"]["price"] == {"score": None, "reason": "price_over_budget"}


def test_after_an_action_only_addresses_on_this_site_are_followed(client, pair):
    match, enterprise, _ = pair
    client.force_login(enterprise)
    response = client.post(
        f"/matches/{match.pk}/act/", {"to": "shortlisted", "next": "/\\evil.example/"}
    )
    assert response["Location"] == f"/matches/{match.pk}/"


def test_a_need_s_matches_are_read_without_a_query_per_match(pair, django_assert_max_num_queries):
    match, enterprise, _researcher = pair
    for _ in range(10):
        Match.objects.create(
            need=match.need,
            result=ResultFactory(),
            score=0.5,
            text_score=0.5,
            structured_score=0.5,
            matcher_version="t",
            explanation={"terms": [], "fits": {"price": {"score": 0.5}}},
        )
    client = api(enterprise)
    with django_assert_max_num_queries(4):  # memberships, need, matches, and nothing per row
        assert len(client.get(f"/api/v1/needs/{match.need_id}/matches/").json()) == 11
