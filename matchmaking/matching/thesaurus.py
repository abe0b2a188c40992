"""The thesaurus: colloquial, dialect, produce, abbreviation, English and typo terms mapped to
the canonical terms research results use (洋芋 -> 马铃薯, 冻库 -> 冷库, IoT -> 物联网).

File format (``data/thesaurus.tsv`` is the shipped, maintained file)
--------------------------------------------------------------------
UTF-8, tab-separated, one entry per line. Lines starting with ``#`` and blank lines are ignored.
The first other line is the header, exactly ``term<TAB>canonical<TAB>kind``. Then:

* ``term``: the phrase as people write it (洋芋, 冻库, 干不干, cold chain, IoT). Compared after
  NFKC normalisation and case folding, so ``IoT`` = ``iot`` = ``ＩＯＴ``; unique in a file.
* ``canonical``: one or more canonical terms, separated by spaces (``冷库 冷藏``). A canonical
  term equal to ``term`` is allowed (``保鲜 -> 保鲜 冷链 预冷 贮藏``): the term keeps its own
  weight and only the others are added. Expansion is one level deep (no chains).
* ``kind``: one of :data:`KINDS` (documentation only, except ``block``). A ``block`` entry
  (canonical ``-``) adds nothing: it marks a word inside which shorter terms must not fire
  (``灿烂`` shields ``烂``), and, merged on top of another thesaurus, it switches that
  thesaurus's entry for the same term off.

How terms are found in a text (see :class:`TermMatcher`): Latin terms only as whole words
(``ai`` never inside ``chain``), a single CJK character only when it stands as a word (next to
punctuation, Latin text or a particle: ``烂了`` yes, ``腐烂`` no), a term inside a longer
matched term does not fire (``山芋`` inside ``洋山芋``), and ``不X`` / ``没X`` do not fire in an
"X不X" question (``不贵`` inside ``贵不贵``).

API
---
``load_thesaurus(path_or_lines) -> Thesaurus`` parses and validates (raises
:class:`ThesaurusError` listing every bad line with its number); ``default_thesaurus()`` is the
shipped file; ``Thesaurus.from_rows(rows)`` builds one from ``(term, canonical, kind)`` tuples
(the app's admin-edited database rows); ``base.merged(extra)`` lays ``extra`` over ``base`` (an
entry of ``extra`` replaces the one for the same term); ``.expansions()`` is the plain mapping
the matcher takes; ``.fingerprint`` is a hash of that mapping, so a process can tell that its
index was built with another thesaurus and reload (``MatchIndex.set_expansions``).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .text import normalize

#: Kinds of entries. ``block`` is the only one with an effect of its own (see module doc).
KINDS: tuple[str, ...] = (
    "produce",
    "colloquial",
    "dialect",
    "abbreviation",
    "english",
    "typo",
    "synonym",
    "block",
)
HEADER = ("term", "canonical", "kind")
BLOCK = "block"
_BLOCK_CANONICAL = "-"

#: The maintained file shipped with the library.
DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "thesaurus.tsv"

MAX_TERM_CHARS = 40


class ThesaurusError(ValueError):
    """A thesaurus file or row set is invalid. ``errors`` = [(line number, message), ...]."""

    def __init__(self, source: str, errors: Sequence[tuple[int, str]], unit: str = "line") -> None:
        self.source = source
        self.errors = list(errors)
        shown = "\n".join(f"  {unit} {n}: {msg}" for n, msg in self.errors[:50])
        more = f"\n  ... and {len(self.errors) - 50} more" if len(self.errors) > 50 else ""
        super().__init__(f"{source}: {len(self.errors)} invalid {unit}(s)\n{shown}{more}")


@dataclass(frozen=True)
class Entry:
    """One thesaurus entry; ``term`` and ``canonical`` are normalised (NFKC, case-folded)."""

    term: str
    canonical: tuple[str, ...]
    kind: str
    line: int = 0  # line number in its file (or row number), for messages

    @property
    def is_block(self) -> bool:
        return self.kind == BLOCK


def expansions_fingerprint(expansions: Mapping[str, Sequence[str]] | None) -> str:
    """Hash of an expansion mapping (order-independent); "" for no mapping.

    The same value as :attr:`Thesaurus.fingerprint` for the mapping a thesaurus produces, so
    an index (which stores only the mapping) and a thesaurus can be compared.
    """
    if not expansions:
        return ""
    canon = sorted(
        (normalize(k).strip(), [normalize(v) for v in vs]) for k, vs in expansions.items()
    )
    blob = json.dumps(canon, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:16]


def _split_canonical(value: str | Sequence[str]) -> list[str]:
    if isinstance(value, str):
        return value.split()
    return [w for v in value for w in str(v).split()]


def _check(
    term_raw: str, canonical_raw: str | Sequence[str], kind_raw: str, n: int
) -> tuple[Entry | None, list[tuple[int, str]]]:
    """Validate one row; (entry, []) or (None, errors)."""
    errors: list[tuple[int, str]] = []
    term = " ".join(normalize(term_raw or "").split())
    kind = (kind_raw or "").strip().casefold()
    canon = [normalize(c) for c in _split_canonical(canonical_raw or "")]
    if not term:
        errors.append((n, "empty term"))
    elif len(term) > MAX_TERM_CHARS:
        errors.append((n, f"term longer than {MAX_TERM_CHARS} characters"))
    elif "\t" in term:
        errors.append((n, "term contains a tab"))
    if kind not in KINDS:
        errors.append((n, f"unknown kind {kind_raw!r} (expected one of {', '.join(KINDS)})"))
    if kind == BLOCK:
        if canon not in ([], [_BLOCK_CANONICAL]):
            errors.append((n, "a block entry takes '-' as its canonical"))
        canon = []
    elif not canon:
        errors.append((n, "no canonical term"))
    elif _BLOCK_CANONICAL in canon:
        errors.append((n, "'-' as canonical is only for kind 'block'"))
    if errors:
        return None, errors
    # order kept, duplicates dropped
    return Entry(term, tuple(dict.fromkeys(canon)), kind, n), []


class Thesaurus:
    """An immutable set of entries, one per normalised term."""

    def __init__(self, entries: Iterable[Entry] = (), source: str = "") -> None:
        self._entries: dict[str, Entry] = {}
        for e in entries:
            self._entries[e.term] = e  # later entries win (used by merged)
        self.source = source
        self._fingerprint: str | None = None

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def from_rows(
        cls,
        rows: Iterable[tuple[str, str | Sequence[str], str]],
        source: str = "rows",
    ) -> Thesaurus:
        """From ``(term, canonical_terms, kind)`` tuples, e.g. database rows. ``canonical_terms``
        is a list or a space-separated string. Raises :class:`ThesaurusError` (row numbers are
        1-based positions in ``rows``) on invalid rows or duplicate terms."""
        entries: list[Entry] = []
        errors: list[tuple[int, str]] = []
        first: dict[str, int] = {}
        for n, row in enumerate(rows, start=1):
            if len(row) != 3:
                errors.append((n, f"expected (term, canonical, kind), got {len(row)} values"))
                continue
            entry, errs = _check(str(row[0]), row[1], str(row[2]), n)
            errors += errs
            if entry is None:
                continue
            if entry.term in first:
                errors.append(
                    (n, f"duplicate term {entry.term!r} (first in row {first[entry.term]})")
                )
                continue
            first[entry.term] = n
            entries.append(entry)
        if errors:
            raise ThesaurusError(source, errors, unit="row")
        return cls(entries, source)

    def merged(self, other: Thesaurus) -> Thesaurus:
        """This thesaurus with ``other`` laid over it: ``other``'s entry replaces the one for
        the same term (a ``block`` entry in ``other`` switches a term off)."""
        return Thesaurus(
            [*self._entries.values(), *other._entries.values()],
            f"{self.source}+{other.source}",
        )

    # -- views --------------------------------------------------------------------------------
    def expansions(self) -> dict[str, list[str]]:
        """term -> canonical terms, the mapping :class:`~.text.Analyzer` and
        ``MatchIndex.set_expansions`` take. Block entries map to ``[]``."""
        return {t: list(e.canonical) for t, e in self._entries.items()}

    @property
    def fingerprint(self) -> str:
        """16 hex digits identifying the effective mapping (see :func:`expansions_fingerprint`)."""
        if self._fingerprint is None:
            self._fingerprint = expansions_fingerprint(self.expansions())
        return self._fingerprint

    def get(self, term: str) -> Entry | None:
        return self._entries.get(" ".join(normalize(term).split()))

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and self.get(term) is not None

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<Thesaurus {self.source or '?'}: {len(self)} entries, {self.fingerprint}>"

    def counts_by_kind(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for e in self._entries.values():
            out[e.kind] = out.get(e.kind, 0) + 1
        return out

    def to_tsv(self) -> str:
        """The file format (header + one line per entry), e.g. to export the merged result."""
        lines = ["\t".join(HEADER)]
        for e in self._entries.values():
            canon = " ".join(e.canonical) if e.canonical else _BLOCK_CANONICAL
            lines.append(f"{e.term}\t{canon}\t{e.kind}")
        return "\n".join(lines) + "\n"


def load_thesaurus(
    path_or_lines: str | os.PathLike | Iterable[str], *, source: str | None = None
) -> Thesaurus:
    """Parse and validate a thesaurus file (a path) or its lines (any iterable of str).

    Every problem is collected before raising :class:`ThesaurusError`, which names each bad line
    by its 1-based line number: missing header, wrong number of columns, empty term, unknown
    kind, no canonical term, duplicate term (after normalisation).
    """
    if isinstance(path_or_lines, str | os.PathLike):
        path = Path(path_or_lines)
        with open(path, encoding="utf-8-sig") as f:
            lines = f.read().splitlines()
        source = source or str(path)
    else:
        lines = [ln.rstrip("\r\n") for ln in path_or_lines]
        source = source or "<lines>"
    errors: list[tuple[int, str]] = []
    entries: list[Entry] = []
    first: dict[str, int] = {}
    header_seen = False
    for n, line in enumerate(lines, start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cols = line.split("\t")
        if not header_seen:
            header_seen = True
            if tuple(c.strip().casefold() for c in cols) != HEADER:
                errors.append((n, f"expected the header {'<TAB>'.join(HEADER)!r}, got {line!r}"))
                if len(cols) != 3 or cols[2].strip().casefold() not in KINDS:
                    continue  # not an entry either
            else:
                continue
        if len(cols) != 3:
            errors.append((n, f"expected 3 tab-separated columns, got {len(cols)}"))
            continue
        entry, errs = _check(cols[0], cols[1], cols[2], n)
        errors += errs
        if entry is None:
            continue
        if entry.term in first:
            errors.append((n, f"duplicate term {entry.term!r} (first on line {first[entry.term]})"))
            continue
        first[entry.term] = n
        entries.append(entry)
    if not header_seen:
        errors.append((0, "no header line (term<TAB>canonical<TAB>kind)"))
    if errors:
        raise ThesaurusError(source, errors)
    return Thesaurus(entries, source)


@lru_cache(maxsize=1)
def default_thesaurus() -> Thesaurus:
    """The thesaurus shipped with the library (``data/thesaurus.tsv``), parsed once."""
    return load_thesaurus(DEFAULT_PATH, source="matching/data/thesaurus.tsv")


__all__ = [
    "DEFAULT_PATH",
    "HEADER",
    "KINDS",
    "Entry",
    "Thesaurus",
    "ThesaurusError",
    "default_thesaurus",
    "expansions_fingerprint",
    "load_thesaurus",
]
