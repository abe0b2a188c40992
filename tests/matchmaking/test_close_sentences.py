"""A match found by meaning with few shared words shows the one or two sentences of the result
closest to the need, labelled 意思相近; computed when the match is first shown, then stored
(issue 17)."""

import pytest
from django.urls import reverse

from accounts.enums import OrganisationKind
from matchmaking.matches import matching
from matchmaking.models import Match
from tests.factories import NeedFactory, OrganisationFactory, ResultFactory, member_of

pytestmark = pytest.mark.django_db

ABSTRACT = (
    "本成果来自多年的田间试验。"
    "青菜采收后两小时内真空预冷，叶片不再发蔫。"
    "设备可以在合作社共用。"
    "区块链存证保证了数据可信。"
)


@pytest.fixture
def world():
    enterprise = OrganisationFactory()
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION)
    need = NeedFactory(
        organisation=enterprise,
        title="青菜一晒就蔫巴巴的",
        description="青菜一晒就蔫巴巴的，卖不上价",
        keywords="",
    )
    matching.embed_listings("needs", [need.pk])
    need.refresh_from_db()

    def match(terms, method="hybrid", abstract=ABSTRACT):
        result = ResultFactory(organisation=institution, abstract=abstract)
        return Match.objects.create(
            need=need,
            result=result,
            score=0.8,
            text_score=0.1,
            structured_score=0.9,
            matcher_version="t",
            rank_for_need=Match.objects.filter(need=need).count() + 1,
            explanation={"terms": terms, "fits": {}, "method": method, "dense_score": 0.87},
        )

    return {"need": need, "owner": member_of(enterprise), "match": match}


def page(client, world):
    client.force_login(world["owner"])
    return client.get(reverse("need-detail", args=[world["need"].pk])).content.decode()


def test_a_match_by_meaning_shows_its_closest_sentences_labelled(client, world):
    found = world["match"]([])
    html = page(client, world)
    stored = Match.objects.get(pk=found.pk).close_sentences
    texts = [s["text"] for s in stored["sentences"]]
    assert len(texts) == 2 and texts[0] == "青菜采收后两小时内真空预冷，叶片不再发蔫。"
    first = stored["sentences"][0]
    assert ABSTRACT[first["start"] : first["end"]] == first["text"]
    assert (
        '<p class="close-sentences"><span class="close-label">意思相近</span>'
        "<mark data-uc>青菜采收后两小时内真空预冷，叶片不再发蔫。</mark>"
    ) in html


def test_they_are_computed_once_and_only_for_matches_that_need_them(client, world):
    by_meaning = world["match"]([["青菜", 0.2]])
    by_words = world["match"]([["青菜", 0.5], ["预冷", 0.3]])
    lexical = world["match"]([], method="lexical")
    page(client, world)
    assert Match.objects.get(pk=by_meaning.pk).close_sentences is not None
    assert Match.objects.get(pk=by_words.pk).close_sentences is None
    assert Match.objects.get(pk=lexical.pk).close_sentences is None
    assert matching.compute_close_sentences([by_meaning.pk, by_words.pk, lexical.pk]) == 0


def test_a_changed_result_text_hides_the_old_sentences_until_recomputed(client, world):
    found = world["match"]([])
    page(client, world)
    found.result.abstract = "全新的摘要，讲的是别的事情。再说一句。"
    found.result.save()
    found = Match.objects.select_related("need", "result").get(pk=found.pk)
    assert matching.shown_close_sentences(found) == []
    assert matching.compute_close_sentences([found.pk]) == 1
    found = Match.objects.select_related("need", "result").get(pk=found.pk)
    assert sorted(s["text"] for s in matching.shown_close_sentences(found)) == [
        "全新的摘要，讲的是别的事情。",
        "再说一句。",
    ]


def test_nothing_is_computed_while_the_need_has_no_vector(client, world):
    found = world["match"]([])
    world["need"].__class__.objects.filter(pk=world["need"].pk).update(embedding_digest="")
    page(client, world)
    assert Match.objects.get(pk=found.pk).close_sentences is None


def test_the_match_page_shows_them_too(client, world):
    found = world["match"]([])
    client.force_login(world["owner"])
    html = client.get(reverse("match-detail", args=[found.pk])).content.decode()
    assert '<span class="close-label">意思相近</span>' in html
