"""The two-sided index the app keeps: needs on one side, results on the other.

Both sides share one :class:`~.model.Vectorizer` (vocabulary + IDF fitted on needs and results
together, so a term is as informative whichever side it comes from). Updates (add / change /
remove one document) re-use the fitted vocabulary; :meth:`MatchIndex.refit` re-learns it from
the current documents (do that in a nightly rebuild, or when many new terms have appeared).

Not thread-safe for concurrent writers: the app should update an index from one worker and let
readers load the saved file.
"""

from __future__ import annotations

import json
import os
import zipfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from . import engine
from .dense import DenseRows, Encoder, dense_top_k, encoding_text
from .engine import Candidates, Store
from .explain import MatchExplanation, text_terms
from .facts import Codes, FactTable, score_pairs
from .files import save_npz
from .fusion import RRF_K
from .model import CountCache, Fields, Vectorizer, Weights
from .structured import (
    DocId,
    FitConfig,
    NeedDoc,
    NeedFacts,
    ResultDoc,
    ResultFacts,
    combine,
    fits_of_facts,
    has_filters,
    need_facts,
    need_from_dict,
    result_facts,
    result_from_dict,
    structured_score,
)
from .text import Analyzer, SpanIndex, TermMatcher, normalize
from .thesaurus import Thesaurus, expansions_fingerprint

Expansions = Mapping[str, Sequence[str]] | Thesaurus

#: Bumped whenever the saved layout or the meaning of a stored number changes.
#: 2: need vectors without budget / quantity / filler phrases, thesaurus matched on word
#: boundaries, thesaurus fingerprint saved.
#: 3: dense vectors beside the sparse ones (issue 17), category parents, fits of what the
#: need did not ask for.
FORMAT_VERSION = 3

NEEDS = "needs"
RESULTS = "results"


class IndexFormatError(ValueError):
    """A saved index cannot be read by this code (other format version, or not an index)."""


@dataclass(frozen=True)
class MatchConfig:
    """Everything that decides scores: saved with the index."""

    weights: Weights = field(default_factory=Weights)
    fits: FitConfig = field(default_factory=FitConfig)
    pool: int = 100  # candidates per query that get feedback and structured re-scoring
    expansion_weight: float = 0.5  # weight of thesaurus expansions (issue 10)
    # Hybrid ranking (issue 17): when the query and the index have dense vectors, the lexical
    # and dense candidate lists (``pool`` each) are fused by reciprocal rank (fusion.py).
    hybrid: bool = True
    rrf_k: int = RRF_K

    def to_dict(self) -> dict:
        return {
            "weights": self.weights.to_dict(),
            "fits": self.fits.to_dict(),
            "pool": self.pool,
            "expansion_weight": self.expansion_weight,
            "hybrid": self.hybrid,
            "rrf_k": self.rrf_k,
        }

    @classmethod
    def from_dict(cls, d: Mapping) -> MatchConfig:
        return cls(
            weights=Weights(**d["weights"]),
            fits=FitConfig(**d["fits"]),
            pool=int(d["pool"]),
            expansion_weight=float(d["expansion_weight"]),
            hybrid=bool(d.get("hybrid", True)),
            rrf_k=int(d.get("rrf_k", RRF_K)),
        )


@dataclass
class Match:
    """One ranked counterpart: its id and scores; ``explanation`` when asked for.

    ``score`` is the final score; ``text_score`` the lexical cosine (0.0 for a candidate found
    by meaning only); ``dense_score`` the cosine of the dense vectors (None when the query or
    the counterpart has none); ``method`` "hybrid" when the ranking fused both, else "lexical".
    """

    id: DocId
    score: float
    text_score: float
    structured_score: float | None = None
    explanation: MatchExplanation | None = None
    dense_score: float | None = None
    method: str = "lexical"

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "score": self.score,
            "text_score": self.text_score,
            "structured_score": self.structured_score,
            "dense_score": self.dense_score,
            "method": self.method,
            "explanation": self.explanation.to_dict() if self.explanation else None,
        }


Doc = NeedDoc | ResultDoc
Facts = NeedFacts | ResultFacts


@dataclass
class _Pool:
    """One query's ranked candidates: slots, the score structure multiplies (``base``: the
    lexical cosine, or the fused score of a hybrid ranking), the lexical cosine (0.0 for a
    candidate found by meaning only) and the dense cosine (None: lexical ranking; NaN where
    the candidate has no vector)."""

    slots: np.ndarray
    base: np.ndarray
    text: np.ndarray
    dense: np.ndarray | None


def _facts(doc: Doc) -> Facts:
    return need_facts(doc) if isinstance(doc, NeedDoc) else result_facts(doc)


def tie_key(doc_id: DocId) -> int:
    """Stable tie-break key: integer ids order naturally, others by CRC32 of their text."""
    if isinstance(doc_id, int | np.integer) and not isinstance(doc_id, bool):
        # min/max, not np.clip: called once per listing when a snapshot loads (1.1 s of 8 s)
        return max(-(2**62), min(int(doc_id), 2**62))
    return (1 << 62) + zlib.crc32(str(doc_id).encode("utf-8"))


def _fields(doc: Doc) -> Fields:
    # Needs are written colloquially: their budget, quantities and filler phrases are dropped
    # from the text score (colloquial.py), whichever side they are on.
    return Fields(
        title=doc.title,
        text=doc.text,
        keywords=tuple(doc.keywords or ()),
        colloquial=isinstance(doc, NeedDoc),
    )


def _display_text(doc: Doc | str) -> str:
    """All text of a doc, fields separated so no phrase runs across them."""
    if isinstance(doc, str):
        return doc
    parts = [doc.title or "", " ; ".join(doc.keywords or ()), doc.text or ""]
    return " 。 ".join(p for p in parts if p)


