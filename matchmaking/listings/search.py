"""Search over listings that works for Chinese, which has no spaces between words.

Each listing stores its text as tokens: Chinese characters and character bigrams, and Latin
words. A query term becomes the tokens it must contain (猕猴桃 → 猕猴 & 猴桃), which PostgreSQL
answers from a GIN index; the exact phrase is then re-checked with LIKE on the few candidates.
SQLite has no such index and uses LIKE alone.
"""

import re
import unicodedata

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[0-9a-z]+")
_TERM_SPLIT = re.compile(r"[\s,，、;；。.!！?？:：()（）\[\]【】\"'“”‘’]+")


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def search_terms(query: str) -> list[str]:
    """The terms a query asks for, all of which must appear: 猕猴桃 冷链 → [猕猴桃, 冷链]."""
    return [t for t in _TERM_SPLIT.split(normalise(query)) if t][:8]


def _run_tokens(run: str) -> list[str]:
    if not ("\u3400" <= run[0] <= "\ufaff"):
        return [run]
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_tokens(text: str) -> str:
    """Every Chinese character and bigram and every Latin word of the text, once each."""
    tokens: dict[str, None] = {}
    for run in _RUN.findall(normalise(text)):
        if "\u3400" <= run[0] <= "\ufaff":
            tokens.update(dict.fromkeys(run))
        for token in _run_tokens(run):
            tokens[token] = None
    return " ".join(tokens)


def term_tokens(term: str) -> list[str]:
    """The tokens a listing must hold to contain the term."""
    tokens: list[str] = []
    for run in _RUN.findall(normalise(term)):
        tokens.extend(_run_tokens(run))
    return tokens
