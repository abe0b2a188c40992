"""Search core shared by :func:`rank` and :class:`MatchIndex`.

A :class:`Store` holds one side's unit document vectors in a growable CSR (appends are amortised
O(row size)) plus a transposed copy of the "main" part for the sparse top-n product. Rows added
since the last compaction (the "delta") are scored against a small transposed copy made per
call; removed rows are tombstoned and skipped. :meth:`Store.compact` folds both back in.

Search is two rounds:

1. candidates: the ``pool`` best documents by cosine with the query (``sparse_dot_topn``);
2. pseudo-relevance feedback (Rocchio): the query is mixed with the unit centroid of its
   ``prf_docs`` best candidates and the pool is re-scored with that vector. Only the pool is
   re-scored, so PRF can re-order but never brings in a document sharing no term with the query.
   On the CSL dev data re-scoring a pool of 100 gives the same precision as re-scoring everything.

Round-1 scores of the main part and of the delta come from the same kernel, and the feedback
scores are recomputed in float64 from the stored rows with the centroid summed in rank order,
so a document's score does not depend on where it sits in the store nor on the batch it was
scored in; ties are broken by a stable per-document key (the id for integer ids). Hence an
index updated incrementally ranks exactly as a rebuild with the same vocabulary (tested).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .topk import as_int32_csr, topn_csr

# Dense scratch per PRF chunk is chunk_rows x n_terms float64; keep it around 32 MB.
_DENSE_BUDGET = 1 << 22


@dataclass
class Candidates:
    """Ranked candidates of one query: store slots and text scores, best first."""

    slots: np.ndarray
    scores: np.ndarray


def gather(m: sp.csr_matrix, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Concatenated (lengths, column indices, values) of CSR ``rows`` (scipy's C++ row copy)."""
    rows = np.asarray(rows, dtype=np.int64)
    if len(rows) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int32), np.zeros(0, np.float32)
    sub = m[rows]
    return np.diff(sub.indptr), sub.indices, sub.data


