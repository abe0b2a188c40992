"""MatchIndex: both directions, explanations, incremental updates, persistence, fits."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

from matchmaking.matching import (
    FORMAT_VERSION,
    FitConfig,
    IndexFormatError,
    MatchConfig,
    MatchIndex,
    NeedDoc,
    ResultDoc,
)
from matchmaking.matching.facts import Codes, FactTable, score_pairs
from matchmaking.matching.structured import (
    need_facts,
    passes_filters,
    quick_score,
    result_facts,
    structured_fits,
    structured_score,
)

TOPICS = [
    ("果蔬冷链物流", "预冷 保鲜 冷库 温控 运输 损耗", ["冷链", "保鲜"]),
    ("农产品质量溯源", "区块链 溯源 二维码 追溯 质量安全 防伪", ["溯源", "区块链"]),
    ("马铃薯病害防治", "马铃薯 晚疫病 病害 绿色防控 生物农药", ["马铃薯", "病害"]),
    ("直播电商运营", "直播 电商 带货 短视频 流量 品牌", ["直播电商"]),
    ("茶叶加工工艺", "茶叶 揉捻 杀青 烘干 品质 香气", ["茶叶", "加工"]),
    ("苹果气调贮藏", "苹果 气调 贮藏 乙烯 保鲜 冷库", ["贮藏", "保鲜"]),
]


def make_docs(seed: int = 0, n_results: int = 60, n_needs: int = 20):
    rng = random.Random(seed)
    results, needs = [], []
    for i in range(n_results):
        title, body, kws = TOPICS[i % len(TOPICS)]
        words = body.split()
        rng.shuffle(words)
        results.append(
            ResultDoc(
                id=1000 + i,
                title=f"{title}技术{i}",
                text="研究了" + "，".join(words[:4]) + f"等关键技术，编号{i}。",
                keywords=kws,
                category=["农学", "工学"][i % 2],
                regions=frozenset(rng.sample(["51", "52", "53", "50", "61"], 2))
                if i % 5
                else frozenset({"全国"}),
                price_min=rng.choice([None, 5e4, 2e5, 8e5]),
                trl=rng.choice([None, 3, 5, 7, 9]),
                transfer_modes=frozenset(rng.sample(["license", "assignment", "cooperation"], 1)),
            )
        )
    for j in range(n_needs):
        title, body, _ = TOPICS[j % len(TOPICS)]
        words = body.split()
        rng.shuffle(words)
        needs.append(
            NeedDoc(
                id=j,
                title=f"想解决{title}问题",
                text="我们合作社需要" + "、".join(words[:3]),
                category=["农学", "工学", None][j % 3],
                province=rng.choice(["510100", "52", "53", None]),
                budget_max=rng.choice([None, 1e5, 5e5]),
                min_trl=rng.choice([None, 4, 6]),
                transfer_modes=frozenset({"license", "cooperation"}),
            )
        )
    return needs, results


@pytest.fixture(scope="module")
def docs():
    return make_docs()


@pytest.fixture(scope="module")
def index(docs):
    needs, results = docs
    return MatchIndex.build(needs, results)


def ranking(matches):
    return [(m.id, round(m.score, 9)) for m in matches]


def test_both_directions_and_contract(index, docs):
    needs, results = docs
    for need in needs:
        hits = index.top_k_for_need(need.id, k=5)
        assert 0 < len(hits) <= 5
        assert all(0 < m.score <= 1 and 0 < m.text_score <= 1 for m in hits)
        assert [m.score for m in hits] == sorted((m.score for m in hits), reverse=True)
        assert all(m.score <= m.text_score + 1e-12 for m in hits)
    topic_hits = index.top_k_for_need(needs[0], k=3)  # cold chain need
    assert all("冷链" in next(r for r in results if r.id == m.id).title for m in topic_hits)
    back = index.top_k_for_result(results[1].id, k=4)  # traceability result -> needs
    assert back and all(m.id in {n.id for n in needs} for m in back)
    assert back[0].id % len(TOPICS) == 1


def test_free_text_search_uses_text_only(index):
    hits = index.search("冷链 保鲜", k=3)
    assert hits and all(m.structured_score is None and m.score == m.text_score for m in hits)


def test_explanations_are_readable_and_json_ready(index, docs):
    needs, _ = docs
    hits = index.top_k_for_need(needs[0].id, k=3, explain=True)
    for m in hits:
        ex = m.explanation
        assert ex is not None and ex.need_id == needs[0].id and ex.result_id == m.id
        assert ex.score == pytest.approx(m.score, rel=1e-9)
        assert ex.text_score == pytest.approx(m.text_score, rel=1e-9)
        shares = [s for _, s in ex.terms] + [s for _, s in ex.related_terms]
        assert ex.terms and all(0 < s <= 1 for s in shares) and sum(shares) <= 1 + 1e-9
        # whole words or bigrams, never a lone character taken out of a word
        assert all(len(t) >= 2 for t, _ in ex.terms + ex.related_terms)
        assert set(ex.fits) == {"category", "region", "price", "maturity", "transfer"}
        assert all(isinstance(f.reason, str) and 0 <= f.score <= 1 for f in ex.fits.values())
        json.dumps(ex.to_dict(), ensure_ascii=False)
        json.dumps(m.to_dict(), ensure_ascii=False)
    terms = [t for t, _ in hits[0].explanation.terms]
    assert any("冷链" in t for t in terms)


def test_explain_pair_matches_ranking(index, docs):
    needs, _ = docs
    m = index.top_k_for_need(needs[2].id, k=1)[0]
    ex = index.explain(needs[2].id, m.id)
    assert ex.score == pytest.approx(m.score, rel=1e-9)


def test_explaining_many_pairs_at_once_gives_what_each_ranking_explained(index, docs):
    """A page's score of pairs, several of one need, in any order: each explanation is the
    one the need's ranking gave, its need searched once for all of them."""
    needs, _ = docs
    ranked = {
        (need.id, m.id): m.explanation.to_dict()
        for need in needs[:4]
        for m in index.top_k_for_need(need.id, k=6, explain=True)
    }
    pairs = sorted(ranked, key=lambda pair: (pair[1], pair[0]))  # needs interleaved
    assert len({n for n, _ in pairs}) == 4 and len(pairs) > 4
    together = index.explain_pairs(pairs)
    assert [(e.need_id, e.result_id) for e in together] == pairs
    for pair, ex in zip(pairs, together, strict=True):
        assert ex.to_dict() == ranked[pair]
    assert index.explain_pairs([]) == []


