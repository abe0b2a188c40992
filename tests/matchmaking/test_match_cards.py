"""A match card says how strong the match is in words and only true things about its fits
(issues 15 and 17): 强 / 较好 / 可能 from the calibrated thresholds, the percentage only on the
match's own page, nothing the need did not ask about shown as a negative."""

import re

import pytest
from django.urls import reverse

from accounts.enums import OrganisationKind
from matchmaking.matches import matching
from matchmaking.matching import calibration
from matchmaking.models import Match
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, member_of

pytestmark = pytest.mark.django_db

HYBRID = calibration.load_calibration()["methods"]["hybrid"]


def fit(reason, score=1.0, known=True, asked=True):
    return {"score": score, "reason": reason, "known": known, "asked": asked}


FITS = {
    "category": fit("category_same_parent"),
    "region": fit("region_served"),
    "price": fit("price_over_budget", 0.4),
    "maturity": fit("trl_not_required", asked=False),
    "transfer": fit("transfer_mode_any", asked=False),
}


@pytest.fixture
def page_of():
    enterprise = OrganisationFactory()
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    need = NeedFactory(organisation=enterprise, min_trl=None, budget_max=100000)
    owner = member_of(enterprise)

    def make(score, method="hybrid", fits=FITS, price=150000):
        result = ResultFactory(organisation=institution, asking_price=price)
        match = Match.objects.create(
            need=need,
            result=result,
            score=score,
            text_score=0.5,
            structured_score=0.8,
            matcher_version="t",
            rank_for_need=Match.objects.filter(need=need).count() + 1,
            explanation={"terms": [["冷链", 0.5]], "fits": fits, "method": method},
        )
        return match

    def html(client, query=""):
        client.force_login(owner)
        url = reverse("need-detail", args=[need.pk]) + query
        return client.get(url).content.decode()

    return make, html, need, owner


def card(html, match):
    """The HTML of one match's card."""
    for piece in html.split('<li class="match-card" ')[1:]:
        if piece.startswith(f'id="match-{match.pk}"'):
            return piece
    raise AssertionError(f"no card for match {match.pk}")


def test_the_strength_word_comes_from_the_calibrated_thresholds(client, page_of):
    make, html, _, _ = page_of
    strong = make(HYBRID["strong"] + 0.01)
    good = make(HYBRID["good"] + 0.01)
    possible = make(HYBRID["good"] - 0.2)
    lexical_strong = make(0.30, method="lexical")  # lexical scores have their own scale
    page = html(client)
    assert '<span class="match-strength match-strength--strong" title="匹配强度">强</span>' in card(
        page, strong
    )
    assert ">较好</span>" in card(page, good)
    assert ">可能</span>" in card(page, possible)
    assert ">强</span>" in card(page, lexical_strong)
    assert "match-score" not in page and "%" not in card(page, strong)


def test_the_match_page_keeps_the_percentage_beside_the_word(client, page_of):
    make, _, _, owner = page_of
    match = make(0.95)
    client.force_login(owner)
    page = client.get(reverse("match-detail", args=[match.pk])).content.decode()
    assert '>强</span> <span class="match-score">95%</span>' in page


def test_fits_the_need_did_not_ask_about_are_left_out_and_related_categories_hold(client, page_of):
    make, html, _, _ = page_of
    match = make(0.9)
    chips = re.findall(r'<li class="fit fit--(\w+)">([^<]*)</li>', card(html(client), match))
    assert chips == [
        ("good", "同属一个大类"),
        ("good", "服务你所在省份"),
        ("bad", "价格高于预算：15万元"),
    ]


def test_an_unknown_fit_is_neutral_not_a_negative(client, page_of):
    make, html, _, _ = page_of
    match = make(
        0.9,
        fits={
            **FITS,
            "maturity": fit("trl_unknown", 0.5, known=False),
            "price": fit("price_no_budget", asked=False),
        },
    )
    chips = dict(
        (text, state)
        for state, text in re.findall(
            r'<li class="fit fit--(\w+)">([^<]*)</li>', card(html(client), match)
        )
    )
    assert chips["未注明成熟度"] == "neutral"
    assert len(chips) == 3  # category, region, maturity: the budget was not asked about


def test_over_budget_without_a_price_never_stands_alone_with_a_number_missing(client, page_of):
    make, html, _, _ = page_of
    match = make(0.9, price=None)
    assert "价格高于预算</li>" in card(html(client), match)


def test_the_same_category_filter_keeps_matches_in_the_parent_category(client, page_of):
    make, html, _, _ = page_of
    parent = make(0.9)
    other = make(0.8, fits={**FITS, "category": fit("category_mismatch", 0.0)})
    page = html(client, "?fit_category=1")
    assert f'id="match-{parent.pk}"' in page and f'id="match-{other.pk}"' not in page


def test_a_need_without_its_vector_yet_says_it_is_matched_by_keywords(client, page_of):
    make, html, need, _ = page_of
    make(0.9)
    assert "按关键词匹配，语义匹配稍后完成。" in html(client)
    matching.embed_listings("needs", [need.pk])
    assert "按关键词匹配" not in html(client)
