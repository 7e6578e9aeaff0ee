"""partnerships.cache.RedisCache: Django's Redis cache with one redis-py client kept per connection pool."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import caches

from partnerships.cache import RedisCache


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (REDIS_URL): CI runs it")
def test_the_cache_keeps_one_client_and_still_reads_and_writes() -> None:
    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    client = cache._cache  # type: ignore[attr-defined]
    assert client.get_client(write=True) is client.get_client(write=True) is client.get_client()
    cache.set("cache-backend-test", {"a": 1}, timeout=30)
    assert cache.get("cache-backend-test") == {"a": 1}
    cache.set("cache-backend-counter", 1, timeout=30)
    assert cache.incr("cache-backend-counter") == 2
    cache.delete_many(["cache-backend-test", "cache-backend-counter"])
    assert cache.get("cache-backend-test") is None
