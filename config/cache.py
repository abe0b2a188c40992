"""Django's Redis cache, made to survive Redis going away.

Django's own RedisCache raises when Redis is unreachable, and the API's throttling reads the
cache on every request: a Redis outage would answer 500 everywhere. Here an outage turns reads
into misses and drops writes, and after a failure Redis is left alone for a few seconds, so
that requests do not each wait for a connection timeout. Other Redis errors (a wrong command, a
full memory) still raise: they are bugs or need an operator, not an outage to ride out.
"""

from __future__ import annotations

import functools
import logging
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_AFTER = 5.0  # seconds without trying Redis after a failure


class _Outage:
    """Shared by the process's threads: whether Redis failed a moment ago."""

    def __init__(self):
        self.until = 0.0
        self._lock = threading.Lock()

    def active(self) -> bool:
        return time.monotonic() < self.until

    def begin(self, error: Exception) -> None:
        with self._lock:
            if not self.active():
                logger.warning("cache unavailable, working without it: %s", error)
            self.until = time.monotonic() + RETRY_AFTER


outage = _Outage()


def _tolerant(fallback):
    """Run the client method, or give `fallback(*args)` while Redis is out."""

    def decorate(method):
        @functools.wraps(method)
        def tolerant(self, *args):
            if outage.active():
                return fallback(*args)
            try:
                return method(self, *args)
            except OUTAGE_ERRORS as error:
                outage.begin(error)
                return fallback(*args)

        return tolerant

    return decorate


def _missing(key, delta):
    raise ValueError(f"Key '{key}' not found (the cache is unavailable).")


class TolerantRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        """One redis-py client per connection pool, not one per cache call: building one
        fills its table of about 200 reply callbacks, some 0.2 ms each time, and a page asks
        the cache several times. A client is safe to share between threads (each command
        takes a connection from the pool), and its pool reconnects in a forked process."""
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client

    add = _tolerant(lambda key, value, timeout: False)(RedisCacheClient.add)
    get = _tolerant(lambda key, default: default)(RedisCacheClient.get)
    set = _tolerant(lambda key, value, timeout: None)(RedisCacheClient.set)
    touch = _tolerant(lambda key, timeout: False)(RedisCacheClient.touch)
    delete = _tolerant(lambda key: False)(RedisCacheClient.delete)
    get_many = _tolerant(lambda keys: {})(RedisCacheClient.get_many)
    has_key = _tolerant(lambda key: False)(RedisCacheClient.has_key)
    incr = _tolerant(_missing)(RedisCacheClient.incr)
    set_many = _tolerant(lambda data, timeout: None)(RedisCacheClient.set_many)
    delete_many = _tolerant(lambda keys: None)(RedisCacheClient.delete_many)
    clear = _tolerant(lambda: False)(RedisCacheClient.clear)


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = TolerantRedisCacheClient
