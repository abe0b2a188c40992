"""Writes matchmaking/matching/data/need_stop_terms.tsv: the terms many needs share that carry
no meaning in a need (learnt by document frequency, see stopwords.learn_need_stop_terms), which
explanations never show as shared keywords or highlights. The curated part of the list is in
stopwords.py. Corpus: the colloquial needs and the results of bench/data (only their words'
frequencies are used; the ranking is untouched, so the domain benchmark is not tuned by this).

Usage: python bench/learn_stop_terms.py [--check]   (--check: exit 1 if the file would change)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from matchmaking.matching.stopwords import learn_need_stop_terms  # noqa: E402

OUT = REPO / "matchmaking/matching/data/need_stop_terms.tsv"
DATA = REPO / "bench/data"


def render() -> str:
    def jsonl(name: str) -> list[dict]:
        with open(DATA / name, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    needs = [n["text"] for n in jsonl("domain_needs.jsonl")]
    results = [
        " ".join([r["title"], " ".join(r["keywords"]), r["abstract"]])
        for r in jsonl("domain_results.jsonl")
    ]
    rows = learn_need_stop_terms(needs, results)
    lines = [
        "# Written by bench/learn_stop_terms.py from bench/data (do not edit by hand): terms of",
        "# how needs are written, never shown as shared keywords. term<TAB>share of needs",
        "term\tneed_df",
        *(f"{t}\t{d}" for t, d in rows),
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    text = render()
    if args.check:
        same = OUT.exists() and OUT.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{OUT} differs from what the data gives")
        sys.exit(0 if same else 1)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT} ({text.count(chr(10)) - 3} terms)")


if __name__ == "__main__":
    main()
