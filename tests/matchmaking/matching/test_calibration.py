"""Strength words (issue 17): thresholds reproduce from the stored dev pairs, and mean what
they say on them."""

from __future__ import annotations

import pytest

from matchmaking.matching.calibration import (
    STRONG_PRECISION,
    derive_thresholds,
    load_calibration,
    strength,
)


@pytest.mark.parametrize("method", ["hybrid", "lexical"])
def test_stored_thresholds_reproduce_from_the_stored_dev_pairs(method):
    cal = load_calibration()
    pairs = [(s, g) for s, g in cal["pairs"][method]]
    assert len(pairs) >= 300
    assert derive_thresholds(pairs) == cal["methods"][method]
    strong = [g for s, g in pairs if strength(s, method) == "strong"]
    assert len(strong) >= 10
    assert sum(g == 2 for g in strong) / len(strong) >= STRONG_PRECISION


def test_derivation_by_hand():
    # scores 1.0 .. 0.1; grades: the top four solve, then related, then nothing
    pairs = [(round(1 - i / 10, 1), g) for i, g in enumerate([2, 2, 2, 2, 1, 0, 1, 0, 0, 0])]
    t = derive_thresholds(pairs, min_support=2)
    # >= 0.6: 4 of 5 solve (80%; >= 0.5 would be 4 of 6); >= 0.1: 6 of 10 related (60%)
    assert t == {"strong": 0.6, "good": 0.1}
    assert [strength(s, thresholds=t) for s in (0.9, 0.6, 0.5, 0.1, 0.05)] == [
        "strong",
        "strong",
        "good",
        "good",
        "possible",
    ]
    assert derive_thresholds([(0.5, 0)] * 20) == {"strong": None, "good": None}
    assert strength(0.99, thresholds={"strong": None, "good": None}) == "possible"
