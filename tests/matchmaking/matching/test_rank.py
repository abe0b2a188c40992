"""The ``rank()`` contract of the lexical ranking (``lexical=True``); the hybrid default is
specified in test_fusion.py."""

from __future__ import annotations

import pytest

from matchmaking.matching import rank, topk
from matchmaking.matching.text import Analyzer

DOCS = [
    "果蔬冷链物流与预冷保鲜技术研究",
    "马铃薯种植与病虫害绿色防控",
    "农产品质量安全溯源系统设计，基于区块链",
    "直播电商助力农产品上行的模式分析",
    "Python programming for beginners",
    "茶叶加工工艺与品质",
    "苹果贮藏保鲜与气调库",
    "",
]
QUERIES = [
    "冷链保鲜",
    "农产品溯源 区块链",
    "马铃薯病害防治",
    "直播卖货",
    "python",
    "完全无关的词汇",
]


def _shares_a_term(q: str, d: str) -> bool:
    an = Analyzer()
    return bool(set(an.features(q)) & set(an.features(d)))


def test_contract_scores_order_and_overlap():
    out = rank(QUERIES, DOCS, k=3, lexical=True)
    assert len(out) == len(QUERIES)
    for q, hits in zip(QUERIES, out, strict=True):
        assert len(hits) <= 3
        scores = [s for _, s in hits]
        assert all(0 < s <= 1 for s in scores)
        assert scores == sorted(scores, reverse=True)
        for i, _ in hits:
            assert isinstance(i, int) and 0 <= i < len(DOCS)
            assert _shares_a_term(q, DOCS[i]), (q, DOCS[i])


def test_obvious_matches_come_first():
    out = rank(QUERIES[:5], DOCS, k=5, lexical=True)
    assert [hits[0][0] for hits in out] == [0, 2, 1, 3, 4]


def test_query_sharing_nothing_gets_nothing():
    assert rank(["量子计算"], ["果蔬冷链", "茶叶加工"], lexical=True) == [[]]
    assert rank([""], DOCS, lexical=True) == [[]]


def test_edge_sizes():
    assert rank([], DOCS, lexical=True) == []
    assert rank(["冷链"], [], lexical=True) == [[]]
    assert rank(["冷链"], DOCS, k=0, lexical=True) == [[]]
    big_k = rank(["保鲜"], DOCS, k=100, lexical=True)[0]
    assert len(big_k) == len({i for i, _ in big_k}) <= len(DOCS)


def test_deterministic():
    assert rank(QUERIES, DOCS, k=5, lexical=True) == rank(QUERIES, DOCS, k=5, lexical=True)


def test_exact_duplicates_tie_break_by_lower_index():
    out = rank(["冷链保鲜"], ["冷链保鲜技术", "冷链保鲜技术", "冷链"], k=3, lexical=True)[0]
    assert [i for i, _ in out][:2] == [0, 1]
    assert out[0][1] == out[1][1]


def test_exclude_leaves_a_document_out():
    out = rank(["冷链保鲜"], DOCS, k=10, exclude=[0], lexical=True)[0]
    assert 0 not in [i for i, _ in out]


def test_scipy_fallback_gives_the_same_ranking(monkeypatch: pytest.MonkeyPatch):
    with_library = rank(QUERIES, DOCS, k=5, lexical=True)
    monkeypatch.setattr(topk, "_sdt_topn", None)
    without = rank(QUERIES, DOCS, k=5, lexical=True)
    assert [[i for i, _ in h] for h in with_library] == [[i for i, _ in h] for h in without]
    for a, b in zip(with_library, without, strict=True):
        assert [s for _, s in a] == pytest.approx([s for _, s in b], abs=1e-6)
