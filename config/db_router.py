"""Reads that may lag go to a PostgreSQL streaming replica; everything else to the primary.

With `DATABASE_REPLICA_URL` set, the reads of listings, matches, statistics and the other
matchmaking tables made by a GET (pages, the public lists, search, the API) go to the replica,
which is usually a fraction of a second behind. Everything else reads the primary:

- writes, and every read in a request that writes (POST, PUT, PATCH, DELETE);
- for `REPLICA_PIN_SECONDS` after a person's write, all of that person's reads, so that they see
  what they just saved even while the replica lags (a cookie carries the deadline for browsers;
  for API clients, which may keep no cookies, the cache holds it under their token's hash);
- accounts, sessions, tokens and login records, whose staleness would decide who may do what;
- background tasks and commands, which act on what was just written.
"""

from __future__ import annotations

import contextvars
import hashlib
import time

from django.conf import settings
from django.core.cache import cache

REPLICA = "replica"
PIN_COOKIE = "nq_primary_until"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Only these apps' tables are read from the replica; the rest decide permissions.
REPLICA_APPS = frozenset({"matchmaking"})

_replica_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "replica_allowed", default=False
)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _replica_allowed.get() and model._meta.app_label in REPLICA_APPS:
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary, only later.
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"


class ReplicaRoutingMiddleware:
    """Decides per request whether its reads may come from the replica (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = REPLICA in settings.DATABASES

    def __call__(self, request):
        if not self.enabled:
            return self.get_response(request)
        writes = request.method not in SAFE_METHODS
        token = _replica_allowed.set(not writes and _pinned_until(request) <= time.time())
        try:
            response = self.get_response(request)
        finally:
            _replica_allowed.reset(token)
        if writes:
            seconds = settings.REPLICA_PIN_SECONDS
            until = int(time.time() + seconds)
            response.set_cookie(
                PIN_COOKIE,
                str(until),
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
            if key := _client_key(request):
                cache.set(key, until, seconds)
        return response


def _client_key(request) -> str | None:
    authorization = request.headers.get("Authorization", "")
    if not authorization:
        return None
    return "replica-pin:" + hashlib.sha256(authorization.encode()).hexdigest()


def _pinned_until(request) -> float:
    try:
        until = float(request.COOKIES.get(PIN_COOKIE, 0))
    except ValueError:
        until = 0.0
    if key := _client_key(request):
        until = max(until, float(cache.get(key) or 0))
    return until
