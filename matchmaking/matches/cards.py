"""The match cards of a listing's page, rendered once and then taken from the cache.

An enterprise's need and a researcher's result are the pages their owners open most
(bench/load_site.py), and rendering their ten match cards (strength, highlighted title, shared
terms, fits, the buttons) was most of the page's Python time. Who may see the page and which
matches it lists are decided on every request, as before; the cache only saves rendering the
cards of the matches the list returned, with the figures the viewer may see put on them
(`selectors.as_seen_by`).

A card's key is a digest of everything it shows: the match's state, contact status, score,
explanation and close sentences as the viewer sees them, its strength in words, the other
listing's `updated_at` (every edit saves it) and the names it shows from other rows, the
language, the page's address and how many cards it shows (the buttons' return address), and
the card template's own text. A change makes a new key; the old card expires unread. The
forms' CSRF token is rendered as the placeholder of config/page_cache.py and each request puts
in its own.
"""

from __future__ import annotations

import functools
import hashlib
import json

from django.middleware.csrf import get_token
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from config import fragment_cache, page_cache
from matchmaking.matches.matching import shown_close_sentences
from matchmaking.matches.selectors import strength

CARD_SECONDS = 30 * 60
TEMPLATE = "matchmaking/partials/match_card.html"


@functools.cache
def _template_digest() -> str:
    """The card template's source, hashed once a process: a changed template is a new card."""
    source = get_template(TEMPLATE).template.source
    return hashlib.blake2b(source.encode(), digest_size=8).hexdigest()


def _other_side(kind: str, match) -> tuple:
    if kind == "need":
        result = match.result
        return (result.pk, result.updated_at.isoformat(), result.organisation.name)
    need = match.need
    return (
        need.pk,
        need.updated_at.isoformat(),
        need.organisation.name,
        need.region_id,
        getattr(match, "need_first_photo", None),
        getattr(match, "need_photos", None),
    )


def card_key(kind: str, match, *, path: str, shown: int) -> str:
    seen = (
        _template_digest(),
        get_language(),
        kind,
        match.pk,
        match.state,
        match.contact_status,
        repr(match.score),
        json.dumps(match.explanation, sort_keys=True, default=str),
        json.dumps(shown_close_sentences(match), sort_keys=True, default=str)
        if kind == "need"
        else "",
        strength(match),
        _other_side(kind, match),
        path,
        shown,
    )
    digest = hashlib.blake2b(repr(seen).encode(), digest_size=16).hexdigest()
    return f"match-card:{kind}:{match.pk}:{digest}"


def match_cards(request, kind: str, matches, *, shown: int) -> list[tuple[object, SafeString]]:
    """(match, its card's HTML) for each match, in order; `kind` is the page's listing kind."""
    path = request.path
    matches = list(matches)
    keys = [card_key(kind, match, path=path, shown=shown) for match in matches]

    def render(i: int) -> str:
        context = {
            "match": matches[i],
            "kind": kind,
            "path": path,
            "shown": shown,
            "csrf_token": page_cache.placeholder(),
        }
        return render_to_string(TEMPLATE, context)

    cards = zip(matches, fragment_cache.kept_each(keys, render, CARD_SECONDS), strict=True)
    token = get_token(request)  # a fresh mask of the viewer's own secret
    return [
        (match, mark_safe(html.replace(page_cache.placeholder(), token))) for match, html in cards
    ]
