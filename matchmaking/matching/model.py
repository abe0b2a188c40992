"""Fitted vocabulary + IDF, and the term weighting that turns texts into unit vectors.

Weighting (defaults chosen on the CSL dev split, see ``bench/match_quality.py``):

* term frequency is the weighted sum over fields (title and keywords count more than body, see
  :class:`Weights`), then saturated BM25-style: ``tf * (k1 + 1) / (tf + k1 * norm)`` with
  ``norm = 1 - b + b * len / avg_len``, so a term repeated ten times is not ten times as
  important and long texts do not win by length alone (queries use ``b = 0``);
* IDF is the BM25 form ``ln(1 + (N - df + 0.5) / (df + 0.5))``;
* in corpora of 20k+ documents, terms found in more than ``max_df`` (10%) of the documents are
  dropped: they tell little and their long posting lists are most of the sparse product's cost;
* every vector is L2-normalised float32 CSR, so a dot product is a cosine in [0, 1].

The vocabulary and IDF are frozen after :meth:`Vectorizer.fit`: adding or changing a document
re-uses them (terms unseen at fit time are ignored until the next full rebuild), which is what
makes incremental updates give exactly the vectors a rebuild with the same vocabulary gives.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp

from .files import save_npz
from .text import Analyzer, is_stop_feature
from .thesaurus import expansions_fingerprint


class Fields(NamedTuple):
    """The text fields of one document or query."""

    title: str | None = None
    text: str | None = None
    keywords: Sequence[str] = ()
    #: Colloquial text (a need, a free-text query): budget phrases, quantities and filler
    #: phrases are dropped before features are taken (see colloquial.py).
    colloquial: bool = False


@dataclass(frozen=True)
class Weights:
    """Term-weighting settings, saved with an index so a reload scores identically."""

    title: float = 3.0  # a title term counts like 3 body occurrences
    keywords: float = 3.0  # keywords are curated by the author: as strong as the title
    body: float = 1.0
    k1: float = 1.2  # BM25 tf saturation (0 = binary, large = raw tf); Robertson's default
    b: float = 0.75  # BM25 length normalisation of documents; Robertson's default
    # Speed, not quality: in a large corpus, drop terms found in more than ``max_df`` of the
    # documents (their long posting lists are most of the sparse product's cost; all-pairs
    # 2,000 x 100k goes from ~2.6 s to ~1.5 s on a busy 2-core machine). Small corpora keep all
    # terms and let IDF weigh them: on a small, focused corpus a frequent term can still be the
    # topic (measured: cutting at 0.1 cost 4% nDCG on the 344-document domain set, -1% P@10
    # on CSL dev when forced on 1,000 papers).
    max_df: float = 0.1
    max_df_min_docs: int = 20_000
    min_df: int = 1
    # Prune each query vector to its heaviest terms (0 = keep all). Rare terms weigh most and
    # have the shortest posting lists, so this bounds the cost of a very long query. Measured
    # with whole abstracts as queries (CSL dev, topical): 128 terms lose nothing, 48 lose ~15%.
    query_max_terms: int = 128
    # Pseudo-relevance feedback (Rocchio): the query is mixed with the unit centroid of its
    # ``prf_docs`` best documents, with weight ``prf_weight``; 0 docs disables it. It finds
    # documents that use the vocabulary of the topic without repeating the query's own words.
    prf_docs: int = 5
    prf_weight: float = 0.5

    def to_dict(self) -> dict:
        return asdict(self)


def l2_normalize_rows(m: sp.csr_matrix) -> sp.csr_matrix:
    """Row-wise L2 normalisation (float32 result, in place); zero rows stay zero."""
    lens = np.diff(m.indptr)
    rows = np.repeat(np.arange(m.shape[0]), lens)
    sq = np.bincount(rows, weights=m.data.astype(np.float64) ** 2, minlength=m.shape[0])
    norms = np.sqrt(sq)
    norms[norms == 0] = 1.0
    m.data = (m.data / norms[rows]).astype(np.float32)
    return m


def prune_rows(m: sp.csr_matrix, max_terms: int) -> sp.csr_matrix:
    """Keep the ``max_terms`` largest entries of each row (ties -> lower column, deterministic)."""
    lengths = np.diff(m.indptr)
    if max_terms <= 0 or lengths.max(initial=0) <= max_terms:
        return m
    keep = np.ones(m.nnz, dtype=bool)
    for r in np.flatnonzero(lengths > max_terms):
        s, e = m.indptr[r], m.indptr[r + 1]
        order = np.argsort(-m.data[s:e], kind="stable")
        keep[s + order[max_terms:]] = False
    new_indptr = np.concatenate(([0], np.cumsum(np.minimum(lengths, max_terms))))
    return sp.csr_matrix((m.data[keep], m.indices[keep], new_indptr), shape=m.shape)


_CHUNK = 4096  # documents per chunk when building count matrices (bounds Python list memory)

# The code that turns a text into counts: a change to any of these files makes earlier counts
# unusable (see CountCache), without anyone having to remember to bump a version.
_ANALYSIS_SOURCES = ("text.py", "colloquial.py", "stopwords.py", "model.py")
_analysis_code: str | None = None


def _analysis_code_digest() -> str:
    global _analysis_code
    if _analysis_code is None:
        h = hashlib.blake2b(digest_size=8)
        for name in _ANALYSIS_SOURCES:
            h.update((Path(__file__).parent / name).read_bytes())
        _analysis_code = h.hexdigest()
    return _analysis_code


def fields_digest(d: Fields) -> bytes:
    """16 bytes identifying a document's fields (what its counts depend on, with the key)."""
    text = json.dumps(
        [d.title or "", d.text or "", [k for k in d.keywords if k], d.colloquial],
        ensure_ascii=False,
    )
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


