"""Scores shown to users as words: 强 / 较好 / 可能 (issue 17).

Raw scores mean little to a reader (a fused score of 0.6 is not "60% relevant"), and the
dense cosines are squeezed together, so the site shows a strength word and keeps the number
for the details. The thresholds are chosen on graded dev data so that:

* ``strong`` (强): at least :data:`STRONG_PRECISION` (70%) of the pairs at or above the
  threshold solve the need (grade 2);
* ``good`` (较好): at least :data:`GOOD_PRECISION` (60%) of the pairs at or above it are at
  least related (grade >= 1);
* ``possible`` (可能): everything else that is returned.

Each is the *lowest* score meeting its rule with at least :data:`MIN_SUPPORT` pairs at or
above it, so as many matches as the rule allows get the stronger word. Hybrid (fused) and
lexical scores live on different scales, so each method has its own thresholds.

``data/calibration.json`` holds the thresholds and the (score, grade) pairs they were derived
from; ``bench/calibrate.py`` rewrites it from the dev data, and a test re-derives the
thresholds from the stored pairs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

STRONG_PRECISION = 0.70
GOOD_PRECISION = 0.60
MIN_SUPPORT = 10
CALIBRATION_FILE = Path(__file__).resolve().parent / "data" / "calibration.json"

STRONG, GOOD, POSSIBLE = "strong", "good", "possible"


def _lowest_threshold(
    pairs: list[tuple[float, int]], ok: callable, precision: float, support: int
) -> float | None:
    """Lowest score t with >= support pairs scoring >= t, of which a share >= precision
    satisfy ``ok(grade)``. Ties: all pairs of one score are counted together."""
    ranked = sorted(pairs, key=lambda p: -p[0])
    best = None
    hits = 0
    i = 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            hits += ok(ranked[j][1])
            j += 1
        if j >= support and hits / j >= precision:
            best = ranked[i][0]
        i = j
    return best


def derive_thresholds(
    pairs: Iterable[tuple[float, int]],
    *,
    strong_precision: float = STRONG_PRECISION,
    good_precision: float = GOOD_PRECISION,
    min_support: int = MIN_SUPPORT,
) -> dict[str, float | None]:
    """``{"strong": t1, "good": t2}`` from (score, grade) pairs (grades 0 / 1 / 2); None
    when no threshold meets the rule. ``good`` is never above ``strong``."""
    pairs = [(round(float(s), 6), int(g)) for s, g in pairs]
    strong = _lowest_threshold(pairs, lambda g: g >= 2, strong_precision, min_support)
    good = _lowest_threshold(pairs, lambda g: g >= 1, good_precision, min_support)
    if strong is not None and (good is None or good > strong):
        good = strong
    return {STRONG: strong, GOOD: good}


@cache
def load_calibration(path: Path = CALIBRATION_FILE) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def strength(
    score: float, method: str = "hybrid", thresholds: Mapping[str, float | None] | None = None
) -> str:
    """'strong' / 'good' / 'possible' for a match score of ``method`` ("hybrid" or
    "lexical"), by the stored thresholds (or the given ones)."""
    t = thresholds if thresholds is not None else load_calibration()["methods"][method]
    if t.get(STRONG) is not None and score >= t[STRONG]:
        return STRONG
    if t.get(GOOD) is not None and score >= t[GOOD]:
        return GOOD
    return POSSIBLE


__all__ = [
    "GOOD",
    "GOOD_PRECISION",
    "MIN_SUPPORT",
    "POSSIBLE",
    "STRONG",
    "STRONG_PRECISION",
    "derive_thresholds",
    "load_calibration",
    "strength",
]
