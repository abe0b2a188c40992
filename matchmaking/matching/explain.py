"""Why a pair matched: readable terms with their share of the text score, and structured fits.

Features are character unigrams and bigrams, which are not readable on their own, so the
contributions (query weight x document weight per feature) are regrouped into phrases of the
query text: consecutive matched bigrams merge (冷链 + 链物 + 物流 -> 冷链物流) and a unigram's
contribution is split among the phrases that contain it. Contribution of unigrams outside any
phrase is left unexplained, so the shares of ``terms`` sum to at most 1.

With pseudo-relevance feedback part of the text score comes from terms the query does not
contain but the best documents for it do; those are reported separately as ``related_terms``:
the document's curated keywords when it has some (whole terms by construction), else phrases
formed by its strongest feedback bigrams. The two lists together still sum to at most 1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from .stopwords import CURATED_EXPLANATION_STOPS
from .structured import FitResult
from .text import Analyzer, SpanIndex, is_cjk, is_stop_feature, normalize, readable_spans

MAX_TERMS = 8
ANALYZER = Analyzer()  # plain, for splitting keywords into features

_STOP_FILE = Path(__file__).resolve().parent / "data" / "need_stop_terms.tsv"


def _load_stop_terms() -> frozenset[str]:
    learnt = set()
    if _STOP_FILE.exists():
        for line in _STOP_FILE.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#") and not line.startswith("term\t"):
                learnt.add(normalize(line.split("\t")[0]))
    return frozenset(learnt | {normalize(w) for w in CURATED_EXPLANATION_STOPS})


#: Terms never shown as shared keywords or highlights (issue 17): the curated list of
#: stopwords.py and the list learnt from needs (data/need_stop_terms.tsv).
EXPLANATION_STOP_TERMS: frozenset[str] = _load_stop_terms()
_MAX_STOP_LEN = max(map(len, EXPLANATION_STOP_TERMS))


def is_stop_phrase(phrase: str, title: str = "") -> bool:
    """True when ``phrase`` is made only of explanation stop terms (合作社, 村里 + 我们 ...)
    and does not occur in ``title``: a word of the result's own title is always kept."""
    p = normalize(phrase).strip()
    if not p or " ≈ " in p:  # a thesaurus expansion: always meaningful
        return False
    return _only_stop_terms(p) and not (title and p in normalize(title))


@lru_cache(maxsize=65_536)
def _only_stop_terms(p: str) -> bool:
    # The same phrases come back for pair after pair of a re-match: worked out once each.
    ok = [True] + [False] * len(p)  # ok[i]: p[:i] splits into stop terms
    for i in range(1, len(p) + 1):
        for j in range(max(0, i - _MAX_STOP_LEN), i):
            if ok[j] and p[j:i] in EXPLANATION_STOP_TERMS:
                ok[i] = True
                break
    return ok[-1]


@lru_cache(maxsize=65_536)
def _phrase_features(phrase: str) -> tuple[str, ...]:
    """A keyword's or a canonical term's features: a few thousand phrases, met for every
    pair that has them."""
    return tuple(ANALYZER.features(phrase))


@dataclass
class MatchExplanation:
    """JSON-ready explanation of one (query, document) pair. ``to_dict()`` for a JSONField."""

    score: float
    text_score: float
    structured_score: float | None = None
    terms: list[tuple[str, float]] = field(default_factory=list)
    related_terms: list[tuple[str, float]] = field(default_factory=list)
    fits: dict[str, FitResult] = field(default_factory=dict)
    need_id: Any = None
    result_id: Any = None
    # Issue 17: "hybrid" when words and meaning were fused (score is then the fused score);
    # dense_score is the cosine of the two dense vectors.
    method: str = "lexical"
    dense_score: float | None = None
    # False for a pair ranked below what a list first shows: its scores and fits are worked
    # out, its terms are not yet (the site completes them when the pair is first shown).
    complete: bool = True

    def to_dict(self) -> dict:
        scores = {
            "need_id": self.need_id,
            "result_id": self.result_id,
            "score": round(self.score, 6),
            "text_score": round(self.text_score, 6),
            "structured_score": None
            if self.structured_score is None
            else round(self.structured_score, 6),
            "method": self.method,
            "dense_score": None if self.dense_score is None else round(self.dense_score, 6),
        }
        if not self.complete:  # the scores only: no terms or fits to list yet
            return scores | {"complete": False}
        return scores | {
            "terms": [[t, s] for t, s in self.terms],
            "related_terms": [[t, s] for t, s in self.related_terms],
            "fits": {k: v.to_dict() for k, v in self.fits.items()},
        }


def _floor4(x: float) -> float:
    # Round down so rounded shares can never add up to more than 1.
    return math.floor(x * 10_000) / 10_000