@dataclass
class CountCache:
    """Field-weighted term counts of analysed documents, by a digest of each one's fields.

    Analysing the text (normalising, n-grams, the thesaurus) is most of a fit's cost, and a
    nightly full re-match sees mostly documents unchanged since the last one. A fit given the
    previous fit's cache analyses only the documents whose fields changed and re-uses the
    counts of the others; vocabulary, IDF and every vector come out exactly as a fit that
    analyses everything (the counts are the same numbers, tested). ``key`` names the analysis
    that made the counts: another thesaurus, field weights or analysis code never re-uses them.
    """

    key: str
    digests: np.ndarray  # (n,) "S16": fields_digest of each row's document
    terms: list[str]  # column -> feature, every feature seen (before any pruning)
    counts: sp.csr_matrix  # (n, len(terms)) float32

    def save(self, path: str | os.PathLike) -> None:
        save_npz(
            path,
            {
                "key": np.frombuffer(self.key.encode("utf-8"), np.uint8),
                "digests": self.digests,
                "terms": np.frombuffer(
                    json.dumps(self.terms, ensure_ascii=False).encode(), np.uint8
                ),
                "data": self.counts.data,
                "indices": self.counts.indices,
                "indptr": self.counts.indptr,
            },
        )

    @classmethod
    def load(cls, path: str | os.PathLike) -> CountCache | None:
        """The cache saved at ``path``; None when there is none or it cannot be read (a fit
        then analyses every document, as without one)."""
        try:
            with np.load(path, allow_pickle=False) as z:
                terms = json.loads(z["terms"].tobytes().decode("utf-8"))
                digests = z["digests"]
                counts = sp.csr_matrix(
                    (z["data"], z["indices"], z["indptr"]), shape=(len(digests), len(terms))
                )
                return cls(z["key"].tobytes().decode("utf-8"), digests, terms, counts)
        except (OSError, ValueError, KeyError, EOFError):
            return None


