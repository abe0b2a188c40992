"""The cards of the need and result lists, rendered once and then taken from the cache.

Rendering its twenty cards was most of a list page's Python time (bench/request_cpu.py). A
card is the same for every viewer: it shows a listing's public fields (never a private
budget: `budget_public` decides, not the viewer) and the names of its organisation, category
and region; the one difference is the status badge that one's own lists (`mine`) always show.
Who may see a listing at all is still decided by the list's query on every request; the cache
only saves rendering what that query returned.

A card's key is a digest of what can change it: the listing's `updated_at` (every edit and
status change saves it), the status and `budget_public` as well, the names it shows from other
rows, the language, `mine`, and the card template's own text. An edit makes a new key; the old
card expires unread. One page asks the cache once for all its cards and stores the missing
ones in one go.
"""

from __future__ import annotations

import functools
import hashlib

from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from config import fragment_cache

CARD_SECONDS = 30 * 60
TEMPLATES = {
    "need": ("matchmaking/partials/need_card.html", "need"),
    "result": ("matchmaking/partials/result_card.html", "result"),
}


@functools.cache
def _template_digest(name: str) -> str:
    """The card template's source, hashed once a process: a changed template is a new card."""
    return hashlib.blake2b(get_template(name).template.source.encode(), digest_size=8).hexdigest()


def card_key(kind: str, listing, *, mine: bool) -> str:
    template, _name = TEMPLATES[kind]
    category, organisation = listing.category, listing.organisation
    shown = (
        listing.updated_at.isoformat() if listing.updated_at else "",
        listing.status,
        getattr(listing, "budget_public", None),
        organisation.name,
        category.name,
        category.name_en,
        listing.region_id,
        get_language(),
        mine,
        _template_digest(template),
    )
    digest = hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()
    return f"listing-card:{kind}:{listing.pk}:{digest}"


def listing_cards(kind: str, listings, *, mine: bool) -> list[tuple[object, SafeString]]:
    """(listing, its card's HTML) for each listing, in order."""
    template, name = TEMPLATES[kind]
    listings = list(listings)
    keys = [card_key(kind, listing, mine=mine) for listing in listings]
    html = fragment_cache.kept_each(
        keys,
        lambda i: render_to_string(template, {name: listings[i], "mine": mine}),
        CARD_SECONDS,
    )
    return [(listing, mark_safe(card)) for listing, card in zip(listings, html, strict=True)]
