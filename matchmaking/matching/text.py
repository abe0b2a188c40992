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

Thesaurus (issue 10): ``Analyzer(expansions=...)`` takes a ``Thesaurus`` or a mapping from a
phrase to the canonical phrases it implies. :class:`TermMatcher` finds the phrases on sensible
boundaries; the features of their canonical phrases that the text lacks are added with
``expansion_weight`` (< 1, so original terms always weigh more). The mapping can be swapped at
run time with :meth:`Analyzer.set_expansions` (reload without restart). With ``colloquial=True``
(needs, free-text queries) features are taken from the text without its budget, quantities and
filler phrases (colloquial.py), while the thesaurus still sees the whole text.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from operator import add
from typing import Any

import ahocorasick

from .colloquial import clean_need_text
from .stopwords import (
    CHINESE_STOP_CHARS,
    CHINESE_STOP_WORDS,
    COLLOQUIAL_STOP_PHRASES,
    ENGLISH_STOPS,
)

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


def _is_latin_word_char(ch: str) -> bool:
    """A letter or digit that is not a CJK ideograph (so it joins a Latin word)."""
    return ch.isalnum() and not _CJK_RE.match(ch)


#: How a one-character CJK term (烂, 俺) is matched: "word" = only when it stands as a word
#: (each neighbour is punctuation, Latin text, the text's edge or a particle such as 了 / 的:
#: 还有烂的 yes, 腐烂 / 灿烂 no); "any" = anywhere (plain substring); "never" = not at all.
#: See bench/match_quality.py (domain set) for the measurement behind the default.
SINGLE_CHAR_TERMS = "word"


class TermMatcher:
    """Finds thesaurus terms in a normalised text, respecting word boundaries.

    Rules (each measured, see ``bench/match_quality.py``):

    * a term starting (ending) with a Latin letter or digit needs a non-Latin character or the
      text's edge before (after) it: ``ai`` never fires inside ``chain`` or ``mail``, ``5g``
      not inside ``15g``, but ``sc证`` fires in ``办sc证``;
    * a one-character CJK term follows :data:`SINGLE_CHAR_TERMS`;
    * ``不X`` / ``没X`` do not fire right after ``X`` (the "X不X" question: 贵不贵, 好不好);
    * a match lying inside a longer match is dropped (山芋 inside 洋山芋, 烂 inside 烂了);
      overlapping matches that do not contain each other are both kept;
    * an entry with no canonical terms (kind ``block``) matches, so it shields the terms
      inside it, but adds nothing.

    Matching is one pass of an Aho-Corasick automaton over the text (in C): linear in the text,
    independent of the thesaurus size. It finds every occurrence of every term, overlapping or
    nested, which the rules above then filter; a full re-match runs it on every field of every
    listing, where a scan of the positions in Python was a third of the snapshot's time.
    """

    def __init__(
        self, mapping: Mapping[str, Sequence[str]], single_char: str | None = None
    ) -> None:
        self.single_char = single_char or SINGLE_CHAR_TERMS
        self.terms: dict[str, tuple[str, ...]] = {}
        for k, vs in mapping.items():
            term = " ".join(normalize(k).split())
            if not term:
                continue
            if len(term) == 1 and is_cjk(term) and self.single_char == "never":
                continue
            self.terms[term] = tuple(dict.fromkeys(normalize(v) for v in vs))
        self._automaton = ahocorasick.Automaton()
        for term in self.terms:
            self._automaton.add_word(term, len(term))
        if self.terms:
            self._automaton.make_automaton()

    def __bool__(self) -> bool:
        return bool(self.terms)

    def _allowed(self, text: str, i: int, j: int) -> bool:
        term = text[i:j]
        if _is_latin_word_char(term[0]) and i > 0 and _is_latin_word_char(text[i - 1]):
            return False
        if _is_latin_word_char(term[-1]) and j < len(text) and _is_latin_word_char(text[j]):
            return False
        if j - i == 1 and _CJK_RE.match(term):
            if self.single_char == "word":
                for k in (i - 1, j):
                    if 0 <= k < len(text):
                        ch = text[k]
                        if _CJK_RE.match(ch) and ch not in CHINESE_STOP_CHARS:
                            return False
        elif term[0] in "不没" and len(term) >= 2 and i > 0 and text[i - 1] == term[1]:
            return False
        return True

    def find(self, norm_text: str) -> list[tuple[int, int, str]]:
        """(start, end, term) of every match in a normalised text, in text order.

        Whitespace runs count as one space (so ``cold  chain`` matches ``cold chain``); the
        positions refer to the text with whitespace collapsed.
        """
        if not self.terms or not norm_text:
            return []
        text = " ".join(norm_text.split())
        terms = self.terms
        found: list[tuple[int, int, str]] = []
        for last, n in self._automaton.iter(text):
            i, j = last + 1 - n, last + 1
            if self._allowed(text, i, j):
                found.append((i, j, text[i:j]))
        # drop matches inside a longer one (sorted by start, longest first)
        found.sort(key=lambda m: (m[0], m[0] - m[1]))
        out: list[tuple[int, int, str]] = []
        max_end = -1
        for m in found:
            if m[1] <= max_end:
                continue
            out.append(m)
            max_end = m[1]
        blocks = [(i, j) for i, j, t in out if not terms[t]]
        if blocks:  # a block is a word: nothing starting or ending inside it fires
            out = [
                m
                for m in out
                if not terms[m[2]] or not any(i < m[0] < j or i < m[1] < j for i, j in blocks)
            ]
        return out

    def mentions_any(self, norm_text: str) -> bool:
        """True if any term occurs in the text as a plain substring (no boundary rules: a
        superset of :meth:`find`); one pass over the text, whatever the number of terms."""
        if not self.terms:
            return False
        text = " ".join(norm_text.split())
        return next(self._automaton.iter(text), None) is not None

    def pairs(self, norm_text: str) -> list[tuple[str, str]]:
        """(term, canonical) pairs a text triggers, each once, canonical == term skipped."""
        seen: dict[tuple[str, str], None] = {}
        for _i, _j, t in self.find(norm_text):
            for dst in self.terms[t]:
                if dst != t:
                    seen[(t, dst)] = None
        return list(seen)