class _Side:
    """One side of the index: vectors plus the slot -> id / document bookkeeping."""

    def __init__(self, kind: str, store: Store, codes: Codes, dim: int | None = None) -> None:
        self.kind = kind
        self.store = store
        self.dense = DenseRows(dim) if dim else None  # row = slot, when the index is hybrid
        self.ids: list[DocId | None] = []
        self.docs: list[Doc | None] = []
        self.table = FactTable(codes, kind)  # structured fields per slot, as columns
        self.slot_of: dict[DocId, int] = {}
        self._facts: dict[int, Facts] = {}  # per slot, worked out when first asked for
        # Each document weighed as a query, by slot, when the index was built or loaded with
        # them: a full re-match asks every document as a query, and analysing its text again
        # was a sixth of the work. Used only for the very document object of the slot, so an
        # upsert (a new object) falls back to analysing its text.
        self.queries: sp.csr_matrix | None = None

    def facts(self, slot: int) -> Facts:
        """The structured facts of the document in ``slot`` (a need's facts read its whole
        text, so they are kept rather than read again for each pair)."""
        found = self._facts.get(slot)
        if found is None:
            found = self._facts[slot] = _facts(self.docs[slot])
        return found

    def add(self, docs: Sequence[Doc], rows: sp.csr_matrix, vecs: Sequence | None = None) -> None:
        for d in docs:  # changing a document = tombstone the old row, append the new one
            old = self.slot_of.get(d.id)
            if old is not None:
                self._kill(old)
        slots = self.store.append(rows, np.array([tie_key(d.id) for d in docs], np.int64))
        for s, d in zip(slots.tolist(), docs, strict=True):
            self.ids.append(d.id)
            self.docs.append(d)
            self.slot_of[d.id] = s
        self.table.extend([_facts(d) for d in docs])
        if self.dense is not None:
            self.dense.append(list(vecs) if vecs is not None else [None] * len(docs))
        if self.store.needs_compaction():
            self.compact()

    def _kill(self, slot: int) -> None:
        self.store.kill(slot)
        self._facts.pop(slot, None)
        self.slot_of.pop(self.ids[slot], None)
        self.ids[slot] = None
        self.docs[slot] = None

    def remove(self, doc_id: DocId) -> bool:
        slot = self.slot_of.get(doc_id)
        if slot is None:
            return False
        self._kill(slot)
        if self.store.needs_compaction():
            self.compact()
        return True

    def compact(self) -> None:
        remap = self.store.compact()
        keep = np.flatnonzero(remap >= 0)
        self.ids = [self.ids[i] for i in keep]
        self.docs = [self.docs[i] for i in keep]
        self.table.take(keep)
        if self.dense is not None:
            self.dense.take(keep)
        self.slot_of = {d: i for i, d in enumerate(self.ids)}
        self._facts = {}
        if self.queries is not None:  # surviving slots keep their order; appended ones had none
            kept = keep[keep < self.queries.shape[0]]
            if len(kept) < self.queries.shape[0]:
                self.queries = self.queries[kept]

    def alive_ids(self) -> list[DocId]:
        return [i for i in self.ids if i is not None]