def test_chunked_rebuild_equals_all_pairs(index):
    full = index.all_pairs_top_k(k=5)
    ids = index.need_ids
    part = {}
    for start in range(0, len(ids), 7):  # as Celery workers would split it
        part.update(index.top_k_for_needs(ids[start : start + 7], k=5))
    assert {k: ranking(v) for k, v in part.items()} == {
        k: ranking(v) for k, v in full["needs"].items()
    }
    assert set(full["results"]) == set(index.result_ids)


def test_incremental_updates_equal_a_rebuild_with_same_vocabulary(docs):
    needs, results = docs
    idx = MatchIndex.build(needs, results[:40])  # vocabulary fitted on these
    idx.upsert(results[40:])  # add
    changed = ResultDoc(**{**results[3].__dict__, "text": "全新的冷链保鲜 预冷 技术方案"})
    idx.upsert(changed)  # change
    assert idx.remove_result(results[7].id)  # remove
    assert not idx.remove_result("no-such-id")
    idx.upsert(NeedDoc(id=999, title="苹果保鲜贮藏", text="冷库 气调"))
    rebuilt = idx.reindex()
    for n in [*needs, 999]:
        assert ranking(idx.top_k_for_need(n, 8)) == ranking(rebuilt.top_k_for_need(n, 8))
    for r in idx.result_ids[:10]:
        assert ranking(idx.top_k_for_result(r, 8)) == ranking(rebuilt.top_k_for_result(r, 8))
    assert results[7].id not in idx.result_ids
    idx.compact()  # folding the delta in changes nothing either
    assert ranking(idx.top_k_for_need(0, 8)) == ranking(rebuilt.top_k_for_need(0, 8))


def test_input_order_does_not_matter(docs):
    needs, results = docs
    shuffled = results[:]
    random.Random(5).shuffle(shuffled)
    a = MatchIndex.build(needs, results)
    b = MatchIndex.build(list(reversed(needs)), shuffled)
    for n in needs:
        assert ranking(a.top_k_for_need(n.id, 6)) == ranking(b.top_k_for_need(n.id, 6))


def test_save_load_round_trip(tmp_path, index, docs):
    needs, _ = docs
    path = tmp_path / "match.idx"
    index.save(path)
    index.save(path)  # overwrite in place: os.replace
    assert [p.name for p in tmp_path.iterdir()] == ["match.idx"]  # no temp file left over
    loaded = MatchIndex.load(path)
    assert loaded.need_ids == index.need_ids and loaded.result_ids == index.result_ids
    for n in needs:
        assert ranking(loaded.top_k_for_need(n.id, 5)) == ranking(index.top_k_for_need(n.id, 5))
    assert loaded.get("results", 1003) == index.get("results", 1003)


