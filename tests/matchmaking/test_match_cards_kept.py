"""A listing's match cards are rendered once and then come from the cache
(matchmaking/matches/cards.py): the owner sees the same cards without them being rendered
again, each viewer's buttons carry their own CSRF token, and whatever a card shows changing
(the match's state, the other listing's title) shows on the next request."""

import re

import pytest
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse

from accounts.enums import OrganisationKind
from matchmaking.listings import services as listings
from matchmaking.matches import services as matches
from matchmaking.models import Match
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, member_of

pytestmark = pytest.mark.django_db

CARD = "matchmaking/partials/match_card.html"
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)"')


@pytest.fixture
def need_page():
    enterprise = OrganisationFactory()
    need = NeedFactory(organisation=enterprise)
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    found = [
        Match.objects.create(
            need=need,
            result=ResultFactory(organisation=institution, title=f"冷库温控方案{n}"),
            score=0.8 - n / 10,
            text_score=0.5,
            structured_score=0.8,
            matcher_version="t",
            rank_for_need=n + 1,
            explanation={"terms": [["冷库", 0.5]], "fits": {}, "method": "lexical"},
        )
        for n in range(3)
    ]
    return {"need": need, "matches": found, "owners": [member_of(enterprise) for _ in range(2)]}


def visit(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def page(client, need):
    response = client.get(reverse("need-detail", args=[need.pk]))
    assert response.status_code == 200
    return response


def cards_rendered(response) -> int:
    return sum(1 for t in response.templates if t.name == CARD)


def test_the_cards_are_rendered_once_and_then_served_as_they_were(need_page):
    first = page(visit(need_page["owners"][0]), need_page["need"])
    assert cards_rendered(first) == 3
    second = page(visit(need_page["owners"][1]), need_page["need"])
    assert cards_rendered(second) == 0
    html = second.content.decode()
    for n in range(3):
        assert f"温控方案{n}" in html

    def cards_of(text: str) -> str:
        return CSRF_FIELD.sub("", text[text.index('<ol class="match-list">') :])

    assert cards_of(html) == cards_of(first.content.decode())


def test_each_viewer_s_buttons_carry_their_own_token_and_work(need_page):
    page(visit(need_page["owners"][0]), need_page["need"])  # kept
    client = visit(need_page["owners"][1])
    html = page(client, need_page["need"]).content.decode()
    tokens = set(CSRF_FIELD.findall(html))
    assert tokens
    secret = client.cookies["csrftoken"].value
    assert all(_unmask_cipher_token(token) == secret for token in tokens)
    best = need_page["matches"][0]
    answer = client.post(
        reverse("match-action", args=[best.pk]),
        {"to": "shortlisted", "expected_state": "suggested", "csrfmiddlewaretoken": tokens.pop()},
    )
    assert answer.status_code == 302
    best.refresh_from_db()
    assert best.state == "shortlisted"


def test_a_shortlisted_match_and_a_retitled_result_show_on_the_next_request(need_page):
    owner = need_page["owners"][0]
    client = visit(owner)
    html = page(client, need_page["need"]).content.decode()
    assert "badge--shortlisted" not in html
    best, second = need_page["matches"][:2]
    matches.match_transition(match=best, to="shortlisted", by=owner)
    result = second.result
    listings.result_update(
        result=result,
        by=member_of(result.organisation),
        data={"title": "冷库远程温控方案"},
    )
    after = page(client, need_page["need"])
    html = after.content.decode()
    assert "badge--shortlisted" in html
    assert "远程温控方案" in html
    assert cards_rendered(after) == 2  # the third card is as it was
