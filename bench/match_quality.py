"""Ranking quality of the matcher on the CSL dev split, against baselines run in the same process.

Tasks (see the dataset README):

* exact   -- query = keywords + title, documents = the 1,000 abstracts, relevant = same paper;
             MRR@10 and Recall@10.
* topical -- query = title, documents = the other 999 abstracts, relevant = same discipline;
             P@10 and nDCG@10.

Systems: the project's ``rank()``; the project without pseudo-relevance feedback (ablation);
plain scikit-learn TF-IDF over character 1+2-grams; TF-IDF over jieba words; BM25 (rank_bm25)
over character 1+2-grams and over jieba words. No system sees a label at query time.

Robustness: the whole comparison is repeated on each half of the data as an independent
collection (500 papers each), so a setting that only wins on the full set shows up.

Usage: python bench/match_quality.py [--data DIR] [--no-halves] [--sweep]
The data folder defaults to $CSL_DEV_DIR, else ../shared/datasets/csl-dev beside the repo.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from matchmaking.matching import Weights, rank  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared/datasets/csl-dev"
K = 10

# ---------------------------------------------------------------------------------------------
# data


def load(data_dir: Path) -> dict:
    def rows(name: str) -> list[list[str]]:
        with open(data_dir / name, encoding="utf-8") as f:
            return [line.rstrip("\n").split("\t") for line in f]

    ts, kg, dcp = rows("ts-dev.tsv"), rows("kg-dev.tsv"), rows("cls_dcp-dev.tsv")
    if not len(ts) == len(kg) == len(dcp):
        raise SystemExit("the TSV files are not row-aligned")
    abstracts = [r[1] for r in ts]
    if any(a != r[1] for a, r in zip(abstracts, dcp, strict=True)):
        raise SystemExit("ts-dev and cls_dcp-dev disagree on abstracts")
    return {
        "abstracts": abstracts,
        "titles": [r[2] for r in ts],
        "keywords": [r[2].split("_") for r in kg],
        "discipline": np.array([r[2] for r in dcp]),
    }


def subset(data: dict, idx: Sequence[int]) -> dict:
    return {
        "abstracts": [data["abstracts"][i] for i in idx],
        "titles": [data["titles"][i] for i in idx],
        "keywords": [data["keywords"][i] for i in idx],
        "discipline": data["discipline"][list(idx)],
    }


# ---------------------------------------------------------------------------------------------
# metrics

Ranking = list[list[int]]  # per query, document indices best first


def exact_metrics(ranked: Ranking) -> tuple[float, float]:
    rr, hit = [], []
    for i, lst in enumerate(ranked):
        lst = list(lst[:K])
        rr.append(1.0 / (lst.index(i) + 1) if i in lst else 0.0)
        hit.append(i in lst)
    return float(np.mean(rr)), float(np.mean(hit))


def topical_metrics(ranked: Ranking, disc: np.ndarray) -> tuple[float, float]:
    p, nd = [], []
    disc_count = {d: int((disc == d).sum()) for d in set(disc.tolist())}
    for i, lst in enumerate(ranked):
        lst = [j for j in lst if j != i][:K]  # self is excluded by every system; belt and braces
        rel = [disc[j] == disc[i] for j in lst]
        n_rel = disc_count[disc[i]] - 1
        p.append(sum(rel) / K)
        dcg = sum(r / np.log2(r_i + 2) for r_i, r in enumerate(rel))
        idcg = sum(1 / np.log2(j + 2) for j in range(min(K, n_rel)))
        nd.append(dcg / idcg if idcg else 0.0)
    return float(np.mean(p)), float(np.mean(nd))


def top_from_scores(scores: np.ndarray, exclude_self: bool) -> Ranking:
    s = scores.astype(np.float64, copy=True)
    if exclude_self:
        np.fill_diagonal(s, -np.inf)
    order = np.argsort(-s, axis=1, kind="stable")[:, :K]
    return [list(map(int, r)) for r in order]


# ---------------------------------------------------------------------------------------------
# tokenisers for the baselines

_WORD = re.compile(r"[^\W_]+")
_PUNCT = re.compile(r"^[\W_]+$")


def char12(text: str) -> list[str]:
    """Plain character 1+2-grams of each run of word characters (NFKC, lower-cased)."""
    text = unicodedata.normalize("NFKC", text).lower()
    out: list[str] = []
    for run in _WORD.findall(text):
        out.extend(run)
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def jieba_words(text: str) -> list[str]:
    import jieba

    text = unicodedata.normalize("NFKC", text).lower()
    return [w for w in jieba.lcut(text) if w.strip() and not _PUNCT.match(w)]


# ---------------------------------------------------------------------------------------------
# systems: each returns (exact ranking, topical ranking)

System = Callable[[dict], tuple[Ranking, Ranking]]


def exact_queries(data: dict) -> list[str]:
    return [" ".join(k) + " " + t for k, t in zip(data["keywords"], data["titles"], strict=True)]


def project(weights: Weights | None = None) -> System:
    def run(data: dict) -> tuple[Ranking, Ranking]:
        docs = data["abstracts"]
        ex = rank(exact_queries(data), docs, K, weights=weights)
        tp = rank(data["titles"], docs, K, weights=weights, exclude=range(len(docs)))
        return [[j for j, _ in r] for r in ex], [[j for j, _ in r] for r in tp]

    return run


def sklearn_tfidf(analyzer: Callable[[str], list[str]]) -> System:
    from sklearn.feature_extraction.text import TfidfVectorizer

    def run(data: dict) -> tuple[Ranking, Ranking]:
        vec = TfidfVectorizer(analyzer=analyzer)
        d = vec.fit_transform(data["abstracts"])
        qe = vec.transform(exact_queries(data))
        qt = vec.transform(data["titles"])
        return (
            top_from_scores((qe @ d.T).toarray(), False),
            top_from_scores((qt @ d.T).toarray(), True),
        )

    return run


def bm25(analyzer: Callable[[str], list[str]]) -> System:
    from rank_bm25 import BM25Okapi

    def run(data: dict) -> tuple[Ranking, Ranking]:
        model = BM25Okapi([analyzer(a) for a in data["abstracts"]])
        se = np.array([model.get_scores(analyzer(q)) for q in exact_queries(data)])
        st = np.array([model.get_scores(analyzer(t)) for t in data["titles"]])
        return top_from_scores(se, False), top_from_scores(st, True)

    return run


SYSTEMS: list[tuple[str, System, bool]] = [  # (name, system, is_baseline)
    ("project rank()", project(), False),
    ("project, no PRF", project(replace(Weights(), prf_docs=0)), False),
    ("tfidf char1+2", sklearn_tfidf(char12), True),
    ("tfidf jieba", sklearn_tfidf(jieba_words), True),
    ("bm25 char1+2", bm25(char12), True),
    ("bm25 jieba", bm25(jieba_words), True),
]


def evaluate(data: dict, title: str) -> dict[str, tuple[float, float, float, float]]:
    print(
        f"\n## {title}  ({len(data['abstracts'])} papers, "
        f"{len(set(data['discipline'].tolist()))} disciplines)"
    )
    print(f"{'system':<18} {'MRR@10':>8} {'R@10':>8} {'P@10':>8} {'nDCG@10':>8} {'time s':>8}")
    out = {}
    for name, system, _ in SYSTEMS:
        t0 = time.perf_counter()
        ex, tp = system(data)
        dt = time.perf_counter() - t0
        m = exact_metrics(ex) + topical_metrics(tp, data["discipline"])
        out[name] = m
        print(f"{name:<18} {m[0]:>8.4f} {m[1]:>8.4f} {m[2]:>8.4f} {m[3]:>8.4f} {dt:>8.1f}")
    best_name = max((n for n, _, b in SYSTEMS if b), key=lambda n: out[n][2])
    ours, best = out["project rank()"], out[best_name]
    gain = (ours[2] / best[2] - 1) * 100 if best[2] else float("inf")
    print(
        f"topical P@10: project {ours[2]:.4f} vs best baseline ({best_name}) {best[2]:.4f}"
        f" -> {gain:+.1f}% relative (target >= +5%); exact MRR@10 {ours[0]:.4f}"
        f" (target >= 0.97)"
    )
    return out


def tokeniser_speed(data: dict) -> None:
    from matchmaking.matching import Analyzer

    texts = data["abstracts"]
    jieba_words(texts[0])  # load jieba's dictionary outside the timing
    analyzer = Analyzer()
    print("\n## tokenisation of the abstracts")
    print(f"{'tokeniser':<24} {'seconds':>8} {'tokens/doc':>10}")
    for name, fn in (
        ("project analyzer", analyzer.features),
        ("plain char1+2", char12),
        ("jieba words", jieba_words),
    ):
        t0 = time.perf_counter()
        toks = [fn(t) for t in texts]
        dt = time.perf_counter() - t0
        print(f"{name:<24} {dt:>8.3f} {np.mean([len(t) for t in toks]):>10.1f}")


def sweep(data: dict) -> None:
    """One-at-a-time variations around the defaults: a robust setting sits on a plateau."""
    n = len(data["abstracts"])
    halves = [subset(data, range(n // 2)), subset(data, range(n // 2, n))]
    base = Weights()
    variants = [("defaults", {})]
    for name, values in (
        ("k1", (0.9, 2.0)),
        ("b", (0.5, 1.0)),
        ("max_df_min_docs", (100,)),  # i.e. cut at max_df = 10% even on 1,000 papers
        ("prf_docs", (0, 3, 8)),
        ("prf_weight", (0.3, 1.0)),
    ):
        variants += [(f"{name}={v}", {name: v}) for v in values]
    print("\n## sensitivity of the project's settings (one change at a time)")
    print(f"{'setting':<20} {'MRR@10':>8} {'P@10':>8} {'P@10 A':>8} {'P@10 B':>8}")
    for label, change in variants:
        system = project(replace(base, **change))
        ex, tp = system(data)
        mrr = exact_metrics(ex)[0]
        p_all = topical_metrics(tp, data["discipline"])[0]
        p_half = [topical_metrics(system(h)[1], h["discipline"])[0] for h in halves]
        print(f"{label:<20} {mrr:>8.4f} {p_all:>8.4f} {p_half[0]:>8.4f} {p_half[1]:>8.4f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("CSL_DEV_DIR", DEFAULT_DATA)))
    ap.add_argument("--no-halves", action="store_true", help="skip the per-half robustness runs")
    ap.add_argument("--sweep", action="store_true", help="also print a sensitivity table")
    args = ap.parse_args()
    if not (args.data / "ts-dev.tsv").exists():
        raise SystemExit(f"CSL data not found in {args.data} (use --data or CSL_DEV_DIR)")
    import jieba

    jieba.setLogLevel(60)
    data = load(args.data)
    tokeniser_speed(data)
    evaluate(data, "full dev split")
    if not args.no_halves:
        n = len(data["abstracts"])
        evaluate(subset(data, range(n // 2)), "half A (first 500 rows)")
        evaluate(subset(data, range(n // 2, n)), "half B (last 500 rows)")
    if args.sweep:
        sweep(data)


if __name__ == "__main__":
    main()