def _phrase_shares(
    spans: list[tuple[str, list[str]]], contrib: dict[str, float], total: float
) -> list[tuple[str, float]]:
    if not spans or total <= 0:
        return []
    # A feature appearing in several phrases has its contribution split between them, so no
    # contribution is counted twice.
    uses: dict[str, int] = {}
    for _phrase, feats in spans:
        for f in set(feats):
            uses[f] = uses.get(f, 0) + 1
    scored = []
    for phrase, feats in spans:
        c = sum(contrib[f] / uses[f] for f in set(feats) if f in contrib)
        if c > 0:
            scored.append((phrase, c / total))
    scored.sort(key=lambda x: (-x[1], x[0]))
    return [(p, _floor4(s)) for p, s in scored[:MAX_TERMS] if _floor4(s) > 0]


def _keyword_spans(keywords: Sequence[str], contrib: dict[str, float]) -> list[tuple[str, list]]:
    """Curated keywords as phrases: they are whole terms by construction."""
    spans = []
    seen = set()
    for kw in keywords:
        k = normalize(kw).strip()
        if len(k) < 2 or k in seen:
            continue
        seen.add(k)
        feats = [f for f in set(_phrase_features(k)) if f in contrib]
        if any(len(f) > 1 for f in feats):  # at least a bigram or a word, not just characters
            spans.append((k, feats))
    return spans


def text_terms(
    terms: list[str],
    q_orig: sp.csr_matrix,
    q_final: np.ndarray,
    d: sp.csr_matrix | tuple[np.ndarray, np.ndarray],
    query_text: str,
    doc_text: str,
    doc_keywords: Sequence[str] = (),
    expansions: Sequence[tuple[str, str]] = (),
    own_features: set[str] | None = None,
    query_spans: SpanIndex | None = None,
    doc_title: str = "",
) -> tuple[float, list[tuple[str, float]], list[tuple[str, float]]]:
    """(text score, direct terms, related terms) for one pair.

    ``q_orig`` is the query's own unit vector, ``q_final`` the dense vector actually used for
    scoring (with feedback when enabled), ``d`` the document's unit row (or its (columns,
    values): a re-match explains thousands of rows, and a CSR matrix each costs more than the
    arithmetic). ``expansions`` are the
    thesaurus (source, canonical) pairs the query triggered; one entry per source term shows
    the canonical terms that contributed: "洋芋 ≈ 马铃薯", "干不干 ≈ 墒情 / 土壤湿度". An
    expansion is credited only with features the query text does not have itself
    (``own_features``), as the analyzer adds only those. ``query_spans`` is the query text
    read once (``SpanIndex(query_text)``): explaining one query against many documents passes
    the same one, so the query text is not walked again for each document.

    Phrases made only of explanation stop terms (:func:`is_stop_phrase`: 合作社, 到, 天 ...)
    are left out of both lists unless they occur in ``doc_title``; their share of the score
    stays unexplained.
    """
    if sp.issparse(d):
        d = d.tocsr()
        d = (d.indices, d.data)
    cols, vals = d[0], d[1].astype(np.float64)
    contrib = q_final[cols] * vals
    total = float(contrib.sum())
    if total <= 0:
        return 0.0, [], []
    own = set(q_orig.indices.tolist())
    direct: dict[str, float] = {}
    related: dict[str, float] = {}
    for j, c in zip(cols.tolist(), contrib.tolist(), strict=True):
        if c <= 0:
            continue
        (direct if j in own else related)[terms[j]] = c
    own = own_features if own_features is not None else set(ANALYZER.features(query_text))
    matched = {f for f in direct if f in own}
    spans = query_spans.spans(matched) if query_spans else readable_spans(query_text, matched)
    by_src: dict[str, tuple[list[str], set[str]]] = {}
    for src, dst in expansions:
        feats = {f for f in _phrase_features(dst) if f in direct and f not in own}
        if any(len(f) > 1 or not is_cjk(f) for f in feats):
            dsts, fs = by_src.setdefault(src, ([], set()))
            dsts.append(dst)
            fs |= feats
    for src, (dsts, fs) in by_src.items():
        spans.append((f"{src} ≈ {' / '.join(dsts)}", sorted(fs)))
    spans = [sp_ for sp_ in spans if not is_stop_phrase(sp_[0], doc_title)]
    direct_terms = _phrase_shares(spans, direct, total)
    # Feedback terms: every term of the feedback documents gets a little weight and the document
    # is usually one of them, so grouping all of them would echo its whole text. Use its curated
    # keywords when it has some; otherwise the phrases formed by its strongest bigrams/words.
    spans = _keyword_spans(doc_keywords, related)
    if not spans:
        top = sorted(
            ((t, c) for t, c in related.items() if len(t) > 1 and not is_stop_feature(t)),
            key=lambda x: (-x[1], x[0]),
        )[:MAX_TERMS]
        keep = {t for t, _ in top}
        keep |= {ch for t in keep if is_cjk(t) for ch in t if ch in related}
        spans = readable_spans(doc_text, keep)
    spans = [sp_ for sp_ in spans if not is_stop_phrase(sp_[0], doc_title)]
    return total, direct_terms, _phrase_shares(spans, related, total)
