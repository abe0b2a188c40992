"""The Redis cache: one client per connection pool, and an unreachable Redis means misses."""

from config import cache as tolerant


def test_the_redis_client_is_built_once_and_shared_by_every_cache_call(monkeypatch):
    monkeypatch.setattr(tolerant.outage, "until", 0.0)
    cache = tolerant.TolerantRedisCache("redis://127.0.0.1:1/0", {})
    client = cache._cache
    assert client.get_client("a", write=True) is client.get_client("b", write=True)
    assert client.get_client("a") is client.get_client("b")


def test_an_unreachable_redis_is_a_miss_not_an_error(monkeypatch):
    monkeypatch.setattr(tolerant.outage, "until", 0.0)
    cache = tolerant.TolerantRedisCache("redis://127.0.0.1:1/0", {})
    assert cache.get("page", "missing") == "missing"
    assert cache.get_many(["a", "b"]) == {}
    cache.set("page", "kept")  # dropped, without raising
    assert tolerant.outage.active()