@dataclass
class Vectorizer:
    """Vocabulary + document frequencies fitted on a corpus; maps fields to unit vectors."""

    weights: Weights = field(default_factory=Weights)
    analyzer: Analyzer = field(default_factory=Analyzer)
    vocabulary: dict[str, int] = field(default_factory=dict)
    terms: list[str] = field(default_factory=list)  # column -> term
    idf: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    n_docs: int = 0
    avg_len: float = 1.0
    #: The last fit's counts (a CountCache for the next fit to re-use); not saved with an index.
    counted: CountCache | None = field(default=None, repr=False, compare=False)

    @property
    def fitted(self) -> bool:
        return bool(self.terms)

    # -- counting -----------------------------------------------------------------------------
    def _field_weights(self) -> tuple[float, float, float]:
        w = self.weights
        return w.title, w.keywords, w.body

    def _count_matrix(
        self, docs: Sequence[Fields], vocab: dict[str, int], grow: bool
    ) -> sp.csr_matrix:
        """Field-weighted counts, one row per doc, columns from ``vocab``.

        With ``grow`` unseen features get new columns (fitting); otherwise they are dropped.
        """
        wt, wk, wb = self._field_weights()
        ew = self.analyzer.expansion_weight
        get = vocab.get
        chunks: list[sp.csr_matrix] = []
        for start in range(0, len(docs), _CHUNK):
            cols: list[int] = []
            # One entry per (doc, field) segment: rows/values are expanded with np.repeat,
            # which is much cheaper than appending one row id and one value per feature.
            seg_rows: list[int] = []
            seg_lens: list[int] = []
            seg_vals: list[float] = []
            for r, d in enumerate(docs[start : start + _CHUNK]):
                kw = " ; ".join(k for k in d.keywords if k) if d.keywords else None
                for text, weight in ((d.title, wt), (kw, wk), (d.text, wb)):
                    if not text or weight <= 0:
                        continue
                    feats, extra = self.analyzer.bulk_features(text, colloquial=d.colloquial)
                    for fs, fw in ((feats, weight), (extra, weight * ew)):
                        if not fs:
                            continue
                        ids = list(map(get, fs))
                        if None in ids:  # C-level scan; rare once the vocabulary is warm
                            if grow:
                                ids = [vocab.setdefault(f, len(vocab)) for f in fs]
                            else:
                                ids = [i for i in ids if i is not None]
                        cols.extend(ids)
                        seg_rows.append(r)
                        seg_lens.append(len(ids))
                        seg_vals.append(fw)
            n = min(_CHUNK, len(docs) - start)
            lens = np.asarray(seg_lens, dtype=np.int64)
            rows = np.repeat(np.asarray(seg_rows, dtype=np.int32), lens)
            vals = np.repeat(np.asarray(seg_vals, dtype=np.float32), lens)
            m = sp.coo_matrix(
                (vals, (rows, np.asarray(cols, dtype=np.int32))),
                shape=(n, max(len(vocab), 1) if grow else len(vocab)),
            ).tocsr()  # sums duplicate (row, col) entries = term counts
            chunks.append(m)
        width = len(vocab)
        out = [
            sp.csr_matrix((c.data, c.indices, c.indptr), shape=(c.shape[0], width)) for c in chunks
        ]
        if not out:
            return sp.csr_matrix((0, width), dtype=np.float32)
        return sp.vstack(out, format="csr")

    def analysis_key(self) -> str:
        """What counts depend on besides the text: the analysis code, the thesaurus, the
        expansion weight, the length cap and the field weights."""
        w, a = self.weights, self.analyzer
        return (
            f"{_analysis_code_digest()}:{expansions_fingerprint(a.expansions)}:"
            f"{a.expansion_weight}:{a.max_chars}:{w.title}:{w.keywords}:{w.body}"
        )

    def count(self, docs: Sequence[Fields], reuse: CountCache | None = None) -> CountCache:
        """Every feature's field-weighted count in each document, one row per document; the
        rows of documents found unchanged in ``reuse`` (same fields, same analysis) are taken
        from it instead of analysing their text again."""
        key = self.analysis_key()
        digests = np.array([fields_digest(d) for d in docs], dtype="S16")
        vocab: dict[str, int] = {}
        hit_pos: list[int] = []
        hit_rows: list[int] = []
        if reuse is not None and reuse.key == key and len(reuse.digests):
            vocab = {t: i for i, t in enumerate(reuse.terms)}
            where = dict(zip(reuse.digests.tolist(), range(len(reuse.digests)), strict=True))
            for p, digest in enumerate(digests.tolist()):
                row = where.get(digest)
                if row is not None:
                    hit_pos.append(p)
                    hit_rows.append(row)
        hit = set(hit_pos)
        todo = [p for p in range(len(docs)) if p not in hit]
        fresh = self._count_matrix([docs[p] for p in todo], vocab, grow=True)
        width = len(vocab)
        parts = [sp.csr_matrix((fresh.data, fresh.indices, fresh.indptr), (len(todo), width))]
        if hit_rows:
            old = reuse.counts[np.asarray(hit_rows)]
            parts.insert(
                0, sp.csr_matrix((old.data, old.indices, old.indptr), (len(hit_rows), width))
            )
        stacked = sp.vstack(parts, format="csr") if len(parts) > 1 else parts[0]
        # rows back into the documents' order
        order = np.argsort(np.asarray(hit_pos + todo, dtype=np.int64), kind="stable")
        counts = stacked[order] if len(order) else stacked
        # features no document has any more (edited or gone) leave the cache
        seen = np.bincount(counts.indices, minlength=width) > 0
        terms = list(vocab)
        if not seen.all():
            keep = np.flatnonzero(seen)
            terms = [terms[j] for j in keep]
            counts = counts[:, keep].tocsr()
        return CountCache(key, digests, terms, counts.astype(np.float32, copy=False))

    # -- fitting ------------------------------------------------------------------------------
    def fit_transform(
        self, docs: Sequence[Fields], *, reuse: CountCache | None = None
    ) -> sp.csr_matrix:
        """Learn vocabulary, IDF and average length from ``docs``; return their unit vectors.

        ``reuse``: an earlier fit's :attr:`counted` (see :class:`CountCache`); the result is the
        same with or without it. After the fit, :attr:`counted` holds this fit's counts."""
        self.counted = self.count(docs, reuse)
        return self.fit_counts(self.counted)

    def fit_counts(self, counted: CountCache) -> sp.csr_matrix:
        """Learn vocabulary, IDF and average length from counted documents (:meth:`count`);
        return their unit vectors."""
        return self.weigh(self.learn(counted))

    def learn(self, counted: CountCache) -> sp.csr_matrix:
        """Learn vocabulary, IDF and average length from counted documents; return their counts
        over the learnt vocabulary (what :meth:`weigh` turns into vectors)."""
        w = self.weights
        raw_vocab = {t: j for j, t in enumerate(counted.terms)}
        counts = counted.counts
        n = counts.shape[0]
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        limit = n
        if n >= w.max_df_min_docs and w.max_df < 1.0:
            limit = max(1, int(w.max_df * n))
        # Sorted vocabulary: column order depends on the terms only, not on document order.
        terms = sorted(
            t for t, j in raw_vocab.items() if w.min_df <= df[j] <= limit and not is_stop_feature(t)
        )
        old_cols = np.fromiter((raw_vocab[t] for t in terms), dtype=np.int64, count=len(terms))
        self.terms = terms
        self.vocabulary = {t: i for i, t in enumerate(terms)}
        dfs = df[old_cols].astype(np.float64)
        self.idf = np.log1p((n - dfs + 0.5) / (dfs + 0.5)).astype(np.float32)
        self.n_docs = n
        counts = counts[:, old_cols].tocsr() if len(terms) else sp.csr_matrix((n, 0))
        # each row's terms in column order, so that the sums below add in the same order
        # whichever raw vocabulary (fresh, or a CountCache's) the counts came from
        counts.sort_indices()
        lengths = np.asarray(counts.sum(axis=1)).ravel()
        self.avg_len = float(lengths.mean()) if n and lengths.mean() > 0 else 1.0
        return counts

    def fit(self, docs: Sequence[Fields]) -> Vectorizer:
        self.fit_transform(docs)
        return self

    # -- transforming -------------------------------------------------------------------------
    def transform(self, docs: Sequence[Fields], *, query: bool = False) -> sp.csr_matrix:
        """Unit-length float32 CSR rows; terms unknown to the fitted vocabulary are ignored.

        ``query=True`` skips length normalisation (b = 0: a short need is neither boosted nor
        penalised for being short) and prunes to ``query_max_terms``.
        """
        counts = self._count_matrix(docs, self.vocabulary, grow=False)
        return self.weigh(counts, query=query)

    def weigh(self, counts: sp.csr_matrix, *, query: bool = False) -> sp.csr_matrix:
        """Unit vectors of counts over the vocabulary (see :meth:`transform`)."""
        w = self.weights
        m = counts.astype(np.float32, copy=True)
        m.sort_indices()
        lens = np.diff(m.indptr)
        tf = m.data.astype(np.float64)
        if w.k1 > 0:
            b = 0.0 if query else w.b
            doc_len = np.asarray(counts.sum(axis=1), dtype=np.float64).ravel()
            norm = 1.0 - b + b * doc_len / self.avg_len
            tf = tf * (w.k1 + 1.0) / (tf + w.k1 * np.repeat(norm, lens))
        m.data = (tf * self.idf[m.indices]).astype(np.float32)
        m = l2_normalize_rows(m)
        if query and w.query_max_terms:
            m = l2_normalize_rows(prune_rows(m, w.query_max_terms))
        return m

    # -- persistence helpers ------------------------------------------------------------------
    def state(self) -> dict:
        return {
            "weights": self.weights.to_dict(),
            "terms": np.asarray(self.terms, dtype=object),
            "idf": self.idf,
            "n_docs": self.n_docs,
            "avg_len": self.avg_len,
        }

    @classmethod
    def from_state(cls, state: Mapping, analyzer: Analyzer | None = None) -> Vectorizer:
        terms = [str(t) for t in state["terms"]]
        return cls(
            weights=Weights(**dict(state["weights"])),
            analyzer=analyzer or Analyzer(),
            vocabulary={t: i for i, t in enumerate(terms)},
            terms=terms,
            idf=np.asarray(state["idf"], dtype=np.float32),
            n_docs=int(state["n_docs"]),
            avg_len=float(state["avg_len"]) or 1.0,
        )


def as_fields(items: Iterable[str | Fields]) -> list[Fields]:
    """Plain strings become body-only Fields."""
    return [x if isinstance(x, Fields) else Fields(text=x) for x in items]