def test_version_mismatch_raises_a_clear_error(tmp_path, index):
    path = tmp_path / "match.idx"
    index.save(path)
    with np.load(path) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(arrays["meta"].tobytes())
    meta["format_version"] = FORMAT_VERSION + 1
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    with open(path, "wb") as f:
        np.savez(f, **arrays)
    with pytest.raises(IndexFormatError, match="format version"):
        MatchIndex.load(path)
    path.write_bytes(b"not an index")
    with pytest.raises(IndexFormatError):
        MatchIndex.load(path)


def test_structured_fits_reason_codes():
    need = NeedDoc(
        id=1,
        category="农学",
        province="530100",
        budget_max=1e5,
        min_trl=6,
        transfer_modes=frozenset({"License"}),
    )
    good = ResultDoc(
        id=2,
        category="农学",
        regions=frozenset({"53"}),
        price_min=8e4,
        trl=7,
        transfer_modes=frozenset({"license"}),
    )
    bad = ResultDoc(
        id=3,
        category="工学",
        regions=frozenset({"11"}),
        price_min=2e5,
        trl=4,
        transfer_modes=frozenset({"equity"}),
    )
    unknown = ResultDoc(id=4)
    fits = structured_fits(need, good)
    assert {k: f.reason for k, f in fits.items()} == {
        "category": "category_match",
        "region": "region_served",
        "price": "price_within_budget",
        "maturity": "trl_ok",
        "transfer": "transfer_mode_match",
    }
    assert structured_score(fits, FitConfig()) == 1.0
    fits = structured_fits(need, bad)
    assert [f.reason for f in fits.values()] == [
        "category_mismatch",
        "region_not_served",
        "price_over_budget",
        "trl_below_min",
        "transfer_mode_mismatch",
    ]
    assert fits["price"].score == pytest.approx(0.5) and fits["maturity"].score == 0.5
    fits = structured_fits(need, unknown)
    assert all(not f.known and f.score == 0.5 for f in fits.values())
    nationwide = ResultDoc(id=5, regions=frozenset({"全国"}))
    assert structured_fits(need, nationwide)["region"].reason == "region_nationwide"
    cfg = FitConfig(require_region=True)
    assert passes_filters(need, good, cfg) and not passes_filters(need, bad, cfg)
    assert passes_filters(need, unknown, cfg)
    assert not passes_filters(need, unknown, FitConfig(require_region=True, filter_unknown=True))


def test_hard_filter_never_returns_a_result_outside_the_province(docs):
    needs, results = docs
    # A small pool forces the exhaustive fallback when the filter empties it.
    idx = MatchIndex.build(needs, results, MatchConfig(pool=5))
    strict = idx.with_fit_config(require_region=True)
    need = NeedDoc(id="n-yn", title="冷链保鲜", text="果蔬冷链物流 预冷", province="53")
    hits = strict.top_k_for_need(need, k=10)
    assert hits
    for m in hits:
        r = idx.get("results", m.id)
        assert "53" in r.regions or "全国" in r.regions
    loose = idx.top_k_for_need(need, k=10)
    assert any(not ({"53", "全国"} & set(idx.get("results", m.id).regions)) for m in loose), (
        "test data should contain non-serving results the filter removes"
    )


def test_vectorised_fits_equal_scalar_fits():
    rng = random.Random(1)
    cfgs = [
        FitConfig(),
        FitConfig(require_region=True, require_min_trl=True, max_price_over_budget=1.5),
        FitConfig(require_category=True, require_transfer_mode=True, filter_unknown=True),
    ]

    def maybe(values):
        return rng.choice([None, *values])

    needs = [
        NeedDoc(
            id=i,
            category=maybe(["a", "b"]),
            province=maybe(["51", "52", "*"]),
            budget_max=maybe([0.0, 1e4, 1e5]),
            min_trl=maybe([1, 5, 9]),
            transfer_modes=frozenset(rng.sample(["x", "y", "z"], rng.randint(0, 2))),
        )
        for i in range(40)
    ]
    results = [
        ResultDoc(
            id=i,
            category=maybe(["a", "b"]),
            regions=frozenset(rng.sample(["51", "52", "53", "*"], rng.randint(0, 2))),
            price_min=maybe([0.0, 5e3, 5e4, 5e5]),
            trl=maybe([1, 4, 8]),
            transfer_modes=frozenset(rng.sample(["x", "y", "z"], rng.randint(0, 2))),
        )
        for i in range(40)
    ]
    codes = Codes()
    rt, nt = FactTable(codes, "results"), FactTable(codes, "needs")
    rt.extend([result_facts(r) for r in results])
    nt.extend([need_facts(n) for n in needs])
    slots = np.arange(40)
    for cfg in cfgs:
        for n in needs:
            st, ok = score_pairs(need_facts(n), rt, slots, cfg)
            for r, s, o in zip(results, st, ok, strict=True):
                q = quick_score(need_facts(n), result_facts(r), cfg)
                assert o == (q is not None)
                if q is not None:
                    assert s == q == structured_score(structured_fits(n, r), cfg)
        for r in results:
            st, ok = score_pairs(result_facts(r), nt, slots, cfg)
            for n, s, o in zip(needs, st, ok, strict=True):
                q = quick_score(need_facts(n), result_facts(r), cfg)
                assert o == (q is not None)
                if q is not None:
                    assert s == q


