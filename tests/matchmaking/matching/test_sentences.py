"""The "意思相近" helper: the sentences of a result closest to a need (issue 17)."""

from __future__ import annotations

import numpy as np

from matchmaking.matching import HashEncoder
from matchmaking.matching.sentences import closest_sentences, split_sentences

TEXT = (
    "本研究针对叶菜采后失水萎蔫快的问题。比较了不同真空度对降温速率的影响！"
    "结果表明货架期延长2~3 d。好。The method is cheap. 见图1"
)


def test_sentences_are_split_on_ends_and_short_pieces_join_the_next():
    spans = split_sentences(TEXT)
    assert [TEXT[s:e] for s, e in spans] == [
        "本研究针对叶菜采后失水萎蔫快的问题。",
        "比较了不同真空度对降温速率的影响！",
        "结果表明货架期延长2~3 d。",
        "好。The method is cheap.",
        "见图1",
    ]
    assert split_sentences("") == [] and split_sentences("  。。 ") == []


class Axis:
    """Sentence i of TEXT is axis i: a need on axis 1 is closest to the second sentence."""

    dim, name = 8, "axis"

    def encode_passages(self, texts):
        out = np.zeros((len(texts), 8), np.float32)
        for j, t in enumerate(texts):
            out[j, 1 if "真空" in t else 2 if "货架期" in t else 0] = 1.0
        return out

    encode_queries = encode_passages


def test_closest_sentences_best_first_with_offsets():
    need = np.eye(8, dtype=np.float32)[1] * 0.8 + np.eye(8, dtype=np.float32)[2] * 0.6
    got = closest_sentences(need, TEXT, Axis(), n=2)
    assert [g["text"] for g in got] == [
        "比较了不同真空度对降温速率的影响！",
        "结果表明货架期延长2~3 d。",
    ]
    assert [g["score"] for g in got] == [0.8, 0.6]
    assert all(TEXT[g["start"] : g["end"]] == g["text"] for g in got)
    assert closest_sentences(need, TEXT, Axis(), n=2, min_score=0.7) == got[:1]
    assert closest_sentences(need, "", Axis()) == []


def test_works_with_any_encoder_and_is_deterministic():
    enc = HashEncoder(32)
    need = enc.encode_queries(["真空预冷 降温"])[0]
    a = closest_sentences(need, TEXT, enc, n=1)
    assert len(a) == 1 and a == closest_sentences(need, TEXT, enc, n=1)
