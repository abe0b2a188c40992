"""Fusion of the lexical and the dense rankings of one query.

Reciprocal-rank fusion (Cormack et al. 2009): a candidate at rank r (1-based) in a list earns
1 / (k + r); its fused score is the sum over the lists. k = 60 is the value of the paper and
needs no tuning, which matters here: the dense scores of e5 are squeezed together (0.85-0.91)
and lexical cosines are not on the same scale, so ranks are the safe common ground.

The fused score is divided by its best possible value, 2 / (k + 1) (first in both lists), so it
lies in (0, 1]: 1.0 = first by words and by meaning. A candidate that is in one list only
earns that list's share; a candidate that *cannot* be in the dense list (a listing whose vector
is not computed yet) counts its lexical term twice, so it is ranked as if its meaning agreed
with its words instead of being pushed down for a missing vector.

:func:`weighted_fusion` is the alternative the benchmark fits on dev data: a weighted sum of
per-query min-max normalised scores (``alpha`` x lexical + (1 - alpha) x dense).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

import numpy as np

RRF_K = 60


def rrf(
    lexical: Sequence[Hashable],
    dense: Sequence[Hashable],
    k: int = RRF_K,
    *,
    no_vector: Iterable[Hashable] = (),
) -> dict[Hashable, float]:
    """Normalised reciprocal-rank fusion of two ranked lists (best first) of candidate ids.

    ``no_vector``: candidates that could not appear in ``dense`` (no vector); their lexical
    term counts twice. Returns id -> fused score in (0, 1].
    """
    missing = set(no_vector)
    out: dict[Hashable, float] = {}
    for r, c in enumerate(lexical, start=1):
        out[c] = out.get(c, 0.0) + (2.0 if c in missing else 1.0) / (k + r)
    for r, c in enumerate(dense, start=1):
        out[c] = out.get(c, 0.0) + 1.0 / (k + r)
    best = 2.0 / (k + 1)
    return {c: s / best for c, s in out.items()}


def _minmax(scores: dict[Hashable, float]) -> dict[Hashable, float]:
    if not scores:
        return {}
    v = np.array(list(scores.values()), np.float64)
    lo, hi = float(v.min()), float(v.max())
    span = hi - lo
    return {c: (s - lo) / span if span > 0 else 1.0 for c, s in scores.items()}


def weighted_fusion(
    lexical: dict[Hashable, float],
    dense: dict[Hashable, float],
    alpha: float,
    *,
    no_vector: Iterable[Hashable] = (),
) -> dict[Hashable, float]:
    """alpha x minmax(lexical) + (1 - alpha) x minmax(dense) over the union of candidates
    (a candidate absent from a list scores 0 there; one without a vector uses its lexical
    value for both)."""
    missing = set(no_vector)
    lx, dn = _minmax(lexical), _minmax(dense)
    out = {}
    for c in lexical.keys() | dense.keys():
        lv = lx.get(c, 0.0)
        dv = lv if c in missing else dn.get(c, 0.0)
        out[c] = alpha * lv + (1.0 - alpha) * dv
    return out


def ranked(scores: dict[Hashable, float], tie: dict[Hashable, int] | None = None) -> list:
    """Ids by score, best first; ties by ``tie`` key (default: the id itself), lower first."""
    return sorted(scores, key=lambda c: (-scores[c], tie[c] if tie is not None else c))


__all__ = ["RRF_K", "ranked", "rrf", "weighted_fusion"]
