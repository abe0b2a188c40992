"""Public pages for anonymous visitors, rendered once and then taken from the cache.

Half of the requests are anonymous visitors reading the home page, the need and result lists
and listings (bench/load_site.py), and every anonymous visitor is shown the same page for the
same address and language: rendering it again for each (its queries, the filter form, the
cards) was most of their cost. A page is kept whole, with one thing left out: the CSRF token,
rendered as a placeholder (the `csrf_placeholder` context processor) and replaced by the
visitor's own token on every request, so each visitor gets and keeps their own CSRF cookie.

Only what every anonymous visitor would be shown is kept: a GET without a session (no pending
message, no undo offer, nobody signed in), not an htmx fragment, answered 200 with nothing but
a body and its type. A page whose rendering asked for the real token anyway is not kept. Who
may see a page is decided by the view as before for signed-in users, who are never served from
here; for anonymous visitors the view's check ran when the page was rendered, and any change
that could alter it makes a new generation (below).

A page is kept with the generation it was rendered under, and served only while that is still
the current one. `watch(model)` starts a new generation whenever a row of the model is saved or
deleted (or a many-to-many relation changes), at once and again after the transaction commits:
a request that read the old rows while the write was not yet committed stores its page under a
generation that is already gone. Writes that bypass the ORM's signals (`update()`, raw SQL,
`bulk_create`, as the demo's seeding does) are seen when the page expires, PAGE_CACHE_SECONDS
after it was rendered (5 minutes; a long list's count is itself up to a minute old,
config/pagination.py). A new release of the code is a new key.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import secrets
import zlib

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from config import observability

GENERATION_KEY = "public-pages:generation"
_STORING = "_public_page_storing"
_KEPT_HEADERS = {"content-type"}


@functools.cache
def placeholder() -> str:
    """What the page is rendered with in place of the CSRF token: letters and digits, as a
    token is (the template escapes nothing in it), and unguessable, so that no listing's text
    can carry it."""
    return "csrf" + hmac.new(settings.SECRET_KEY.encode(), b"page-cache", "sha256").hexdigest()


def csrf_placeholder(request) -> dict:
    """Context processor: the placeholder as `csrf_token` while a page is rendered to be kept.
    It comes after Django's own csrf processor, so it wins, and that one's lazy token is then
    never asked for."""
    if getattr(request, _STORING, False):
        return {"csrf_token": placeholder()}
    return {}


def _enabled() -> bool:
    return bool(settings.PAGE_CACHE_SECONDS) and not settings.DEBUG


def _same_for_every_visitor(request) -> bool:
    if request.method != "GET" or getattr(request, "htmx", False):
        return False
    if request.user.is_authenticated:
        return False
    session = getattr(request, "session", None)
    if session is not None and not session.is_empty():
        return False  # messages, an undo offer, a half-done login: the visitor's own
    return not len(messages.get_messages(request))


@functools.cache
def release() -> str:
    """The code's release, part of every key: a new release renders everything anew."""
    return observability.release()


def prepare() -> None:
    """What a process asks once (the git revision runs a subprocess): config/wsgi.py calls it
    in gunicorn's master, before the workers are forked."""
    placeholder()
    release()


def _made_personal(request) -> bool:
    """The view gave this visitor a message or wrote to their session: the page may show it."""
    storage = getattr(request, "_messages", None)
    session = getattr(request, "session", None)
    return bool(getattr(storage, "added_new", False)) or bool(getattr(session, "modified", False))


def _key(request) -> str:
    what = (
        release(),
        request.resolver_match.view_name if request.resolver_match else "",
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        get_language(),
    )
    return "public-page:" + hashlib.sha256(repr(what).encode()).hexdigest()


def new_generation(key: str = GENERATION_KEY) -> None:
    with contextlib.suppress(Exception):  # a cache outage must not stop a write
        cache.set(key, secrets.token_hex(8), None)


