"""The sentences of a result closest in meaning to a need (issue 17: the "意思相近" label).

A match found by meaning may share few words with the need, so highlighting shared words shows
nothing. Instead the page shows the one or two sentences of the result whose dense vector is
closest to the need's. Each sentence costs one encoding, so this is a pure function the app
calls lazily (when such a match is first shown) and whose output it stores.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from .dense import Encoder

#: Sentence ends: Chinese and Latin full stops, question and exclamation marks, semicolons,
#: line breaks. Commas do not end a sentence.
_END = re.compile(r"[。！？!?；;\n]+|\.(?=\s|$)")

#: Sentences shorter than this (after stripping) are not worth showing on their own.
MIN_CHARS = 6
#: At most this many sentences are encoded per result (the start of the text).
MAX_SENTENCES = 24


def split_sentences(text: str, min_chars: int = MIN_CHARS) -> list[tuple[int, int]]:
    """(start, end) offsets in ``text`` of its sentences, end punctuation included, leading
    and trailing spaces excluded; pieces shorter than ``min_chars`` join the next one."""
    out: list[tuple[int, int]] = []
    start = 0
    pending: int | None = None
    for m in list(_END.finditer(text or "")) + [None]:
        end = m.end() if m else len(text or "")
        a = pending if pending is not None else start
        piece = (text or "")[a:end]
        stripped = piece.strip()
        if stripped and re.search(r"\w", stripped):
            lead = len(piece) - len(piece.lstrip())
            s, e = a + lead, a + lead + len(stripped)
            if len(stripped) < min_chars and m is not None:
                pending = a  # too short: carry over into the next sentence
            else:
                out.append((s, e))
                pending = None
        start = end
        if m is None:
            break
    return out


def closest_sentences(
    need_vector: Sequence[float] | np.ndarray,
    text: str,
    encoder: Encoder,
    n: int = 2,
    *,
    min_score: float | None = None,
    max_sentences: int = MAX_SENTENCES,
) -> list[dict]:
    """The ``n`` sentences of ``text`` closest to ``need_vector`` (a unit query vector of the
    same encoder), best first: ``[{"text", "start", "end", "score"}, ...]`` with offsets into
    ``text`` (for highlighting) and the cosine. Only the first ``max_sentences`` sentences are
    encoded; ``min_score`` drops sentences below it. Empty when the text has no sentence."""
    spans = split_sentences(text)[:max_sentences]
    if not spans or n <= 0:
        return []
    vecs = encoder.encode_passages([text[s:e] for s, e in spans])
    q = np.asarray(need_vector, np.float32).reshape(-1)
    scores = vecs @ q
    order = sorted(range(len(spans)), key=lambda i: (-float(scores[i]), i))[:n]
    return [
        {
            "text": text[spans[i][0] : spans[i][1]],
            "start": spans[i][0],
            "end": spans[i][1],
            "score": round(float(scores[i]), 6),
        }
        for i in order
        if min_score is None or scores[i] >= min_score
    ]


__all__ = ["MAX_SENTENCES", "MIN_CHARS", "closest_sentences", "split_sentences"]