def test_structured_fit_reorders_within_text_relevance(docs):
    needs, results = docs
    idx = MatchIndex.build(needs, results)
    need = NeedDoc(
        id="q",
        title="冷链保鲜",
        text="果蔬冷链",
        category="农学",
        province="52",
        transfer_modes=frozenset({"license"}),
    )
    hits = idx.top_k_for_need(need, k=10)
    text_only = sorted(hits, key=lambda m: -m.text_score)
    assert {m.id for m in hits} <= {m.id for m in idx.top_k_for_need(need, k=30)}
    assert hits[0].structured_score >= text_only[0].structured_score


def test_thesaurus_hook_reaches_queries(docs):
    needs, results = docs
    idx = MatchIndex.build(needs, results)
    assert not idx.search("洋芋", k=3)
    idx.set_expansions({"洋芋": ["马铃薯"]})
    hits = idx.search("洋芋", k=3, explain=True)
    assert hits and "马铃薯" in idx.get("results", hits[0].id).title
    assert hits[0].explanation.terms[0][0] == "洋芋 ≈ 马铃薯"


def test_automatic_compaction_keeps_rankings(docs, monkeypatch: pytest.MonkeyPatch):
    from matchmaking.matching import topk

    needs, results = docs
    idx = MatchIndex.build(needs, results)
    many = [
        ResultDoc(id=5000 + i, title=f"冷链保鲜方案{i}", text="预冷 冷库 果蔬 " * (1 + i % 3))
        for i in range(600)
    ]
    idx.upsert(many)  # > 512 delta rows: folded into the main matrix
    side = idx._sides["results"]
    assert side.store.n_main == side.store.n == len(results) + 600
    for i in range(0, 600, 2):
        idx.remove_result(5000 + i)
    rebuilt = idx.reindex()
    for n in needs[:6]:
        assert ranking(idx.top_k_for_need(n.id, 10)) == ranking(rebuilt.top_k_for_need(n.id, 10))
    monkeypatch.setattr(topk, "_sdt_topn", None)  # the scipy fallback ranks the same
    for n in needs[:6]:
        assert [m.id for m in idx.top_k_for_need(n.id, 10)] == [
            m.id for m in rebuilt.top_k_for_need(n.id, 10)
        ]


def test_a_long_query_text_is_read_once_for_all_its_candidates(docs, monkeypatch):
    """Explaining a need against its candidates reads the need's text once (SpanIndex), not
    once per candidate, and gives the explanation explaining each pair alone gives."""
    from matchmaking.matching import index as index_module

    needs, results = docs
    long_need = NeedDoc(
        id=999,
        title="想解决果蔬冷链物流问题",
        text="我们合作社需要预冷、保鲜和冷库温控，" * 250,  # about 4,500 characters
        transfer_modes=frozenset({"license"}),
    )
    built = MatchIndex.build([*needs, long_need], results)
    reads = []

    class CountingSpanIndex(index_module.SpanIndex):
        def __init__(self, text):
            reads.append(len(text))
            super().__init__(text)

    from matchmaking.matching import structured

    budget_reads = []

    def counting_extract_budget(text):
        budget_reads.append(len(text))
        return extract_budget(text)

    extract_budget = structured.extract_budget
    monkeypatch.setattr(index_module, "SpanIndex", CountingSpanIndex)
    monkeypatch.setattr(structured, "extract_budget", counting_extract_budget)
    built.top_k_for_need(999, k=2, explain=True)
    reads_for_two, budget_reads_for_two = len(reads), len(budget_reads)
    reads.clear()
    budget_reads.clear()
    hits = built.top_k_for_need(999, k=10, explain=True)
    assert len(hits) == 10
    assert len(reads) == reads_for_two == 1 and reads[0] > 4000
    # Its budget is looked for in its text (it states none in fields) as often for ten
    # candidates as for two: per query (ranking, explaining), not per candidate.
    assert len(budget_reads) == budget_reads_for_two
    for hit in hits[:3]:
        alone = built.explain(999, hit.id).to_dict()
        assert hit.explanation.to_dict() == alone