class Store:
    """One side's document vectors (rows = slots) with appends, tombstones and compaction."""

    def __init__(self, n_terms: int) -> None:
        self.n_terms = n_terms
        self.n = 0  # slots in use (alive or dead)
        self.nnz = 0
        self._data = np.zeros(1024, np.float32)
        self._indices = np.zeros(1024, np.int32)
        self._indptr = np.zeros(65, np.int64)
        self._alive = np.zeros(64, bool)
        self._tiekey = np.zeros(64, np.int64)
        self.n_main = 0
        self.dead_main = 0
        self.dt_main = sp.csr_matrix((n_terms, 0), dtype=np.float32)

    @classmethod
    def from_matrix(cls, rows: sp.csr_matrix, tiekeys: np.ndarray) -> Store:
        """A compacted store holding ``rows`` (unit vectors) as its main part."""
        store = cls(rows.shape[1])
        store.append(rows, tiekeys)
        store.n_main = store.n
        store.dt_main = as_int32_csr(store.matrix().T.tocsr())
        return store

    # -- views --------------------------------------------------------------------------------
    @property
    def indptr(self) -> np.ndarray:
        return self._indptr[: self.n + 1]

    @property
    def indices(self) -> np.ndarray:
        return self._indices[: self.nnz]

    @property
    def data(self) -> np.ndarray:
        return self._data[: self.nnz]

    @property
    def alive(self) -> np.ndarray:
        return self._alive[: self.n]

    @property
    def tiekey(self) -> np.ndarray:
        return self._tiekey[: self.n]

    @property
    def n_alive(self) -> int:
        return int(self.alive.sum())

    def matrix(self, start: int = 0, stop: int | None = None) -> sp.csr_matrix:
        """Rows [start, stop) as CSR (dead rows included: callers mask with ``alive``)."""
        stop = self.n if stop is None else stop
        ip = self._indptr[start : stop + 1]
        s, e = int(ip[0]), int(ip[-1])
        return sp.csr_matrix(
            (self._data[s:e], self._indices[s:e], ip - s), shape=(stop - start, self.n_terms)
        )

    def row(self, slot: int) -> tuple[np.ndarray, np.ndarray]:
        """One row's (columns, values), views of the store."""
        s, e = int(self._indptr[slot]), int(self._indptr[slot + 1])
        return self._indices[s:e], self._data[s:e]

    # -- updates ------------------------------------------------------------------------------
    @staticmethod
    def _grow(arr: np.ndarray, need: int) -> np.ndarray:
        if need <= len(arr):
            return arr
        new = np.zeros(max(need, 2 * len(arr)), dtype=arr.dtype)
        new[: len(arr)] = arr
        return new

    def append(self, rows: sp.csr_matrix, tiekeys: np.ndarray) -> np.ndarray:
        """Append unit rows; returns their slots. They are searched as the delta until compact."""
        rows = rows.tocsr()
        rows.sort_indices()
        k = rows.shape[0]
        self._data = self._grow(self._data, self.nnz + rows.nnz)
        self._indices = self._grow(self._indices, self.nnz + rows.nnz)
        self._indptr = self._grow(self._indptr, self.n + k + 1)
        self._alive = self._grow(self._alive, self.n + k)
        self._tiekey = self._grow(self._tiekey, self.n + k)
        self._data[self.nnz : self.nnz + rows.nnz] = rows.data
        self._indices[self.nnz : self.nnz + rows.nnz] = rows.indices
        self._indptr[self.n + 1 : self.n + k + 1] = self.nnz + rows.indptr[1:]
        self._alive[self.n : self.n + k] = True
        self._tiekey[self.n : self.n + k] = tiekeys
        slots = np.arange(self.n, self.n + k)
        self.n += k
        self.nnz += rows.nnz
        return slots

    def kill(self, slot: int) -> None:
        if self._alive[slot]:
            self._alive[slot] = False
            if slot < self.n_main:
                self.dead_main += 1

    def needs_compaction(self) -> bool:
        # Delta rows cost a plain scipy product per query and dead rows force over-fetching;
        # fold them in once they are ~2% of the side (at least 512 rows).
        limit = max(512, self.n_main // 50)
        return (self.n - self.n_main) > limit or self.dead_main > limit

    def compact(self) -> np.ndarray:
        """Drop dead rows, rebuild the transposed main matrix. Returns old slot -> new slot
        (-1 for dropped rows)."""
        keep = np.flatnonzero(self.alive)
        remap = np.full(self.n, -1, dtype=np.int64)
        remap[keep] = np.arange(len(keep))
        lens, idx, dat = gather(self.matrix(), keep)
        tie = self.tiekey[keep].copy()
        self.n = self.nnz = 0
        self._indptr[:1] = 0
        if len(keep):
            ip = np.concatenate(([0], np.cumsum(lens)))
            self.append(sp.csr_matrix((dat, idx, ip), shape=(len(keep), self.n_terms)), tie)
        self.n_main = self.n
        self.dead_main = 0
        self.dt_main = as_int32_csr(self.matrix().T.tocsr())
        return remap


def _segment_sums(vals: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """Sum of consecutive segments of ``vals`` with lengths ``lens`` (empty segments -> 0)."""
    out = np.zeros(len(lens))
    nz = lens > 0
    if nz.any():
        starts = (np.cumsum(lens) - lens)[nz]
        out[nz] = np.add.reduceat(vals, starts)
    return out


def _group_rank(groups_sorted: np.ndarray) -> np.ndarray:
    """Rank of each element within its run of equal values (input sorted by group)."""
    first = np.searchsorted(groups_sorted, groups_sorted, side="left")
    return np.arange(len(groups_sorted)) - first


def _split(groups_sorted: np.ndarray, n_groups: int) -> np.ndarray:
    """Boundaries of each group 0..n_groups-1 in a sorted group array."""
    return np.searchsorted(groups_sorted, np.arange(n_groups + 1), side="left")


class _Scratch:
    """Dense (rows x n_terms) float64 buffer used sparsely: only touched cells are written and
    they are zeroed again afterwards, so no full dense pass is ever paid per query."""

    def __init__(self, rows: int, n_terms: int) -> None:
        self.n_terms = n_terms
        self.buf = np.zeros(rows * n_terms)

    def keys(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        return rows.astype(np.int64) * self.n_terms + cols

    def clear(self, keys: np.ndarray) -> None:
        self.buf[keys] = 0.0


def search(
    store: Store,
    queries: sp.csr_matrix,
    pool: int,
    *,
    prf_docs: int = 0,
    prf_weight: float = 0.0,
    exhaustive: bool = False,
    eligible: Callable[[np.ndarray], np.ndarray] | None = None,
    exclude: Sequence[int | None] | None = None,
    n_threads: int | None = None,
) -> list[Candidates]:
    """Ranked candidates (at most ``pool``) for each query row, scores = text cosine.

    ``exhaustive`` scores every document instead of the top-n product (used when hard filters
    emptied the pool); ``eligible`` maps slots to a keep-mask applied (to every query's
    candidates) before the pool is cut; ``exclude[i]`` is a slot never returned for query i
    (e.g. the query's own document).
    """
    queries = queries.tocsr()
    n_q = queries.shape[0]
    if store.n == 0 or n_q == 0:
        return [Candidates(np.zeros(0, np.int64), np.zeros(0)) for _ in range(n_q)]

    # Round 1: candidate (query, slot, score) triples from the top-n product, for the main part
    # and for the delta (rows added since the last compaction, transposed on the fly: small).
    # Both go through the same kernel, so a document scores the same wherever it sits.
    fetch = store.n if exhaustive else pool + store.dead_main + (exclude is not None)
    parts = [(topn_csr(queries, store.dt_main, fetch, n_threads=n_threads), 0)]
    if store.n > store.n_main:
        dt_delta = as_int32_csr(store.matrix(store.n_main).T.tocsr())
        parts.append((topn_csr(queries, dt_delta, fetch, n_threads=n_threads), store.n_main))
    cand_q = np.concatenate([np.repeat(np.arange(n_q), np.diff(m.indptr)) for m, _ in parts])
    slots = np.concatenate([m.indices.astype(np.int64) + off for m, off in parts])
    s1 = np.concatenate([m.data.astype(np.float64) for m, _ in parts])
    keep = store.alive[slots]
    if exclude is not None:
        ex = np.array([-1 if e is None else int(e) for e in exclude], dtype=np.int64)
        keep &= slots != ex[cand_q]
    if eligible is not None and len(slots):
        keep[keep] = eligible(slots[keep])
    cand_q, slots, s1 = cand_q[keep], slots[keep], s1[keep]
    order = np.argsort(cand_q, kind="stable")
    cand_q, slots, s1 = cand_q[order], slots[order], s1[order]

    results: list[Candidates] = []
    chunk = max(1, min(256, _DENSE_BUDGET // max(store.n_terms, 1)))
    use_prf = prf_docs > 0 and prf_weight > 0
    qbuf = _Scratch(min(chunk, n_q), store.n_terms) if use_prf else None
    cbuf = _Scratch(min(chunk, n_q), store.n_terms) if use_prf else None
    bounds = _split(cand_q, n_q)
    for c0 in range(0, n_q, chunk):
        c1 = min(n_q, c0 + chunk)
        lo, hi = bounds[c0], bounds[c1]
        results.extend(
            _score_chunk(
                store,
                queries[c0:c1],
                cand_q[lo:hi] - c0,
                slots[lo:hi],
                s1[lo:hi],
                pool,
                prf_docs,
                prf_weight,
                qbuf,
                cbuf,
            )
        )
    return results


def _score_chunk(
    store: Store,
    q: sp.csr_matrix,
    cand_q: np.ndarray,
    slots: np.ndarray,
    s1: np.ndarray,
    pool: int,
    prf_docs: int,
    prf_weight: float,
    qbuf: _Scratch | None,
    cbuf: _Scratch | None,
) -> list[Candidates]:
    """Exact float64 scores for one chunk of queries, with optional Rocchio feedback.

    ``cand_q`` (sorted) gives the chunk-local query of each candidate slot.
    """
    n_q = q.shape[0]
    tiekey = store.tiekey

    # Per query: positive round-1 scores, best first (score desc, tie key asc), at most
    # ``pool`` of them.
    order = np.lexsort((tiekey[slots], -s1, cand_q))
    order = order[s1[order] > 0]
    order = order[_group_rank(cand_q[order]) < pool]

    if cbuf is None or qbuf is None:
        final, scores = order, s1
    else:
        # Rocchio: centroid of each query's best ``prf_docs`` candidates, summed in rank order
        # so it does not depend on where the documents sit in the store.
        fb = order[_group_rank(cand_q[order]) < prf_docs]
        f_lens, f_idx, f_dat = gather(store.matrix(), slots[fb])
        f_rows = np.repeat(cand_q[fb], f_lens)
        f_keys = cbuf.keys(f_rows, f_idx)
        np.add.at(cbuf.buf, f_keys, f_dat.astype(np.float64))
        # |centroid|^2 = sum over its cells of value^2 = sum over the summed elements of
        # (cell value x element value): no need to find the distinct cells.
        c_norm = np.sqrt(np.bincount(f_rows, weights=cbuf.buf[f_keys] * f_dat, minlength=n_q))
        c_norm[c_norm == 0] = 1.0
        # q2 = q + w * centroid / |centroid| in qbuf (duplicate keys write equal values), and
        # |q2|^2 = |q|^2 + 2w (q . c) + w^2 |c|^2 with |c| = 1 (0 without feedback docs).
        q_rows = np.repeat(np.arange(n_q), np.diff(q.indptr))
        q_keys = qbuf.keys(q_rows, q.indices)
        qbuf.buf[q_keys] = q.data
        qq = np.bincount(q_rows, weights=q.data.astype(np.float64) ** 2, minlength=n_q)
        qc = np.bincount(q_rows, weights=q.data * cbuf.buf[q_keys], minlength=n_q) / c_norm
        has_fb = np.bincount(cand_q[fb], minlength=n_q) > 0
        q2_norm = np.sqrt(qq + has_fb * (2 * prf_weight * qc + prf_weight * prf_weight))
        q2_norm[q2_norm == 0] = 1.0
        qbuf.buf[f_keys] = qbuf.buf[f_keys] + prf_weight * cbuf.buf[f_keys] / c_norm[f_rows]
        # Re-score the pool only, in float64 from the stored rows.
        p_slots = slots[order]
        lens, idx, dat = gather(store.matrix(), p_slots)
        elem_keys = qbuf.keys(np.repeat(cand_q[order], lens), idx)
        scores = np.zeros(len(slots))
        scores[order] = _segment_sums(qbuf.buf[elem_keys] * dat, lens) / q2_norm[cand_q[order]]
        qbuf.clear(q_keys)
        qbuf.clear(f_keys)
        cbuf.clear(f_keys)
        final = order[np.lexsort((tiekey[slots[order]], -scores[order], cand_q[order]))]

    bounds = _split(cand_q[final], n_q)
    out_slots, out_scores = slots[final], np.minimum(scores[final], 1.0)
    return [
        Candidates(out_slots[bounds[i] : bounds[i + 1]], out_scores[bounds[i] : bounds[i + 1]])
        for i in range(n_q)
    ]


def prf_vector(
    store: Store, q: sp.csr_matrix, feedback_slots: np.ndarray, prf_weight: float
) -> np.ndarray:
    """The dense, unit PRF query vector of one query (used by explanations); same formula as
    the batch path, so explanation scores agree with ranking scores to rounding."""
    q_dense = q.toarray().astype(np.float64).ravel()
    if len(feedback_slots) == 0 or prf_weight <= 0:
        return q_dense
    lens, idx, dat = gather(store.matrix(), feedback_slots)
    centroid = np.zeros(store.n_terms)
    np.add.at(centroid, idx, dat.astype(np.float64))
    c_norm = np.sqrt(np.sum(centroid[idx] * dat))
    if c_norm == 0:
        return q_dense
    qc = np.sum(q.data * centroid[q.indices]) / c_norm
    qq = np.sum(q.data.astype(np.float64) ** 2)
    q2 = q_dense + prf_weight * centroid / c_norm
    return q2 / np.sqrt(qq + 2 * prf_weight * qc + prf_weight * prf_weight)