class Analyzer:
    """Turns text into weighted term counts.

    Stateless apart from the optional expansion mapping, so it is cheap to pickle and share.
    """

    def __init__(
        self,
        expansions: Mapping[str, Sequence[str]] | Any | None = None,
        expansion_weight: float = 0.5,
        max_chars: int = MAX_CHARS,
    ) -> None:
        if not 0.0 <= expansion_weight < 1.0:
            raise ValueError("expansion_weight must be in [0, 1): expansions weigh less")
        self.expansion_weight = expansion_weight
        self.max_chars = max_chars
        self._expansions: dict[str, tuple[str, ...]] = {}
        self._matcher = TermMatcher({})
        self.set_expansions(expansions)

    # -- thesaurus hook -------------------------------------------------------------------
    def set_expansions(self, expansions: Mapping[str, Sequence[str]] | Any | None) -> None:
        """Replace the expansion mapping (phrase -> canonical phrases, or a ``Thesaurus``);
        None disables it."""
        if expansions is not None and hasattr(expansions, "expansions"):
            expansions = expansions.expansions()
        self._matcher = TermMatcher(expansions or {})
        self._expansions = dict(self._matcher.terms)

    @property
    def expansions(self) -> dict[str, tuple[str, ...]]:
        """The current (normalised) mapping."""
        return self._expansions

    def expansions_in(self, norm_text: str) -> list[tuple[str, str]]:
        """(source phrase, canonical phrase) pairs triggered by a normalised text.

        A stop phrase carries no weight through the thesaurus either: pairs whose source is a
        colloquial stop phrase (啥子, 晓得) or whose canonical term is a stop word (什么, 知道)
        are left out."""
        if not self._matcher:
            return []
        return [
            (src, dst)
            for src, dst in self._matcher.pairs(norm_text)
            if src not in COLLOQUIAL_STOP_PHRASES
            and dst not in COLLOQUIAL_STOP_PHRASES
            and dst not in CHINESE_STOP_WORDS
        ]

    # -- tokenisation ---------------------------------------------------------------------
    def _prepare(self, text: str | None, colloquial: bool) -> tuple[str, str]:
        """(normalised text, text to take features from). Colloquial text (needs, free-text
        queries) loses its budget phrase, quantities and stop phrases (colloquial.py); the
        thesaurus still sees the whole normalised text (长势咋样 is a term)."""
        norm = normalize((text or "")[: self.max_chars])
        if not colloquial or not norm:
            return norm, norm
        return norm, clean_need_text(norm)

    def features(self, text: str | None, *, colloquial: bool = False) -> list[str]:
        """Feature strings of one text, in order, with repeats (no expansion)."""
        if not text:
            return []
        return _raw_features(self._prepare(text, colloquial)[1])

    def __call__(self, text: str) -> list[str]:
        # Lets an Analyzer be passed as scikit-learn's ``analyzer=`` callable.
        return self.features(text)

    def expansion_features(self, norm_text: str, own: Iterable[str] = ()) -> list[str]:
        """Distinct features of the canonical phrases a normalised text triggers, minus the
        text's own features ``own`` (an expansion adds vocabulary; it never boosts a term the
        text already has)."""
        skip = set(own)
        seen: dict[str, None] = {}
        for _src, dst in self.expansions_in(norm_text):
            for f in _raw_features(dst):
                if f not in skip:
                    seen[f] = None
        return list(seen)

    def bulk_features(
        self, text: str | None, *, colloquial: bool = False
    ) -> tuple[list[str], list[str]]:
        """(features incl. stop features, expansion features) of one raw text: indexing path."""
        if not text:
            return [], []
        norm, clean = self._prepare(text, colloquial)
        feats = _all_features(clean)
        return feats, self.expansion_features(norm, feats) if self._matcher else []

    def counts(self, text: str | None, *, colloquial: bool = False) -> Counter[str]:
        """Term -> count; thesaurus expansions add ``expansion_weight`` once per new term."""
        norm, clean = self._prepare(text, colloquial)
        counts: Counter[str] = Counter(_raw_features(clean))
        for f in self.expansion_features(norm, counts):
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


