"""Fusion of the lexical and the dense rankings (issue 17): reciprocal rank, k = 60, scores
divided by the best possible 2 / 61, worked out by hand on a small fixed set."""

from __future__ import annotations

import numpy as np
import pytest

from matchmaking.matching import HashEncoder, rank, rrf, weighted_fusion

DOCS = ["冷链保鲜技术", "茶叶加工", "冷链物流", "叶菜真空预冷", ""]
QUERY = "冷链保鲜"


class Fixed:
    """An encoder with hand-set vectors: the query is closest to doc 3, then 1, 2, 0."""

    dim, name = 2, "fixed"
    VECS = {
        QUERY: (1.0, 0.0),
        "冷链保鲜技术": (0.0, 1.0),  # dense rank 4
        "茶叶加工": (0.6, 0.8),  # dense rank 2
        "冷链物流": (0.5, 0.866),  # dense rank 3
        "叶菜真空预冷": (0.8, 0.6),  # dense rank 1
    }

    def encode_queries(self, texts):
        return np.array([self.VECS[t] for t in texts], np.float32)

    encode_passages = encode_queries


def test_rrf_by_hand():
    best = 2 / 61
    assert rrf(["a", "b"], ["b", "c"]) == pytest.approx(
        {"a": (1 / 61) / best, "b": (1 / 62 + 1 / 61) / best, "c": (1 / 62) / best}
    )
    # a candidate without a vector counts its lexical term twice
    assert rrf(["a", "b"], ["b"], no_vector=["a"]) == pytest.approx(
        {"a": 1.0, "b": (1 / 62 + 1 / 61) / best}
    )
    assert rrf(["a"], ["a"], k=10) == pytest.approx({"a": 1.0})


def test_rank_fuses_exactly_as_computed_by_hand():
    # lexical ranks, by shared characters: 0 (冷链保鲜), 2 (冷链), 3 (冷 of 预冷)
    assert [i for i, _ in rank([QUERY], DOCS, k=10, lexical=True)[0]] == [0, 2, 3]
    # dense ranks: 3, 1, 2, 0 (doc 4 is empty: no vector, never in the dense list)
    best = 2 / 61
    expect = {
        0: (1 / 61 + 1 / 64) / best,
        2: (1 / 62 + 1 / 63) / best,
        3: (1 / 63 + 1 / 61) / best,
        1: (1 / 62) / best,
    }
    got = rank([QUERY], DOCS, k=10, encoder=Fixed())[0]
    assert [i for i, _ in got] == [3, 0, 2, 1]
    assert dict(got) == pytest.approx(expect)


def test_hybrid_rank_finds_by_meaning_and_keeps_the_contract():
    enc = HashEncoder(32)
    out = rank(["冷链保鲜", "", "量子计算"], DOCS, k=3, encoder=enc)
    assert out[1] == []  # an empty query gets nothing
    for hits in (out[0], out[2]):
        scores = [s for _, s in hits]
        assert len(hits) == 3 and all(0 < s <= 1 for s in scores)
        assert scores == sorted(scores, reverse=True)
    assert out[0][0][0] == 0  # first by words and by meaning
    assert rank(["冷链保鲜"], DOCS, k=5, encoder=enc, exclude=[0])[0][0][0] != 0
    assert rank(["冷链保鲜"], DOCS, encoder=enc) == rank(["冷链保鲜"], DOCS, encoder=enc)


def test_weighted_fusion_by_hand():
    lex = {"a": 0.8, "b": 0.4, "c": 0.0}
    dense = {"b": 0.9, "c": 0.88, "d": 0.85}
    got = weighted_fusion(lex, dense, 0.5)
    # min-max: lex a 1, b .5, c 0; dense b 1, c .6, d 0
    assert got == pytest.approx({"a": 0.5, "b": 0.75, "c": 0.3, "d": 0.0})
    assert weighted_fusion(lex, dense, 0.5, no_vector=["a"])["a"] == pytest.approx(1.0)
