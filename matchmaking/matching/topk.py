"""Sparse top-n products: for each query row, the n documents with the highest dot product.

Uses ``sparse_dot_topn`` (ING's C++ kernel: row-wise sparse accumulation that keeps only the
top-n of each row, multi-threaded with OpenMP) when it is installed, and a chunked scipy product
+ ``argpartition`` otherwise. Callers sort the returned candidates themselves (with their own
tie-break), so both backends give the same rankings.
"""

from __future__ import annotations

import os

import numpy as np
import scipy.sparse as sp

try:  # optional accelerator
    from sparse_dot_topn import sp_matmul_topn as _sdt_topn
except ImportError:  # pragma: no cover - exercised only where the wheel is missing
    _sdt_topn = None
try:  # its no-copy entry points (sparse_dot_topn >= 1.0); the checked one copies B each call
    from sparse_dot_topn.unchecked import sp_matmul_topn as _sdt_raw
    from sparse_dot_topn.unchecked import sp_matmul_topn_mt as _sdt_raw_mt
except ImportError:  # pragma: no cover
    _sdt_raw = _sdt_raw_mt = None

HAVE_SPARSE_DOT_TOPN = _sdt_topn is not None


def default_threads() -> int:
    """Threads for the product: all cores, unless MATCHING_THREADS says otherwise (a Celery
    worker sharing the machine may want 1)."""
    env = os.environ.get("MATCHING_THREADS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, os.cpu_count() or 1)


def topn_csr(
    queries: sp.csr_matrix,
    docs_t: sp.csr_matrix,
    n: int,
    *,
    n_threads: int | None = None,
    use_library: bool = True,
    chunk_rows: int = 256,
) -> sp.csr_matrix:
    """CSR (queries x documents) holding, per row, at most ``n`` entries: the largest positive
    values of ``queries @ docs_t`` (unsorted within the row).

    ``docs_t`` is the *transposed* document matrix (terms x documents) in CSR, kept that way by
    the index so no per-call transpose/copy is needed. Zero scores (no shared term) are never
    returned.
    """
    n_q, n_d = queries.shape[0], docs_t.shape[1]
    n = min(n, n_d)
    if n_q == 0 or n_d == 0 or n <= 0 or queries.nnz == 0:
        return sp.csr_matrix((n_q, n_d), dtype=np.float32)
    threads = n_threads if n_threads is not None else default_threads()
    # One thread per ~32 query rows at most: thread start-up costs more than a single row.
    threads = max(1, min(threads, n_q // 32))
    if use_library and _sdt_topn is not None:
        if _sdt_raw is not None and _int32_csr(docs_t) and queries.dtype == docs_t.dtype:
            # The checked entry point copies B's index arrays on every call (O(nnz) per
            # query); the index keeps docs_t in int32 CSR, so the unchecked one is safe.
            q = as_int32_csr(queries)
            if threads > 1:
                return _sdt_raw_mt(q, docs_t, n, False, 0.0, threads)
            return _sdt_raw(q, docs_t, n, False, 0.0, 1.0)
        return _sdt_topn(
            queries,
            docs_t,
            top_n=n,
            threshold=0.0,
            sort=False,
            n_threads=threads if threads > 1 else None,
        )
    return _topn_scipy(queries, docs_t, n, chunk_rows)


def _int32_csr(m: sp.csr_matrix) -> bool:
    return (
        isinstance(m, sp.csr_matrix)
        and m.indptr.dtype == np.int32
        and m.indices.dtype == np.int32
        and m.has_sorted_indices
    )


def as_int32_csr(m: sp.csr_matrix) -> sp.csr_matrix:
    """The same matrix with int32 index arrays (what the C++ kernel reads without copying)."""
    m = m.tocsr()
    if m.nnz >= 2**31 - 1:
        return m
    if _int32_csr(m):
        return m
    out = sp.csr_matrix(m.shape, dtype=m.dtype)
    out.data = m.data
    out.indices = m.indices.astype(np.int32)
    out.indptr = m.indptr.astype(np.int32)
    out.sort_indices()
    return out


def _topn_scipy(
    queries: sp.csr_matrix, docs_t: sp.csr_matrix, n: int, chunk_rows: int
) -> sp.csr_matrix:
    """Reference implementation: chunked scipy product + argpartition per row."""
    indptr = [0]
    indices: list[np.ndarray] = []
    data: list[np.ndarray] = []
    for start in range(0, queries.shape[0], chunk_rows):
        block = (queries[start : start + chunk_rows] @ docs_t).tocsr()
        for r in range(block.shape[0]):
            s, e = block.indptr[r], block.indptr[r + 1]
            val = block.data[s:e]
            idx = block.indices[s:e]
            keep = val > 0
            val, idx = val[keep], idx[keep]
            if len(val) > n:
                part = np.argpartition(-val, n - 1)[:n]
                val, idx = val[part], idx[part]
            indices.append(idx)
            data.append(val)
            indptr.append(indptr[-1] + len(val))
    return sp.csr_matrix(
        (
            np.concatenate(data) if data else np.zeros(0, np.float32),
            np.concatenate(indices) if indices else np.zeros(0, np.int32),
            np.asarray(indptr),
        ),
        shape=(queries.shape[0], docs_t.shape[1]),
    )
