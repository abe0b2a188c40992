"""CountCache: a fit re-uses the counts of unchanged documents and comes out exactly the same."""

from __future__ import annotations

import dataclasses

import numpy as np
import scipy.sparse as sp

from matchmaking.matching import Analyzer, CountCache, Fields, MatchIndex, Vectorizer
from matchmaking.matching.model import fields_digest

from .test_index import make_docs, ranking

CORPUS = [
    Fields(
        title="果蔬冷链物流", text="预冷、保鲜和冷库温控，运输损耗大", keywords=("冷链", "保鲜")
    ),
    Fields(title="农产品质量溯源", text="区块链溯源，二维码追溯，防伪", keywords=("溯源",)),
    Fields(title="马铃薯病害", text="洋芋烂得快，晚疫病咋整？预算两万", colloquial=True),
    Fields(title="直播带货", text="直播电商运营，短视频流量，品牌", keywords=("直播电商",)),
    Fields(title="茶叶加工", text="揉捻、杀青、烘干，香气不够", colloquial=True),
]
THESAURUS = {"洋芋": ["马铃薯"], "带货": ["直播电商"]}


class CountingAnalyzer(Analyzer):
    """An analyzer that counts the texts it is asked to analyse."""

    analysed = 0

    def bulk_features(self, text, *, colloquial=False):
        self.analysed += 1
        return super().bulk_features(text, colloquial=colloquial)


def vectorizer(expansions=THESAURUS, **weights) -> Vectorizer:
    v = Vectorizer(analyzer=CountingAnalyzer(expansions))
    if weights:
        v.weights = dataclasses.replace(v.weights, **weights)
    return v


def assert_same_fit(a: Vectorizer, rows_a: sp.csr_matrix, b: Vectorizer, rows_b: sp.csr_matrix):
    assert a.terms == b.terms
    assert np.array_equal(a.idf, b.idf)
    assert (a.n_docs, a.avg_len) == (b.n_docs, b.avg_len)
    for part in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(rows_a, part), getattr(rows_b, part))


def edited(corpus: list[Fields]) -> list[Fields]:
    """One document edited, one gone, one new, the rest in another order."""
    docs = list(corpus)
    docs[1] = docs[1]._replace(text="区块链溯源，电子标签，质量安全")
    del docs[3]
    docs.append(Fields(title="苹果气调贮藏", text="乙烯、气调、冷库", keywords=("贮藏",)))
    return docs[::-1]


def test_a_fit_reusing_counts_equals_a_fit_that_analyses_everything():
    first = vectorizer()
    first.fit_transform(CORPUS)
    docs = edited(CORPUS)

    fresh = vectorizer()
    fresh_rows = fresh.fit_transform(docs)
    reusing = vectorizer()
    reused_rows = reusing.fit_transform(docs, reuse=first.counted)

    assert_same_fit(fresh, fresh_rows, reusing, reused_rows)
    # a text per non-empty field: all 13, or only the edited and the new document's
    assert fresh.analyzer.analysed == 13
    assert reusing.analyzer.analysed == 3 + 3


def test_counts_of_another_thesaurus_or_weighting_are_not_reused():
    first = vectorizer()
    first.fit_transform(CORPUS)
    for other in (vectorizer(expansions={"洋芋": ["土豆"]}), vectorizer(title=2.0)):
        fresh = dataclasses.replace(other, analyzer=CountingAnalyzer(other.analyzer.expansions))
        fresh_rows = fresh.fit_transform(CORPUS)
        rows = other.fit_transform(CORPUS, reuse=first.counted)

        assert_same_fit(fresh, fresh_rows, other, rows)
        assert other.analyzer.analysed == 13  # everything analysed again


def test_the_cache_forgets_features_no_document_has_any_more():
    first = vectorizer()
    first.fit_transform(CORPUS)
    assert "带货" in first.counted.terms

    second = vectorizer()
    second.fit_transform(CORPUS[:3], reuse=first.counted)

    assert "带货" not in second.counted.terms
    assert second.counted.counts.shape == (3, len(second.counted.terms))
    assert list(second.counted.digests) == [fields_digest(d) for d in CORPUS[:3]]


def test_a_saved_cache_reads_back_and_a_missing_or_broken_one_is_none(tmp_path):
    fitted = vectorizer()
    fitted.fit_transform(CORPUS)
    path = tmp_path / "counts.npz"
    fitted.counted.save(path)

    loaded = CountCache.load(path)

    assert loaded.key == fitted.counted.key and loaded.terms == fitted.counted.terms
    assert np.array_equal(loaded.digests, fitted.counted.digests)
    assert (loaded.counts != fitted.counted.counts).nnz == 0
    assert [p.name for p in tmp_path.iterdir()] == ["counts.npz"]  # no temp file left over
    assert CountCache.load(tmp_path / "nothing.npz") is None
    path.write_bytes(b"not a cache")
    assert CountCache.load(path) is None


def test_an_index_built_on_an_earlier_builds_counts_ranks_the_same():
    needs, results = make_docs()
    earlier = MatchIndex.build(needs, results[:50], expansions=THESAURUS)
    later_results = results[10:]

    fresh = MatchIndex.build(needs, later_results, expansions=THESAURUS)
    reusing = MatchIndex.build(
        needs, later_results, expansions=THESAURUS, reuse_counts=earlier.vectorizer.counted
    )

    for need in needs:
        assert ranking(reusing.top_k_for_need(need.id, 8)) == ranking(
            fresh.top_k_for_need(need.id, 8)
        )
    for result in later_results[:15]:
        assert ranking(reusing.top_k_for_result(result.id, 8)) == ranking(
            fresh.top_k_for_result(result.id, 8)
        )


def test_documents_weighed_as_queries_at_build_are_their_text_weighed_now(tmp_path):
    from matchmaking.matching.index import _fields

    needs, results = make_docs()
    built = MatchIndex.build(needs, results, expansions=THESAURUS)
    for kind, docs in (("needs", needs), ("results", results)):
        stored = built._sides[kind].queries
        now = built.vectorizer.transform([_fields(d) for d in docs], query=True)
        for part in ("indptr", "indices", "data"):
            assert np.array_equal(getattr(stored, part), getattr(now, part))

    path = tmp_path / "match.idx"
    built.save(path)
    with_queries = MatchIndex.load(path, queries=True)
    without = MatchIndex.load(path)
    assert with_queries._sides["results"].queries is not None
    assert without._sides["results"].queries is None  # not read unless asked for
    ids = [r.id for r in results[:20]]
    a = with_queries.top_k_for_results(ids, k=8, explain=True)
    b = without.top_k_for_results(ids, k=8, explain=True)
    assert {i: [m.explanation.to_dict() for m in ms] for i, ms in a.items()} == {
        i: [m.explanation.to_dict() for m in ms] for i, ms in b.items()
    }


def test_a_changed_document_is_asked_by_its_new_text():
    needs, results = make_docs()
    index = MatchIndex.build(needs, results, expansions=THESAURUS)
    changed = dataclasses.replace(needs[0], title="茶叶加工", text="揉捻 杀青 烘干 香气")
    index.upsert(changed)

    found = index.top_k_for_needs([changed.id], k=5)[changed.id]

    assert ranking(found) == ranking(index.reindex().top_k_for_needs([changed.id], k=5)[0])
    assert (found[0].id - 1000) % 6 == 4  # a tea processing result, no longer cold chain