class MatchIndex:
    """Needs and results, each searchable from the other. Build with :meth:`build`."""

    def __init__(
        self,
        vectorizer: Vectorizer,
        config: MatchConfig | None = None,
        *,
        encoder: Encoder | None = None,
        dense: tuple[str, int] | None = None,
    ) -> None:
        """``encoder`` makes the index hybrid (vectors computed for documents given without
        one); ``dense = (encoder name, dim)`` makes it hybrid with vectors supplied by the
        caller only (e.g. read from the database)."""
        self.vectorizer = vectorizer
        self.config = config or MatchConfig(weights=vectorizer.weights)
        self.encoder = encoder
        if encoder is not None:
            if dense is not None and tuple(dense) != (encoder.name, encoder.dim):
                raise ValueError(f"vectors of {dense} cannot be used with encoder {encoder.name}")
            dense = (encoder.name, encoder.dim)
        self.dense_encoder, self.dense_dim = dense if dense else (None, None)
        n_terms = len(vectorizer.terms)
        self._codes = Codes()
        self._sides = {
            NEEDS: _Side(NEEDS, Store(n_terms), self._codes, self.dense_dim),
            RESULTS: _Side(RESULTS, Store(n_terms), self._codes, self.dense_dim),
        }

    # -- construction ---------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        needs: Iterable[NeedDoc],
        results: Iterable[ResultDoc],
        config: MatchConfig | None = None,
        expansions: Expansions | None = None,
        *,
        encoder: Encoder | None = None,
        vectors: Mapping[str, Mapping[DocId, Any]] | None = None,
        dense: tuple[str, int] | None = None,
        reuse_counts: CountCache | None = None,
    ) -> MatchIndex:
        """Fit the vocabulary on all documents and index both sides. ``expansions``: a
        :class:`~.thesaurus.Thesaurus` (e.g. ``default_thesaurus()``) or a plain mapping
        term -> canonical terms; None = no thesaurus.

        ``reuse_counts``: the counts of an earlier build (``index.vectorizer.counted``), so
        that only documents changed since are analysed; the index is the same either way.

        Dense layer (issue 17): ``vectors = {"needs": {id: vector}, "results": {...}}`` gives
        stored vectors; with an ``encoder`` the documents without one are encoded; with
        ``dense = (encoder name, dim)`` and no encoder, documents without a vector stay
        lexical-only until :meth:`set_vectors`. Neither = a lexical index, as before."""
        config = config or MatchConfig()
        needs, results = list(needs), list(results)
        for docs, kind in ((needs, NeedDoc), (results, ResultDoc)):
            if any(not isinstance(d, kind) for d in docs):
                raise TypeError(f"expected {kind.__name__} objects")
        analyzer = Analyzer(expansions, expansion_weight=config.expansion_weight)
        vec = Vectorizer(weights=config.weights, analyzer=analyzer)
        vec.counted = vec.count([_fields(d) for d in needs + results], reuse_counts)
        counts = vec.learn(vec.counted)
        rows, queries = vec.weigh(counts), vec.weigh(counts, query=True)
        if vectors and encoder is None and dense is None:
            raise ValueError("vectors need an encoder or dense=(encoder name, dim)")
        index = cls(vec, config, encoder=encoder, dense=dense)
        vectors = vectors or {}
        index._bulk_load(NEEDS, needs, rows[: len(needs)], vectors.get(NEEDS))
        index._bulk_load(RESULTS, results, rows[len(needs) :], vectors.get(RESULTS))
        index._sides[NEEDS].queries = queries[: len(needs)]
        index._sides[RESULTS].queries = queries[len(needs) :]
        return index

    @property
    def hybrid(self) -> bool:
        """True when the index holds a dense layer (some documents may still lack vectors)."""
        return self.dense_dim is not None

    def encode(self, docs: Sequence[Doc]) -> np.ndarray:
        """Dense vectors of documents with this index's encoder: needs as queries, results as
        passages (see dense.encoding_text for what is read)."""
        if self.encoder is None:
            raise ValueError("this index has no encoder")
        out = np.zeros((len(docs), self.encoder.dim), np.float32)
        for cls_, fn in (
            (NeedDoc, self.encoder.encode_queries),
            (ResultDoc, self.encoder.encode_passages),
        ):
            pos = [i for i, d in enumerate(docs) if isinstance(d, cls_)]
            if pos:
                out[pos] = fn(
                    [encoding_text(docs[i].title, docs[i].keywords, docs[i].text) for i in pos]
                )
        return out

    def _vectors_for(self, docs: Sequence[Doc], given: Mapping[DocId, Any] | None) -> list | None:
        """Vectors for ``docs`` (None rows = none), encoding those not given if we can."""
        if not self.hybrid:
            if given:
                raise ValueError("this index has no dense layer")
            return None
        given = given or {}
        out: list = [given.get(d.id) for d in docs]
        todo = [i for i, v in enumerate(out) if v is None]
        if todo and self.encoder is not None:
            for i, v in zip(todo, self.encode([docs[i] for i in todo]), strict=True):
                out[i] = v
        return out

    def _bulk_load(
        self,
        kind: str,
        docs: list[Doc],
        rows: sp.csr_matrix,
        vectors: Mapping[DocId, Any] | None = None,
        *,
        dense_rows: DenseRows | None = None,
    ) -> None:
        ids = [d.id for d in docs]
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate ids among {kind}")
        side = self._sides[kind]
        side.store = Store.from_matrix(rows, np.array([tie_key(i) for i in ids], np.int64))
        side.ids = list(ids)
        side.docs = list(docs)
        side.table = FactTable(self._codes, kind)
        side.table.extend([_facts(d) for d in docs])
        side.slot_of = {d: i for i, d in enumerate(ids)}
        if dense_rows is not None:
            side.dense = dense_rows
        elif self.hybrid:
            side.dense = DenseRows(self.dense_dim)
            side.dense.append(self._vectors_for(docs, vectors))

    def refit(self) -> MatchIndex:
        """A new index with the vocabulary re-learned from the current documents."""
        return MatchIndex.build(
            [d for d in self._sides[NEEDS].docs if d is not None],
            [d for d in self._sides[RESULTS].docs if d is not None],
            self.config,
            self.vectorizer.analyzer.expansions or None,
            encoder=self.encoder,
            vectors=self.vectors(),
            dense=(self.dense_encoder, self.dense_dim) if self.hybrid else None,
        )

    def vectors(self) -> dict[str, dict[DocId, np.ndarray]]:
        """The dense vectors held, ``{"needs": {id: vector}, "results": {...}}``."""
        out: dict[str, dict[DocId, np.ndarray]] = {NEEDS: {}, RESULTS: {}}
        for kind, side in self._sides.items():
            if side.dense is None:
                continue
            for d, s in side.slot_of.items():
                if side.dense.has[s]:
                    out[kind][d] = side.dense.vecs[s].copy()
        return out

    def missing_vectors(self, kind: str) -> list[DocId]:
        """Ids on one side that have no dense vector yet (a backfill's work list)."""
        side = self._sides[kind]
        if side.dense is None:
            return []
        return [d for d in side.alive_ids() if not side.dense.has[side.slot_of[d]]]

    def set_vectors(self, kind: str, vectors: Mapping[DocId, Any]) -> int:
        """Attach (or replace) the dense vectors of indexed documents, e.g. from a backfill;
        ids not in the index are ignored. Returns how many were set."""
        side = self._sides[kind]
        if side.dense is None:
            raise ValueError("this index has no dense layer")
        n = 0
        for d, v in vectors.items():
            slot = side.slot_of.get(d)
            if slot is not None:
                side.dense.set(slot, v)
                n += 1
        return n

    def reindex(self) -> MatchIndex:
        """A new index of the current documents with the *same* fitted vocabulary and IDF
        (a full re-vectorisation without refit; equal to what incremental updates give)."""
        index = MatchIndex(
            self.vectorizer,
            self.config,
            encoder=self.encoder,
            dense=(self.dense_encoder, self.dense_dim) if self.hybrid else None,
        )
        held = self.vectors()
        for kind, side in self._sides.items():
            docs = [d for d in side.docs if d is not None]
            rows = self.vectorizer.transform([_fields(d) for d in docs])
            index._bulk_load(kind, docs, rows, held[kind])
        return index

    @property
    def thesaurus_fingerprint(self) -> str:
        """Fingerprint of the expansion mapping in use ("" = none); equal to
        :attr:`Thesaurus.fingerprint` of the thesaurus it was built or updated with."""
        return expansions_fingerprint(self.vectorizer.analyzer.expansions)

    def set_expansions(self, expansions: Expansions | None) -> dict[str, list[DocId]]:
        """Swap the thesaurus in place (reload without restart or rebuild).

        Expansions apply to queries and to stored documents, so stored documents whose text
        contains a term whose entry was added, changed or removed are re-vectorised (same
        vocabulary and IDF, as :meth:`upsert` does); all others keep their vectors, which the
        new thesaurus would not change. The result is what :meth:`reindex` would give with the
        new thesaurus. Cost: a substring scan of the changed terms over all documents plus the
        re-vectorisation of the affected ones; an admin's one-entry edit touches a handful.

        Canonical terms that occur in no indexed document have no column until the next
        :meth:`refit` (they could not match anything anyway); IDF is not re-learned either.
        Returns the ids re-vectorised, ``{"needs": [...], "results": [...]}``: the app can
        recompute the stored matches of those needs and results (the nightly all-pairs run
        catches the second-order changes).
        """
        analyzer = self.vectorizer.analyzer
        old = dict(analyzer.expansions)
        analyzer.set_expansions(expansions)
        new = analyzer.expansions
        changed = {t for t in old.keys() | new.keys() if old.get(t) != new.get(t)}
        out: dict[str, list[DocId]] = {NEEDS: [], RESULTS: []}
        if changed:  # queries are weighed with the thesaurus too
            for side in self._sides.values():
                side.queries = None
        if not changed:
            return out
        probe = TermMatcher(dict.fromkeys(changed, ()), single_char="any")
        for kind, side in self._sides.items():
            stale = [
                d
                for d in side.docs
                if d is not None and probe.mentions_any(normalize(_display_text(d)))
            ]
            if stale:
                vecs = None
                if side.dense is not None:  # same text: the vectors stay
                    slots = [side.slot_of[d.id] for d in stale]
                    vecs = [side.dense.vecs[i].copy() if side.dense.has[i] else None for i in slots]
                side.add(stale, self.vectorizer.transform([_fields(d) for d in stale]), vecs)
                out[kind] = [d.id for d in stale]
        return out

    # -- inspection ------------------------------------------------------------------------------
    @property
    def need_ids(self) -> list[DocId]:
        """Ids of indexed needs, in a stable order (slice it to split a rebuild across workers)."""
        return self._sides[NEEDS].alive_ids()

    @property
    def result_ids(self) -> list[DocId]:
        return self._sides[RESULTS].alive_ids()

    def __len__(self) -> int:
        return len(self._sides[NEEDS].slot_of) + len(self._sides[RESULTS].slot_of)

    def get(self, kind: str, doc_id: DocId) -> Doc | None:
        side = self._sides[kind]
        slot = side.slot_of.get(doc_id)
        return None if slot is None else side.docs[slot]

    # -- updates ---------------------------------------------------------------------------------
    def upsert(self, docs: Doc | Iterable[Doc], vectors: Mapping[DocId, Any] | None = None) -> None:
        """Add new or replace changed needs/results (dispatch on type), vocabulary unchanged.

        On a hybrid index ``vectors`` (id -> dense vector) gives their new vectors; the others
        are encoded when the index has an encoder, else left without one (lexical only). A
        changed document's old vector is never kept: its text may have changed."""
        batch = [docs] if isinstance(docs, NeedDoc | ResultDoc) else list(docs)
        for kind, cls in ((NEEDS, NeedDoc), (RESULTS, ResultDoc)):
            part = [d for d in batch if isinstance(d, cls)]
            if part:
                rows = self.vectorizer.transform([_fields(d) for d in part])
                self._sides[kind].add(part, rows, self._vectors_for(part, vectors))

    add = upsert

    def remove(self, kind: str, doc_id: DocId) -> bool:
        """Remove a need (kind="needs") or result (kind="results"); False if it was absent."""
        return self._sides[kind].remove(doc_id)

    def remove_need(self, doc_id: DocId) -> bool:
        return self.remove(NEEDS, doc_id)

    def remove_result(self, doc_id: DocId) -> bool:
        return self.remove(RESULTS, doc_id)

    def compact(self) -> None:
        for side in self._sides.values():
            side.compact()

    def with_fit_config(self, **changes: Any) -> MatchIndex:
        """A view of this index (same vectors, no copy) scoring with other :class:`FitConfig`
        settings, e.g. ``index.with_fit_config(require_region=True)`` for a hard filter."""
        other = MatchIndex.__new__(MatchIndex)
        other.vectorizer = self.vectorizer
        other.config = replace(self.config, fits=replace(self.config.fits, **changes))
        other.encoder = self.encoder
        other.dense_encoder, other.dense_dim = self.dense_encoder, self.dense_dim
        other._sides = self._sides
        other._codes = self._codes
        return other

    # -- queries ---------------------------------------------------------------------------------
    def _resolve(self, doc: Doc | DocId, kind: str) -> Doc:
        if isinstance(doc, NeedDoc | ResultDoc):
            return doc
        found = self.get(kind, doc)
        if found is None:
            raise KeyError(f"no {kind[:-1]} with id {doc!r} in the index")
        return found

    def top_k_for_need(
        self, need: NeedDoc | DocId, k: int = 10, *, explain: bool = False
    ) -> list[Match]:
        """Best results for one need (a NeedDoc, indexed or not, or the id of an indexed one)."""
        return self._batch([self._resolve(need, NEEDS)], RESULTS, k, explain)[0]

    def top_k_for_result(
        self, result: ResultDoc | DocId, k: int = 10, *, explain: bool = False
    ) -> list[Match]:
        """Best needs for one result."""
        return self._batch([self._resolve(result, RESULTS)], NEEDS, k, explain)[0]

    def top_k_for_needs(
        self,
        need_ids: Sequence[DocId] | None = None,
        k: int = 20,
        *,
        explain: bool = False,
        explain_top: int | None = None,
    ) -> dict[DocId, list[Match]]:
        """Best results for many indexed needs (all when None): one chunk of a rebuild.

        ``explain_top=n`` explains each need's first n results in full and gives the rest an
        explanation with their scores only (``complete=False``): the terms are most of the
        cost of a ranking, and most pairs of a large re-match are never looked at.
        """
        ids = self.need_ids if need_ids is None else list(need_ids)
        docs = [self._resolve(i, NEEDS) for i in ids]
        return dict(zip(ids, self._batch(docs, RESULTS, k, explain, explain_top), strict=True))

    def top_k_for_results(
        self,
        result_ids: Sequence[DocId] | None = None,
        k: int = 20,
        *,
        explain: bool = False,
        explain_top: int | None = None,
    ) -> dict[DocId, list[Match]]:
        """Best needs for many indexed results (all when None); ``explain_top`` as for needs."""
        ids = self.result_ids if result_ids is None else list(result_ids)
        docs = [self._resolve(i, RESULTS) for i in ids]
        return dict(zip(ids, self._batch(docs, NEEDS, k, explain, explain_top), strict=True))

    def all_pairs_top_k(
        self, k: int = 20, *, explain: bool = False
    ) -> dict[str, dict[DocId, list[Match]]]:
        """Full rebuild: top results for every need and top needs for every result."""
        return {
            NEEDS: self.top_k_for_needs(None, k, explain=explain),
            RESULTS: self.top_k_for_results(None, k, explain=explain),
        }

    def search(
        self, text: str, target: str = RESULTS, k: int = 10, *, explain: bool = False
    ) -> list[Match]:
        """Free-text query against one side (text score only, no structured fit)."""
        return self._batch([text], target, k, explain)[0]

    def explain(self, need: NeedDoc | DocId, result: ResultDoc | DocId) -> MatchExplanation:
        """Explanation of one pair, scored as :meth:`top_k_for_need` would score it."""
        return self.explain_pairs([(need, result)])[0]

    def explain_pairs(
        self, pairs: Sequence[tuple[NeedDoc | DocId, ResultDoc | DocId]]
    ) -> list[MatchExplanation]:
        """Each pair's :meth:`explain`, in order. A need's search and the parts of its
        explanation that depend on it alone are worked out once however many of its results
        are asked for (a listing's page asks for a score of them), and the needs' searches
        run as one batch."""
        resolved = [(self._resolve(n, NEEDS), self._resolve(r, RESULTS)) for n, r in pairs]
        position: dict[int, int] = {}  # id() of a need's doc -> its row among the queries
        needs: list[NeedDoc] = []
        for need_doc, _ in resolved:
            if id(need_doc) not in position:
                position[id(need_doc)] = len(needs)
                needs.append(need_doc)
        if not needs:
            return []
        side = self._sides[RESULTS]
        q = self._query_rows(needs)
        cands = self._search(q, side, self._pool(1))
        contexts: dict[int, dict[str, Any]] = {}
        fused: dict[int, tuple[_Pool, np.ndarray] | None] = {}
        out = []
        for need_doc, result_doc in resolved:
            i = position[id(need_doc)]
            if i not in contexts:
                contexts[i] = self._query_context(need_doc, q[i], cands[i], side)
            slot = side.slot_of.get(result_doc.id)
            if slot is None:  # an ad-hoc result: score it against the same feedback documents
                d = self.vectorizer.transform([_fields(result_doc)])
            else:
                d = side.store.matrix(slot, slot + 1)
            ex = self._explain_pair(need_doc, result_doc, q[i], cands[i], side, d, contexts[i])
            if slot is not None and self.config.hybrid and side.dense is not None:
                if i not in fused:
                    fused[i] = self._fused_pool(need_doc, cands[i], side)
                if fused[i] is not None:
                    # the pair's fused score, as top_k_for_need computes it (0 outside both pools)
                    pool, qv = fused[i]
                    at = np.flatnonzero(pool.slots == slot)
                    base = float(pool.base[at[0]]) if len(at) else 0.0
                    ex.method = "hybrid"
                    ex.score = min(1.0, combine(base, ex.structured_score, self.config.fits))
                    if side.dense.has[slot]:
                        ex.dense_score = float(side.dense.vecs[slot] @ qv)
            out.append(ex)
        return out

    def _fused_pool(
        self, need_doc: NeedDoc, cands: Candidates, side: _Side
    ) -> tuple[_Pool, np.ndarray] | None:
        """One need's fused candidates and its vector, or None when it is ranked by words."""
        qv = self._query_vectors([need_doc])[0]
        if qv is None or not side.dense.has.any():
            return None
        rows, scores = self._dense_search([qv], side, self._pool(1))
        return self._fuse(cands, rows[0], scores[0], qv, side), qv

    # -- internals -------------------------------------------------------------------------------
    def _pool(self, k: int) -> int:
        return max(self.config.pool, 3 * k)

    def _query_rows(self, queries: Sequence[Doc | str]) -> sp.csr_matrix:
        """Each query's unit row: the stored one of an indexed document (see _Side.queries),
        else its text analysed and weighed now."""
        stored: dict[str, tuple[list[int], list[int]]] = {}  # kind -> (positions, slots)
        todo: list[int] = []
        for i, q in enumerate(queries):
            if not isinstance(q, str):
                kind = NEEDS if isinstance(q, NeedDoc) else RESULTS
                side = self._sides[kind]
                slot = side.slot_of.get(q.id)
                if (
                    side.queries is not None
                    and slot is not None
                    and slot < side.queries.shape[0]
                    and side.docs[slot] is q
                ):
                    positions, slots = stored.setdefault(kind, ([], []))
                    positions.append(i)
                    slots.append(slot)
                    continue
            todo.append(i)
        # a free-text query is typed by a person: treated as colloquial, like a need
        fields = [
            Fields(text=q, colloquial=True) if isinstance(q, str) else _fields(q)
            for q in (queries[i] for i in todo)
        ]
        if not stored:
            return self.vectorizer.transform(fields, query=True)
        parts, order = [], []
        if todo:
            parts.append(self.vectorizer.transform(fields, query=True))
            order += todo
        for kind, (positions, slots) in stored.items():
            parts.append(self._sides[kind].queries[np.asarray(slots)])
            order += positions
        rows = sp.vstack(parts, format="csr") if len(parts) > 1 else parts[0]
        return rows[np.argsort(np.asarray(order), kind="stable")]

    def _search(self, q: sp.csr_matrix, side: _Side, pool: int, **kw: Any) -> list[Candidates]:
        w = self.config.weights
        return engine.search(
            side.store, q, pool, prf_docs=w.prf_docs, prf_weight=w.prf_weight, **kw
        )

    def _query_vectors(self, queries: Sequence[Doc | str]) -> list[np.ndarray | None]:
        """Dense vector of each query: the stored one of an indexed, unchanged document, else
        encoded when the index has an encoder, else None (the query is ranked by words)."""
        out: list[np.ndarray | None] = [None] * len(queries)
        todo_docs, todo_text = [], []
        for i, q in enumerate(queries):
            if isinstance(q, str):
                if self.encoder is not None and q.strip():
                    todo_text.append(i)
                continue
            side = self._sides[NEEDS if isinstance(q, NeedDoc) else RESULTS]
            slot = side.slot_of.get(q.id)
            if slot is not None and side.docs[slot] == q and side.dense.has[slot]:
                out[i] = side.dense.vecs[slot]
            elif self.encoder is not None:
                todo_docs.append(i)
        if todo_docs:
            vecs = self.encode([queries[i] for i in todo_docs])
            for i, v in zip(todo_docs, vecs, strict=True):
                out[i] = v
        if todo_text:
            vecs = self.encoder.encode_queries([queries[i] for i in todo_text])
            for i, v in zip(todo_text, vecs, strict=True):
                out[i] = v
        return out

    def _dense_search(
        self, vecs: list[np.ndarray], side: _Side, pool: int, eligible: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        alive = side.store.alive & side.dense.has
        if eligible is not None:
            alive = alive & eligible
        return dense_top_k(
            np.vstack(vecs), side.dense.vecs, pool, alive=alive, tiekey=side.store.tiekey
        )

    def _fuse(
        self,
        cands: Candidates,
        d_slots: np.ndarray,
        d_scores: np.ndarray,
        qv: np.ndarray,
        side: _Side,
    ) -> _Pool:
        """Reciprocal-rank fusion of one query's lexical and dense candidates (fusion.rrf,
        vectorised): score = sum of 1 / (rrf_k + rank) over the lists, a candidate without a
        vector counting its lexical term twice, divided by the best possible 2 / (rrf_k + 1)."""
        kk = self.config.rrf_k
        d_slots = d_slots[d_slots >= 0]
        lex = cands.slots
        slots = np.unique(np.concatenate((lex, d_slots)))
        pos = {s: i for i, s in enumerate(slots.tolist())}
        fused = np.zeros(len(slots))
        text = np.zeros(len(slots))
        li = np.fromiter((pos[s] for s in lex.tolist()), np.int64, len(lex))
        has_vec = side.dense.has[lex]
        fused[li] += np.where(has_vec, 1.0, 2.0) / (kk + np.arange(1, len(lex) + 1))
        text[li] = cands.scores
        di = np.fromiter((pos[s] for s in d_slots.tolist()), np.int64, len(d_slots))
        fused[di] += 1.0 / (kk + np.arange(1, len(d_slots) + 1))
        fused /= 2.0 / (kk + 1)
        has = side.dense.has[slots]
        dense = np.where(has, side.dense.vecs[slots] @ np.asarray(qv, np.float32), np.nan)
        order = np.lexsort((side.store.tiekey[slots], -fused))
        return _Pool(slots[order], fused[order], text[order], dense[order])

    def _batch(
        self,
        queries: Sequence[Doc | str],
        target: str,
        k: int,
        explain: bool,
        explain_top: int | None = None,
    ) -> list[list[Match]]:
        if k <= 0:
            return [[] for _ in queries]
        side = self._sides[target]
        pool = self._pool(k)
        q = self._query_rows(queries)
        all_cands = self._search(q, side, pool)
        qvecs: list[np.ndarray | None] = [None] * len(queries)
        dense_hits: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        if self.config.hybrid and side.dense is not None and side.dense.has.any():
            qvecs = self._query_vectors(queries)
            with_vec = [i for i, v in enumerate(qvecs) if v is not None]
            if with_vec:
                rows, scores = self._dense_search([qvecs[i] for i in with_vec], side, pool)
                dense_hits = {i: (rows[j], scores[j]) for j, i in enumerate(with_vec)}
        out = []
        for i, (query, cands) in enumerate(zip(queries, all_cands, strict=True)):
            if i in dense_hits:
                lex_pool = self._fuse(cands, *dense_hits[i], qvecs[i], side)
            else:
                lex_pool = _Pool(cands.slots, cands.scores, cands.scores, None)
            matches = self._finish(query, lex_pool, side, k, pool)
            if matches is None:  # hard filters emptied a full pool: score everything eligible
                eligible = self._eligible(query, side)
                cands = self._search(q[i], side, pool, exhaustive=True, eligible=eligible)[0]
                if i in dense_hits:
                    mask = eligible(np.arange(side.store.n))
                    rows, scores = self._dense_search([qvecs[i]], side, pool, mask)
                    lex_pool = self._fuse(cands, rows[0], scores[0], qvecs[i], side)
                else:
                    lex_pool = _Pool(cands.slots, cands.scores, cands.scores, None)
                matches = self._finish(query, lex_pool, side, k, None) or []
            full = len(matches) if explain else max(0, explain_top or 0)
            if explain_top is not None and not explain and not isinstance(query, str):
                for m in matches[full:]:
                    m.explanation = self._unexplained(query, m)
            if full and matches:
                # What depends on the query alone is worked out once, not once per match:
                # a 5,000-character need was otherwise re-read for each of its candidates.
                context = self._query_context(query, q[i], cands, side)
                for m in matches[:full]:
                    slot = side.slot_of[m.id]
                    m.explanation = self._explain_pair(
                        query,
                        side.docs[slot],
                        q[i],
                        cands,
                        side,
                        side.store.row(slot),
                        context,
                    )
                    if m.method == "hybrid":
                        m.explanation.score = m.score
                        m.explanation.method = "hybrid"
                        m.explanation.dense_score = m.dense_score
            out.append(matches)
        return out

    @staticmethod
    def _unexplained(query: Doc, m: Match) -> MatchExplanation:
        """A pair's explanation before its terms and fits are worked out: the scores it was
        ranked by, marked incomplete (``explain`` gives the whole of it later)."""
        need_id, result_id = (query.id, m.id) if isinstance(query, NeedDoc) else (m.id, query.id)
        return MatchExplanation(
            score=m.score,
            text_score=m.text_score,
            structured_score=m.structured_score,
            need_id=need_id,
            result_id=result_id,
            method=m.method,
            dense_score=m.dense_score,
            complete=False,
        )

    @staticmethod
    def _pair(query: Any, target: Any) -> tuple[Any, Any]:
        """(need side, result side) of a (query, target) pair of docs or facts."""
        if isinstance(query, NeedDoc | NeedFacts):
            return query, target
        return target, query

    def _eligible(self, query: Doc | str, side: _Side):
        qf = None if isinstance(query, str) else _facts(query)

        def mask(slots: np.ndarray) -> np.ndarray:
            if qf is None:
                return np.ones(len(slots), bool)
            return score_pairs(qf, side.table, slots, self.config.fits)[1]

        return mask

    def _finish(
        self, query: Doc | str, cands: _Pool, side: _Side, k: int, pool: int | None
    ) -> list[Match] | None:
        """Structured re-scoring and hard filters over the ranked pool (vectorised).

        Returns None when filters left fewer than k from a full pool, so the caller can search
        exhaustively.
        """
        slots, base, text = cands.slots, cands.base, cands.text
        method = "lexical" if cands.dense is None else "hybrid"
        dense = cands.dense if cands.dense is not None else np.full(len(slots), np.nan)

        def dn(x: float) -> float | None:
            return None if x != x else x  # NaN -> None

        if isinstance(query, str):
            return [
                Match(side.ids[s], b, t, None, dense_score=dn(d), method=method)
                for s, b, t, d in zip(
                    slots[:k].tolist(),
                    base[:k].tolist(),
                    text[:k].tolist(),
                    dense[:k].tolist(),
                    strict=True,
                )
            ]
        cfg = self.config.fits
        sw = cfg.structured_weight
        struct, ok = score_pairs(_facts(query), side.table, slots, cfg)
        final = np.minimum(1.0, base * (1.0 - sw + sw * struct))
        sel = np.flatnonzero(ok)
        if has_filters(cfg) and pool is not None and len(sel) < k and len(slots) >= pool:
            return None
        order = sel[np.lexsort((side.store.tiekey[slots[sel]], -final[sel]))][:k]
        return [
            Match(side.ids[s], f, t, st, dense_score=dn(d), method=method)
            for s, f, t, st, d in zip(
                slots[order].tolist(),
                final[order].tolist(),
                text[order].tolist(),
                struct[order].tolist(),
                dense[order].tolist(),
                strict=True,
            )
        ]

    def _query_context(
        self, query: Doc | str, q_row: sp.csr_matrix, cands: Candidates, side: _Side
    ) -> dict[str, Any]:
        """The parts of an explanation that depend on the query only (its feedback vector,
        text, thesaurus expansions, features and phrase positions): one pass over its text."""
        w = self.config.weights
        fb = cands.slots[: w.prf_docs] if w.prf_docs > 0 else cands.slots[:0]
        analyzer = self.vectorizer.analyzer
        q_text = _display_text(query)
        return {
            "q_final": engine.prf_vector(side.store, q_row, fb, w.prf_weight),
            "q_text": q_text,
            "expansions": analyzer.expansions_in(normalize(q_text)),
            "own": set(analyzer.features(q_text, colloquial=not isinstance(query, ResultDoc))),
            "spans": SpanIndex(q_text),
            "facts": None if isinstance(query, str) else _facts(query),
        }

    def _explain_pair(
        self,
        query: Doc | str,
        target: Doc,
        q_row: sp.csr_matrix,
        cands: Candidates,
        side: _Side,
        d_row: sp.csr_matrix | tuple[np.ndarray, np.ndarray],
        context: dict[str, Any] | None = None,
    ) -> MatchExplanation:
        if context is None:
            context = self._query_context(query, q_row, cands, side)
        text_score, terms, related = text_terms(
            self.vectorizer.terms,
            q_row,
            context["q_final"],
            d_row,
            context["q_text"],
            _display_text(target),
            target.keywords,
            context["expansions"],
            context["own"],
            context["spans"],
            doc_title=target.title,
        )
        text_score = min(1.0, text_score)
        if isinstance(query, str):
            return MatchExplanation(
                score=text_score,
                text_score=text_score,
                terms=terms,
                related_terms=related,
                result_id=target.id if isinstance(target, ResultDoc) else None,
                need_id=target.id if isinstance(target, NeedDoc) else None,
            )
        n, r = self._pair(query, target)
        nf, rf = self._pair(context["facts"], _facts(target))
        fits = fits_of_facts(nf, rf)
        st = structured_score(fits, self.config.fits)
        return MatchExplanation(
            score=min(1.0, combine(text_score, st, self.config.fits)),
            text_score=text_score,
            structured_score=st,
            terms=terms,
            related_terms=related,
            fits=fits,
            need_id=n.id,
            result_id=r.id,
        )

    # -- persistence -----------------------------------------------------------------------------
    def save(self, path: str | os.PathLike) -> None:
        """Write the index atomically: a temp file in the same folder, then os.replace."""
        path = Path(path)
        self.compact()
        arrays: dict[str, np.ndarray] = {}
        meta = {
            "format_version": FORMAT_VERSION,
            "config": self.config.to_dict(),
            "n_docs": self.vectorizer.n_docs,
            "avg_len": self.vectorizer.avg_len,
            "expansions": {k: list(v) for k, v in self.vectorizer.analyzer.expansions.items()},
            "thesaurus_fingerprint": self.thesaurus_fingerprint,
            "dense": {"encoder": self.dense_encoder, "dim": self.dense_dim}
            if self.hybrid
            else None,
        }
        arrays["meta"] = _json_bytes(meta)
        arrays["terms"] = _json_bytes(self.vectorizer.terms)
        arrays["idf"] = self.vectorizer.idf
        for kind, side in self._sides.items():
            m = side.store.matrix()
            arrays[f"{kind}_data"] = m.data
            arrays[f"{kind}_indices"] = m.indices
            arrays[f"{kind}_indptr"] = m.indptr
            arrays[f"{kind}_docs"] = _json_bytes([d.to_dict() for d in side.docs])
            if side.queries is not None and side.queries.shape[0] == len(side.docs):
                arrays[f"{kind}_q_data"] = side.queries.data
                arrays[f"{kind}_q_indices"] = side.queries.indices
                arrays[f"{kind}_q_indptr"] = side.queries.indptr
            if side.dense is not None:
                arrays[f"{kind}_vecs"] = side.dense.vecs
                arrays[f"{kind}_has_vec"] = side.dense.has
        save_npz(path, arrays)

    @classmethod
    def load(
        cls, path: str | os.PathLike, *, encoder: Encoder | None = None, queries: bool = False
    ) -> MatchIndex:
        """Read a saved index; raises :class:`IndexFormatError` on a version mismatch.

        A saved dense layer is kept; ``encoder`` (which must be the one its vectors came from)
        lets the loaded index encode new documents and queries. Given an encoder, a lexical
        index becomes hybrid: the documents it holds are encoded. ``queries``: also read each
        document weighed as a query, saved by a build (a full re-match asks every document as
        a query; other users of the index need not hold them)."""
        try:
            with np.load(path, allow_pickle=False) as z:
                arrays = {k: z[k] for k in z.files if queries or "_q_" not in k}
            meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as e:
            if isinstance(e, FileNotFoundError):
                raise
            raise IndexFormatError(f"{path} is not a readable match index: {e}") from e
        version = meta.get("format_version")
        if version != FORMAT_VERSION:
            raise IndexFormatError(
                f"{path} has index format version {version}, but this code reads version "
                f"{FORMAT_VERSION}; rebuild the index (MatchIndex.build) and save it again"
            )
        config = MatchConfig.from_dict(meta["config"])
        analyzer = Analyzer(
            meta.get("expansions") or None, expansion_weight=config.expansion_weight
        )
        terms = json.loads(arrays["terms"].tobytes().decode("utf-8"))
        vec = Vectorizer.from_state(
            {
                "weights": config.weights.to_dict(),
                "terms": terms,
                "idf": arrays["idf"],
                "n_docs": meta["n_docs"],
                "avg_len": meta["avg_len"],
            },
            analyzer,
        )
        saved = meta.get("dense")
        dense = (saved["encoder"], int(saved["dim"])) if saved else None
        if encoder is not None and dense is not None and dense != (encoder.name, encoder.dim):
            raise ValueError(
                f"{path} holds vectors of {dense[0]}, not of the encoder {encoder.name}"
            )
        index = cls(vec, config, encoder=encoder, dense=dense)
        for kind, from_dict in ((NEEDS, need_from_dict), (RESULTS, result_from_dict)):
            docs = [from_dict(d) for d in json.loads(arrays[f"{kind}_docs"].tobytes())]
            rows = sp.csr_matrix(
                (arrays[f"{kind}_data"], arrays[f"{kind}_indices"], arrays[f"{kind}_indptr"]),
                shape=(len(docs), len(terms)),
            )
            dense_rows = None
            if dense is not None:
                dense_rows = DenseRows(dense[1])
                has = arrays[f"{kind}_has_vec"]
                vecs = arrays[f"{kind}_vecs"]
                dense_rows.append([vecs[i] if has[i] else None for i in range(len(docs))])
            index._bulk_load(kind, docs, rows, dense_rows=dense_rows)
            if f"{kind}_q_data" in arrays:
                index._sides[kind].queries = sp.csr_matrix(
                    (
                        arrays[f"{kind}_q_data"],
                        arrays[f"{kind}_q_indices"],
                        arrays[f"{kind}_q_indptr"],
                    ),
                    shape=(len(docs), len(terms)),
                )
        return index


def _json_bytes(obj: Any) -> np.ndarray:
    return np.frombuffer(json.dumps(obj, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)


__all__ = [
    "FORMAT_VERSION",
    "IndexFormatError",
    "Match",
    "MatchConfig",
    "MatchIndex",
]