class SpanIndex:
    """A text read once for ``readable_spans``: where each of its bigrams, lone characters and
    words stands. ``spans(matched)`` then gives what ``readable_spans(text, matched)`` gives,
    visiting only the positions of the matched features, so explaining a query against many
    candidates does not walk the whole query text once per candidate."""

    __slots__ = ("runs", "where")

    def __init__(self, text: str):
        norm = normalize(text[:MAX_CHARS]).translate(_BREAK_TABLE)
        self.runs: list[tuple[str, str]] = _RUN_RE.findall(norm)
        # feature -> [(run index, bigram start)], -1 for a lone character, -2 for a word
        self.where: dict[str, list[tuple[int, int]]] = {}
        for index, (cjk, other) in enumerate(self.runs):
            if other:
                self.where.setdefault(other, []).append((index, -2))
                continue
            if len(cjk) == 1:
                self.where.setdefault(cjk, []).append((index, -1))
            for p in range(len(cjk) - 1):
                self.where.setdefault(cjk[p : p + 2], []).append((index, p))

    def spans(self, matched: set[str]) -> list[tuple[str, list[str]]]:
        hits: dict[int, list[int]] = {}
        for feature in matched:
            for index, p in self.where.get(feature, ()):
                hits.setdefault(index, []).append(p)
        seen: set[str] = set()
        out: list[tuple[str, list[str]]] = []
        for index in sorted(hits):
            cjk, other = self.runs[index]
            if other:
                if other not in seen:
                    seen.add(other)
                    out.append((other, [other]))
                continue
            starts = sorted(p for p in set(hits[index]) if p >= 0)
            if -1 in hits[index] and cjk not in seen:
                seen.add(cjk)
                out.append((cjk, [cjk]))
            k = 0
            while k < len(starts):
                i = j = starts[k]
                k += 1
                while k < len(starts) and starts[k] == j + 1:
                    j = starts[k]
                    k += 1
                # The bigrams i..j cover the characters i..j+1, as in readable_spans.
                a, b = i, j + 1
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
        return out