def start_generation(key: str = GENERATION_KEY) -> None:
    """Starts a generation where the cache has none (the first request, or the cache lost
    the key); nothing is kept until there is one."""
    with contextlib.suppress(Exception):  # a cache outage must not take the pages down
        cache.add(key, secrets.token_hex(8), None)


def _renew(key: str) -> None:
    new_generation(key)
    # A request that read the old rows before the commit kept its page under the generation
    # of the write: the commit starts another.
    transaction.on_commit(lambda: new_generation(key))


_watching: dict[str, set[str]] = {}  # a model's label -> the generations that watch it


def watch(*models, key: str = GENERATION_KEY) -> None:
    """Pages show these models' rows: a write to one starts a new generation of `key`."""

    def changed(**_signal) -> None:
        _renew(key)

    for model in models:
        _watching.setdefault(model._meta.label, set()).add(key)
        uid = f"{key}-{model._meta.label}"
        post_save.connect(changed, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(changed, sender=model, dispatch_uid=uid + "-delete", weak=False)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                changed,
                sender=field.remote_field.through,
                dispatch_uid=f"{uid}-{field.name}",
                weak=False,
            )


def written(model) -> None:
    """Rows of `model` were written past the ORM's signals (update(), COPY): every generation
    that watches it starts anew, as after a save."""
    for key in sorted(_watching.get(model._meta.label, ())):
        _renew(key)


def with_token(request, content: bytes) -> bytes:
    """What was rendered with the placeholder, with a fresh mask of the visitor's own secret
    in its place (a new secret, and its cookie, if they had none)."""
    return content.replace(placeholder().encode(), get_token(request).encode())


def _respond(request, content: bytes, content_type: str) -> HttpResponse:
    return HttpResponse(with_token(request, content), content_type=content_type)


def for_anonymous(view=None, *, on_hit=None):
    """Serve the view's page from the cache to anonymous visitors. `on_hit(request, *args,
    **kwargs)` does what the view must do on every request even when its page is kept (a
    view counter)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not _enabled() or not _same_for_every_visitor(request):
                return view(request, *args, **kwargs)
            key = _key(request)
            try:
                found = cache.get_many([GENERATION_KEY, key])
            except Exception:  # a cache outage must not take the pages down
                found = {}
            generation = found.get(GENERATION_KEY)
            kept = found.get(key)
            if generation is not None and kept is not None and kept[0] == generation:
                if on_hit is not None:
                    on_hit(request, *args, **kwargs)
                return _respond(request, zlib.decompress(kept[1]), kept[2])
            if generation is None:  # the first page, or the cache lost the key
                start_generation()
                return view(request, *args, **kwargs)

            # Rendered with the placeholder; whether anything asked for the real token is
            # read from the flag get_token() sets, cleared for the view and put back after.
            cookie_pending = request.META.pop("CSRF_COOKIE_NEEDS_UPDATE", False)
            setattr(request, _STORING, True)
            try:
                response = view(request, *args, **kwargs)
            finally:
                setattr(request, _STORING, False)
                asked_for_token = request.META.get("CSRF_COOKIE_NEEDS_UPDATE", False)
                if cookie_pending:
                    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
            if response.streaming:
                return response
            if (
                response.status_code == 200
                and not response.cookies
                and not asked_for_token
                and not _made_personal(request)
                and all(name.lower() in _KEPT_HEADERS for name in response.headers)
            ):
                # Compressed (a list page of 28 kB keeps in 6-8): one miss after another
                # with a new query string each must not fill Redis, the broker's too.
                kept = (generation, zlib.compress(response.content, 1), response["Content-Type"])
                with contextlib.suppress(Exception):
                    cache.set(key, kept, settings.PAGE_CACHE_SECONDS)
            if placeholder().encode() in response.content:
                response.content = with_token(request, response.content)
            return response

        return wrapped

    return decorate(view) if view is not None else decorate
