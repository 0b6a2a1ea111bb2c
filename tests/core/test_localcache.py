"""Per-process caches of reference data: reused within the time limit, errors never kept, and
empty again for a process (or test) with a new Redis connection."""

from __future__ import annotations

import pytest

from app.core import localcache
from app.core.cache import make_redis
from app.core.errors import NotFound


class TestCached:
    async def test_a_value_is_loaded_once_within_its_time(self, rt, monkeypatch):
        loads = []

        async def load():
            loads.append(1)
            return len(loads)

        assert [await localcache.cached("t", "k", ttl=30, load=load) for _ in range(3)] == [1, 1, 1]
        monkeypatch.setattr(localcache, "_now", lambda: 10**9)
        assert await localcache.cached("t", "k", ttl=30, load=load) == 2

    async def test_errors_are_not_kept(self, rt):
        calls = []

        async def load():
            calls.append(1)
            raise NotFound("不存在")

        for _ in range(2):
            with pytest.raises(NotFound):
                await localcache.cached("t", "missing", ttl=30, load=load)
        assert len(calls) == 2

    async def test_forget_and_a_new_connection_start_empty(self, rt):
        async def one():
            return 1

        async def two():
            return 2

        await localcache.cached("t", "k", ttl=30, load=one)
        localcache.forget("t", "k")
        assert await localcache.cached("t", "k", ttl=30, load=two) == 2
        previous = rt.redis
        rt.redis = make_redis("memory://")
        try:
            assert await localcache.cached("t", "k", ttl=30, load=one) == 1
        finally:
            await rt.redis.aclose()
            rt.redis = previous
