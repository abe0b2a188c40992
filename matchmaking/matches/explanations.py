"""Explanations a full re-match left without their terms, completed when the pair is first shown.

A national re-match stores about 2.4 million pairs. Working out the shared terms of each is
most of its cost, and most pairs are never opened: so the re-match explains in full only the
first of each need's and each result's list (`matching.EXPLAIN_TOP`) and stores the rest with
their scores only, marked `"complete": false`. The first time such a pair is about to be
shown (a listing's matches, on its page or through the API; a match's page or API), its
explanation is worked out by a worker, which holds the matcher's index, stored, and shown: the
page and the API then look as they would had the re-match explained it.

The page waits for the worker at most `EXPLAIN_WAIT_SECONDS`. If the workers are busy for
longer (in the middle of a re-match, say), the page shows the scores without the terms, and
the next view shows the terms. Without a broker (the embedded default) the task runs at once.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db.models import Case, JSONField, Value, When

from config.queue import enqueue_and_wait
from matchmaking.matches import matching
from matchmaking.models import Match

logger = logging.getLogger(__name__)

EXPLAIN_WAIT_SECONDS = 3.0
#: Asked for once per this many seconds per match, however many pages show it meanwhile.
ASK_AGAIN_AFTER = 60
#: Kept from the stored explanation: the figures the pair is ranked and shown by.
_KEPT = ("score", "text_score", "method", "dense_score", "lowered_by")


def incomplete(match: Match) -> bool:
    return (match.explanation or {}).get("complete", True) is False


def ensure_explained(matches) -> None:
    """Matches about to be shown: have the incomplete explanations worked out, and put the
    stored ones on these instances."""
    todo = [m.pk for m in matches if incomplete(m)]
    if not todo:
        return
    asked = [pk for pk in todo if cache.add(f"explain:{pk}", 1, ASK_AGAIN_AFTER)]
    if asked:
        enqueue_and_wait("matchmaking.tasks.explain_matches", asked, timeout=EXPLAIN_WAIT_SECONDS)
    stored = dict(Match.objects.filter(pk__in=todo).values_list("pk", "explanation"))
    for match in matches:
        if match.pk in stored:
            match.explanation = stored[match.pk]


def explain_matches(match_ids) -> int:
    """Work out and store the explanation of those of these matches still incomplete (the
    worker's side); returns how many. Run twice, the second run finds nothing to do.

    A page asks for a score of one listing's matches at once: each listing's document is made
    once, a need's search is shared by its pairs (`MatchIndex.explain_pairs`), and the
    explanations are written in one statement."""
    pending = list(
        Match.objects.filter(pk__in=list(match_ids), explanation__complete=False).select_related(
            "need__category", "result__category"
        )
    )
    if not pending:
        return 0
    _version, index = matching.ensure_index()
    index = matching.ranker(index)
    need_docs, result_docs = {}, {}
    for match in pending:
        if match.need_id not in need_docs:
            need_docs[match.need_id] = matching.need_doc(match.need)
        if match.result_id not in result_docs:
            result_docs[match.result_id] = matching.result_doc(match.result)
    found = index.explain_pairs([(need_docs[m.need_id], result_docs[m.result_id]) for m in pending])
    explained = {}
    for match, explanation in zip(pending, found, strict=True):
        stored = match.explanation or {}
        explained[match.pk] = {
            **explanation.to_dict(),
            **{key: stored[key] for key in _KEPT if key in stored},
        }
    # Conditional: a re-match that wrote a newer explanation meanwhile is not undone.
    return Match.objects.filter(pk__in=list(explained), explanation__complete=False).update(
        explanation=Case(
            *(When(pk=pk, then=Value(value, JSONField())) for pk, value in explained.items()),
            output_field=JSONField(),
        )
    )
