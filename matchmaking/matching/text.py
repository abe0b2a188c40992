"""Normalisation and tokenisation for Chinese, English and mixed text.

Why character unigrams + bigrams rather than a word segmenter: on the CSL dev data (see
``bench/match_quality.py``) TF-IDF over character 1+2-grams beat jieba words on the topical task
and tokenises about 10x faster, and it needs no dictionary, so colloquial words (洋芋, 带货) and
new terms are never mis-segmented. Bigrams carry most of the meaning (冷链, 溯源); unigrams add
recall for single-character words and partial overlaps.

scikit-learn's default ``token_pattern`` keeps only runs of 2+ word characters, so a whole Chinese
clause becomes one token; this module is therefore a custom analyzer.

Features produced by :meth:`Analyzer.features`:

* CJK runs -> every character (unless a stop character) and every adjacent pair (unless a stop
  word, or both characters are stop characters). Runs never span punctuation, Latin text or
  spaces, so no bigram crosses a clause boundary.
* Other letters/digits -> lower-cased words (English stop words, pure numbers and one-letter
  tokens dropped).

Hook for the thesaurus (issue 10): ``Analyzer(expansions=...)`` takes a mapping from a phrase to
the canonical phrases it implies; when the phrase occurs in a text, the features of the canonical
phrases are added with ``expansion_weight`` (< 1, so original terms always weigh more). The
mapping can be swapped at run time with :meth:`Analyzer.set_expansions` (reload without restart).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from operator import add

from .stopwords import CHINESE_STOP_CHARS, CHINESE_STOP_WORDS, ENGLISH_STOPS

# CJK Unified Ideographs (basic block, extension A, compatibility ideographs). NFKC already folds
# most compatibility ideographs onto the basic block.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{_CJK}]")
# One pass finds both kinds of runs: group 1 = CJK run, group 2 = any other letters/digits.
_RUN_RE = re.compile(f"([{_CJK}]+)|([^\\W_{_CJK}]+)")

# Feature strings that are never emitted. Pairs of stop characters are precomputed so the hot
# loop is one set lookup per feature.
_STOP_FEATURES: frozenset[str] = frozenset(
    set(CHINESE_STOP_CHARS)
    | {w for w in CHINESE_STOP_WORDS if len(w) == 2}
    | {a + b for a in CHINESE_STOP_CHARS for b in CHINESE_STOP_CHARS}
    | set(ENGLISH_STOPS)
)

# Characters that end a CJK run for bigram purposes: 的 joins two words far more often than it
# is part of one (目的, 的确), so bigrams across it (果的, 的保) are noise. Measured on the CSL
# dev split: +1% relative topical P@10, no change on the exact task.
BIGRAM_BREAKERS = "的"
_BREAK_TABLE = str.maketrans({c: " " for c in BIGRAM_BREAKERS})

# Particles trimmed from the edges of an explanation phrase (拉货了 -> 拉货). Deliberately not
# all stop characters: 太阳, 在线, 土地 start or end with one.
_EDGE_PARTICLES = frozenset("了着吗呢吧啊呀和与或")

#: Inputs longer than this are truncated: a pasted book must not stall a web request. 100k
#: characters is ~50 pages, far more than any need or result description.
MAX_CHARS = 100_000


def normalize(text: str) -> str:
    """NFKC-normalise and case-fold.

    NFKC maps full-width ASCII (ＡＢＣ１２３) to ASCII and full-width punctuation to its ASCII
    form, so 'ＰＭ２．５' and 'pm2.5' give the same tokens.
    """
    if not text:
        return ""
    return unicodedata.normalize("NFKC", text).casefold()


def is_cjk(term: str) -> bool:
    """True if the term contains a CJK ideograph (used to tell 2-char words from English)."""
    return bool(_CJK_RE.search(term))


def _raw_features(text: str) -> list[str]:
    """Features of an already-normalised text, stop features removed, in text order."""
    stop = _STOP_FEATURES
    return [f for f in _all_features(text) if f not in stop]


def _all_features(text: str) -> list[str]:
    """Features of a normalised text *including* stop features (hot path of bulk indexing).

    Stop features are removed later by the vocabulary, which never contains them, so the
    per-feature Python work here is only C-level list building.
    """
    out: list[str] = []
    for cjk, other in _RUN_RE.findall(text.translate(_BREAK_TABLE)):
        if cjk:
            out.extend(cjk)  # unigrams
            if len(cjk) > 1:
                out.extend(map(add, cjk, cjk[1:]))  # bigrams, built in C
        elif len(other) > 1 and not other.isdigit():
            out.append(other)
    return out


def is_stop_feature(feature: str) -> bool:
    return feature in _STOP_FEATURES


class Analyzer:
    """Turns text into weighted term counts.

    Stateless apart from the optional expansion mapping, so it is cheap to pickle and share.
    """

    def __init__(
        self,
        expansions: Mapping[str, Sequence[str]] | None = None,
        expansion_weight: float = 0.5,
        max_chars: int = MAX_CHARS,
    ) -> None:
        if not 0.0 <= expansion_weight < 1.0:
            raise ValueError("expansion_weight must be in [0, 1): expansions weigh less")
        self.expansion_weight = expansion_weight
        self.max_chars = max_chars
        self._expansions: dict[str, tuple[str, ...]] = {}
        self.set_expansions(expansions)

    # -- thesaurus hook -------------------------------------------------------------------
    def set_expansions(self, expansions: Mapping[str, Sequence[str]] | None) -> None:
        """Replace the expansion mapping (phrase -> canonical phrases); None disables it."""
        self._expansions = {
            normalize(k): tuple(normalize(v) for v in vs) for k, vs in (expansions or {}).items()
        }

    def expansions_in(self, norm_text: str) -> list[tuple[str, str]]:
        """(source phrase, canonical phrase) pairs triggered by a normalised text."""
        if not self._expansions:
            return []
        return [
            (src, dst) for src, dsts in self._expansions.items() if src in norm_text for dst in dsts
        ]

    # -- tokenisation ---------------------------------------------------------------------
    def features(self, text: str | None) -> list[str]:
        """Feature strings of one text, in order, with repeats (no expansion)."""
        if not text:
            return []
        return _raw_features(normalize(text[: self.max_chars]))

    def __call__(self, text: str) -> list[str]:
        # Lets an Analyzer be passed as scikit-learn's ``analyzer=`` callable.
        return self.features(text)

    def expansion_features(self, norm_text: str) -> list[str]:
        """Distinct features of the canonical phrases a normalised text triggers."""
        seen: dict[str, None] = {}
        for _src, dst in self.expansions_in(norm_text):
            for f in _raw_features(dst):
                seen[f] = None
        return list(seen)

    def bulk_features(self, text: str | None) -> tuple[list[str], list[str]]:
        """(features incl. stop features, expansion features) of one raw text: indexing path."""
        if not text:
            return [], []
        norm = normalize(text[: self.max_chars])
        return _all_features(norm), self.expansion_features(norm) if self._expansions else []

    def counts(self, text: str | None) -> Counter[str]:
        """Term -> count; thesaurus expansions add ``expansion_weight`` once per term."""
        norm = normalize((text or "")[: self.max_chars])
        counts: Counter[str] = Counter(_raw_features(norm))
        for f in self.expansion_features(norm):
            counts[f] += self.expansion_weight
        return counts


def readable_spans(text: str, matched: set[str]) -> list[tuple[str, list[str]]]:
    """Group matched features of a text into human-readable phrases, for explanations.

    Walks each CJK run of ``text`` and merges consecutive positions whose bigram is in
    ``matched`` into one span: 冷链 + 链物 + 物流 -> 冷链物流. Returns (phrase, features it
    covers) pairs in text order, each phrase at most once. Single characters are never returned
    as phrases on their own (they are not readable) unless the character stands alone between
    punctuation; otherwise their weight goes to the spans that contain them. English words
    come back as themselves.
    """
    norm = normalize(text[:MAX_CHARS]).translate(_BREAK_TABLE)
    seen: set[str] = set()
    out: list[tuple[str, list[str]]] = []
    for cjk, other in _RUN_RE.findall(norm):
        if other:
            if other in matched and other not in seen:
                seen.add(other)
                out.append((other, [other]))
            continue
        i, n = 0, len(cjk)
        if n == 1 and cjk in matched and cjk not in seen:
            # a one-character run between punctuation is a whole word (茶, 猪): readable
            seen.add(cjk)
            out.append((cjk, [cjk]))
        while i < n - 1:
            if cjk[i : i + 2] not in matched:
                i += 1
                continue
            j = i + 1
            while j < n - 1 and cjk[j : j + 2] in matched:
                j += 1
            # Trim particles at the edges (的冷 -> 冷 -> too short): not part of the term.
            a, b = i, j
            while a < b and cjk[a] in _EDGE_PARTICLES:
                a += 1
            while b > a and cjk[b] in _EDGE_PARTICLES:
                b -= 1
            phrase = cjk[a : b + 1]
            if b > a and phrase not in seen:
                seen.add(phrase)
                feats = [cjk[p : p + 2] for p in range(a, b)]
                feats += [c for c in phrase if c in matched]
                out.append((phrase, feats))
            i = j + 1
    return out
