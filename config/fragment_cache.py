"""Parts of signed-in pages that are the same for everyone allowed to see them, rendered once
and then taken from the cache.

A station's pipeline board is the heaviest page of the load mix (bench/load_site.py): its
counts run a window over all of the station's matches (27,000 at the bench's scale) and its
240 cards are most of the page's rendering. Every member of the station's staff is shown the
same board for the same address and language, so the board's columns are kept as HTML, keyed
on what they show: the station, the address (its filters) and the language.

The view decides who may see the part on every request, before asking for it: nothing of the
permission checks is kept. The part is rendered without the request's context processors
(nothing of the user's own) and with the CSRF placeholder of config/page_cache.py in place of
the token; each request puts in a fresh mask of its own user's secret.

As with kept pages, a part is served only while the generation it was rendered under is
still the current one: `watch(model)` starts a new generation on every ORM write of the
model's rows, so a card moved by one member of staff is in its new column on the next request
of any. Writes that bypass the ORM's signals say so with `page_cache.written(model)` (the
re-match, which merges its suggestions with SQL, does); any other shows when the part expires,
FRAGMENT_CACHE_SECONDS after it was rendered (a minute; so does the number of days a card has
waited). A new release is a new key.
"""

from __future__ import annotations

import contextlib
import hashlib
import zlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from config import page_cache

GENERATION_KEY = "page-parts:generation"


def watch(*models) -> None:
    """Kept parts show these models' rows: a write to one starts a new generation."""
    page_cache.watch(*models, key=GENERATION_KEY)


def _enabled() -> bool:
    return bool(settings.FRAGMENT_CACHE_SECONDS) and not settings.DEBUG


def _key(name: str, parts: tuple) -> str:
    what = (page_cache.release(), name, parts, get_language())
    return "page-part:" + hashlib.sha256(repr(what).encode()).hexdigest()


def kept(
    request, name: str, parts: tuple, template: str, context: Callable[[], dict]
) -> SafeString:
    """The template rendered with `context()`, kept under `name` and `parts`, which must
    name everything the part shows (the language is added). `context` is called only when
    the part is rendered: what it raises (a filter refused) reaches the caller, and nothing
    is kept. The caller has already decided that the user may see the part."""
    if not _enabled():
        return rendered(request, template, context)
    key = _key(name, parts)
    try:
        found = cache.get_many([GENERATION_KEY, key])
    except Exception:  # a cache outage must not take the pages down
        found = {}
    generation, stored = found.get(GENERATION_KEY), found.get(key)
    if generation is not None and stored is not None and stored[0] == generation:
        html = zlib.decompress(stored[1])
    else:
        html = _render_with_placeholder(template, context)
        if generation is None:
            page_cache.start_generation(GENERATION_KEY)
        else:
            with contextlib.suppress(Exception):
                cache.set(
                    key, (generation, zlib.compress(html, 1)), settings.FRAGMENT_CACHE_SECONDS
                )
    return mark_safe(page_cache.with_token(request, html).decode())


def _render_with_placeholder(template: str, context: Callable[[], dict]) -> bytes:
    return render_to_string(
        template, {**context(), "csrf_token": page_cache.placeholder()}
    ).encode()


def rendered(request, template: str, context: Callable[[], dict]) -> SafeString:
    """The part as `kept` renders it, not kept."""
    html = _render_with_placeholder(template, context)
    return mark_safe(page_cache.with_token(request, html).decode())


def kept_each(keys: list[str], render: Callable[[int], str], seconds: int) -> list[str]:
    """The HTML kept under each key, in order: one cache read for them all, and those
    missing rendered (`render(i)` for the i-th key) and stored in one write. For cards,
    whose keys name everything they show: no generation, a change is a new key."""
    try:
        found = cache.get_many(keys)
    except Exception:  # a cache outage must not take the pages down
        found = {}
    missing = {}
    for i, key in enumerate(keys):
        if key not in found:
            found[key] = missing[key] = render(i)
    if missing:
        with contextlib.suppress(Exception):
            cache.set_many(missing, seconds)
    return [found[key] for key in keys]
