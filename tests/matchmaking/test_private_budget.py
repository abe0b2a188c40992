"""A private budget stays private: nothing the result's institution sees of a match lets it
compute more about the need's budget than the words shown ("within budget", "over budget").

Before, the API showed the institution `structured_score` and the four other fits while only
the price fit was hidden, so (structured − 0.25 − 0.10) / 0.20 × price gave the budget back,
and score / text_score did the same. Here the real matcher scores a need with a private budget
against a result whose price is over it, and the institution tries that arithmetic on every
figure it gets from the API and the pages."""

import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.enums import OrganisationKind
from matchmaking.listings import services as listings
from matchmaking.matches import matching
from matchmaking.matching import FitConfig, calibration
from matchmaking.models import Match
from tests.factories import OrganisationFactory, ResultFactory, category, member_of

pytestmark = pytest.mark.django_db

PRICE = 730_000
BUDGET = 380_000
CONFIG = FitConfig()
# Each page carries a fresh CSRF token: the one part of a page that differs on every read.
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|"X-CSRFToken": "[^"]*"')


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    enterprise = OrganisationFactory(region_id="510131")
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    result = ResultFactory(
        organisation=institution,
        title="猕猴桃采后1-MCP处理与低温物流保鲜技术",
        abstract="针对猕猴桃采后软化腐烂，采用1-MCP处理结合产地预冷和冷链运输，货架期延长40%。",
        keywords="猕猴桃 保鲜 冷链 预冷",
        category=category("origin-precooling"),
        asking_price=PRICE,
    )
    owner = member_of(enterprise)
    need = listings.need_create(
        by=owner,
        organisation=enterprise,
        data={
            "title": "猕猴桃运到广州就软了烂了",
            "description": "猕猴桃发到广州的路上就软了，想找产地预冷和冷链保鲜的办法",
            "keywords": "猕猴桃 保鲜",
            "category": category("origin-precooling"),
            "budget_max": BUDGET,
            "budget_public": False,
            "transfer_modes": ["license"],
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        listings.need_transition(need=need, to="open", by=owner)
    match = Match.objects.get(need=need, result=result)
    assert match.explanation["fits"]["price"]["reason"] == "price_over_budget"
    return {"match": match, "owner": owner, "researcher": member_of(institution)}


def budgets_computable_from(figures: dict, fits: dict) -> list[float]:
    """Every budget the issue's arithmetic gives from figures a viewer sees: from the
    structured score and from score / text score, with the other fits' scores."""
    weights = {n: getattr(CONFIG, n) for n in ("category", "region", "maturity", "transfer")}
    others = sum(w * fits[n]["score"] for n, w in weights.items())
    total = sum(weights.values()) + CONFIG.price
    structured = []
    if figures.get("structured_score") is not None:
        structured.append(figures["structured_score"])
    if figures.get("score") and figures.get("text_score"):
        sw = CONFIG.structured_weight
        structured.append((figures["score"] / figures["text_score"] - (1 - sw)) / sw)
    if fits["price"].get("score") is not None:
        structured.append((others + CONFIG.price * fits["price"]["score"]) / total)
    return [(s * total - others) / CONFIG.price * PRICE for s in structured]


def reveals(budget: float) -> bool:
    return abs(budget - BUDGET) < 0.01 * BUDGET


def test_the_owner_sees_the_real_figures_and_they_do_reveal_the_budget(world):
    """The arithmetic works on the stored figures: the test would catch a leak."""
    match = world["match"]
    body = api(world["owner"]).get(f"/api/v1/matches/{match.pk}/").json()
    assert body["structured_score"] == match.structured_score
    assert any(reveals(b) for b in budgets_computable_from(body, body["explanation"]["fits"]))


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_no_figure_the_api_gives_the_institution_reveals_the_private_budget(world):
    match = world["match"]
    client = api(world["researcher"])
    one = client.get(f"/api/v1/matches/{match.pk}/").json()
    (listed,) = client.get(f"/api/v1/results/{match.result_id}/matches/").json()
    for body in (one, listed, {**one["explanation"], "text_score": one["text_score"]}):
        fits = one["explanation"]["fits"]
        assert fits["price"] == {
            "score": None,
            "reason": "price_over_budget",
            "known": True,
            "asked": True,
        }
        assert not any(reveals(b) for b in budgets_computable_from(body, fits))
    assert one["rank_for_need"] is None and one["rank_for_result"] is None
    # The figures are those of the other four fits alone, the same wherever they are read.
    weights = {n: getattr(CONFIG, n) for n in ("category", "region", "maturity", "transfer")}
    expected = sum(w * fits[n]["score"] for n, w in weights.items()) / sum(weights.values())
    assert one["structured_score"] == round(expected, 6) == listed["structured_score"]
    assert one["explanation"]["structured_score"] == one["structured_score"]
    assert one["score"] == one["explanation"]["score"] == listed["score"]


def test_nothing_the_institution_reads_changes_with_the_private_budget(world):
    """Non-interference: with another budget that is still below the price, every byte the
    institution gets from the API and the pages is the same, so none of it can be used to
    compute the budget."""
    match = world["match"]
    researcher = world["researcher"]
    page = Client()
    page.force_login(researcher)

    def everything():
        urls = [f"/api/v1/matches/{match.pk}/", f"/api/v1/results/{match.result_id}/matches/"]
        seen = [api(researcher).get(url).content.decode() for url in urls]
        for url in (f"/matches/{match.pk}/", f"/results/{match.result_id}/"):
            html = page.get(url).content.decode()
            seen.append(CSRF.sub("", html))
        return seen

    before = everything()
    listings.need_update(need=match.need, by=world["owner"], data={"budget_max": 150_000})
    matching.rematch_need(match.need_id)
    changed = Match.objects.get(pk=match.pk)
    assert changed.structured_score != match.structured_score  # the stored figures moved
    assert everything() == before


def test_the_pages_show_the_score_without_the_price(world, client):
    match = world["match"]
    client.force_login(world["researcher"])
    hidden = api(world["researcher"]).get(f"/api/v1/matches/{match.pk}/").json()["score"]
    shown = f"{round(100 * hidden)}%"
    assert (
        f'<span class="match-score">{shown}</span>'
        in client.get(f"/matches/{match.pk}/").content.decode()
    )
    # The result's list shows the strength word of that same score, not a percentage.
    word = calibration.strength(hidden, match.explanation.get("method", "lexical"))
    assert f"match-strength--{word}" in client.get(f"/results/{match.result_id}/").content.decode()
    client.force_login(world["owner"])
    real = f"{round(100 * match.score)}%"
    assert (
        f'<span class="match-score">{real}</span>'
        in client.get(f"/matches/{match.pk}/").content.decode()
    )


def test_the_institution_s_list_is_ordered_by_the_scores_it_sees_not_the_hidden_ones(client):
    """Ordered by the stored rank, the list would show which need's price fit is higher."""
    from tests.factories import NeedFactory

    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    result = ResultFactory(organisation=institution, asking_price=PRICE)
    fits = {n: {"score": 1.0, "reason": "x", "known": True} for n in ("category", "region")}
    fits |= {n: {"score": 1.0, "reason": "x", "known": True} for n in ("maturity", "transfer")}

    def match(price_fit, transfer_fit, real_structured, rank):
        need = NeedFactory(budget_public=False, budget_max=BUDGET)
        explanation = {
            "terms": [],
            "fits": fits
            | {
                "price": {"score": price_fit, "reason": "price_over_budget", "known": True},
                "transfer": {"score": transfer_fit, "reason": "x", "known": True},
            },
        }
        return Match.objects.create(
            need=need,
            result=result,
            text_score=0.5,
            structured_score=real_structured,
            score=0.5 * (0.6 + 0.4 * real_structured),
            rank_for_result=rank,
            matcher_version="t",
            explanation=explanation,
        )

    within_price = match(1.0, 0.0, 0.9, rank=1)  # first by the real score, 0.875 without price
    over_price = match(0.0, 1.0, 0.8, rank=2)  # second by the real score, 1.0 without price
    researcher = member_of(institution)
    body = api(researcher).get(f"/api/v1/results/{result.pk}/matches/").json()
    assert [m["id"] for m in body] == [over_price.pk, within_price.pk]
    assert [m["structured_score"] for m in body] == [1.0, 0.875]
    client.force_login(researcher)
    html = client.get(f"/results/{result.pk}/").content.decode()
    assert html.index(f'id="match-{over_price.pk}"') < html.index(f'id="match-{within_price.pk}"')
