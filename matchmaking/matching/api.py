"""``rank()``: text-only ranking of plain strings, the contract external checks call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .engine import Store, search
from .model import Fields, Vectorizer, Weights
from .text import Analyzer

#: Candidates re-scored with pseudo-relevance feedback per query (see engine.py).
POOL = 100


def rank(
    queries: Sequence[str],
    documents: Sequence[str],
    k: int = 10,
    *,
    weights: Weights | None = None,
    exclude: Sequence[int | None] | None = None,
    expansions: Mapping[str, Sequence[str]] | Any | None = None,
    expansion_weight: float = 0.5,
) -> list[list[tuple[int, float]]]:
    """For each query, up to ``k`` ``(document_index, score)`` pairs, best first.

    Scores are cosines in (0, 1]; documents sharing no indexed term with the query are left
    out; ties are broken by the lower document index. The vocabulary and IDF are fitted on
    ``documents``. Deterministic: the same input gives the same output.

    ``exclude[i]``, if given, is a document index never returned for query i (for instance
    the query's own document when matching a collection against itself).

    ``expansions`` (a ``Thesaurus`` or a term -> canonical terms mapping) expands queries and
    documents at ``expansion_weight``; off by default. Queries and documents are treated as
    plain (not colloquial) text here.
    """
    queries, documents = list(queries), list(documents)
    if k <= 0 or not queries:
        return [[] for _ in queries]
    if not documents:
        return [[] for _ in queries]
    w = weights or Weights()
    vec = Vectorizer(weights=w, analyzer=Analyzer(expansions, expansion_weight=expansion_weight))
    rows = vec.fit_transform([Fields(text=d or "") for d in documents])
    store = Store.from_matrix(rows, np.arange(len(documents), dtype=np.int64))
    q = vec.transform([Fields(text=t or "") for t in queries], query=True)
    found = search(
        store,
        q,
        max(POOL, k),
        prf_docs=w.prf_docs,
        prf_weight=w.prf_weight,
        exclude=None if exclude is None else list(exclude),
    )
    return [
        [(int(s), float(x)) for s, x in zip(c.slots[:k], c.scores[:k], strict=True)] for c in found
    ]
