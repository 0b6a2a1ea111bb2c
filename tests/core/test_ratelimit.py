"""Fixed-window rate limits in Redis: the limit, Retry-After, and RATE_LIMIT_SCALE (bench only)."""

from __future__ import annotations

import pytest

from app.core import ratelimit
from app.core.cache import REDIS_DOWN
from app.core.errors import RateLimited


class TestHit:
    async def test_the_request_over_the_limit_is_refused_with_retry_after(self, rt):
        assert [await ratelimit.hit("t:a", limit=2, window=60) for _ in range(2)] == [1, 0]
        with pytest.raises(RateLimited) as refused:
            await ratelimit.hit("t:a", limit=2, window=60)
        assert 0 < refused.value.details["retry_after"] <= 60

    async def test_keys_are_counted_apart(self, rt):
        await ratelimit.hit("t:b", limit=1, window=60)
        assert await ratelimit.hit("t:c", limit=1, window=60) == 0

    async def test_the_scale_setting_multiplies_every_limit(self, rt):
        rt.settings = rt.settings.model_copy(update={"rate_limit_scale": 3})
        for _ in range(6):
            await ratelimit.hit("t:d", limit=2, window=60)
        with pytest.raises(RateLimited):
            await ratelimit.hit("t:d", limit=2, window=60)


class TestHitMany:
    async def test_every_key_is_counted_in_one_call(self, rt):
        await ratelimit.hit_many(("t:ip", 5, 60, None), ("t:acct", 1, 60, None))
        assert await rt.redis.get("rl:t:ip") == "1" and await rt.redis.get("rl:t:acct") == "1"
        assert 0 < await rt.redis.ttl("rl:t:acct") <= 60

    async def test_the_first_limit_exceeded_answers_with_its_message(self, rt):
        await ratelimit.hit_many(("t:ip2", 5, 60, "地址过频"), ("t:acct2", 1, 30, "账号过频"))
        with pytest.raises(RateLimited) as refused:
            await ratelimit.hit_many(("t:ip2", 5, 60, "地址过频"), ("t:acct2", 1, 30, "账号过频"))
        assert refused.value.message == "账号过频" and refused.value.details["retry_after"] <= 30
        assert await rt.redis.get("rl:t:ip2") == "2"  # still counted

    async def test_the_scale_applies(self, rt):
        rt.settings = rt.settings.model_copy(update={"rate_limit_scale": 2})
        for _ in range(2):
            await ratelimit.hit_many(("t:s", 1, 60, None))
        with pytest.raises(RateLimited):
            await ratelimit.hit_many(("t:s", 1, 60, None))

    async def test_a_key_read_in_the_same_trip(self, rt):
        await rt.redis.set("cached:answer", "kept")
        assert await ratelimit.hit_many(("t:r", 5, 60, None), read="cached:answer") == "kept"
        assert await ratelimit.hit_many(("t:r", 5, 60, None), read="cached:none") is None
        assert await rt.redis.get("rl:t:r") == "2"

    async def test_over_the_limit_is_refused_even_with_a_read(self, rt):
        await ratelimit.hit_many(("t:r2", 1, 60, "过频"), read="x")
        with pytest.raises(RateLimited):
            await ratelimit.hit_many(("t:r2", 1, 60, "过频"), read="x")


class TestRedisUnreachable:
    @pytest.fixture
    def unreachable(self, rt):
        import redis.asyncio as aioredis
        from redis.asyncio.retry import Retry
        from redis.backoff import NoBackoff

        rt.redis = aioredis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2, retry=Retry(NoBackoff(), 0))
        ratelimit._local.clear()
        yield rt
        ratelimit._local.clear()

    async def test_without_fallback_the_outage_is_raised(self, unreachable):
        with pytest.raises(REDIS_DOWN):
            await ratelimit.hit_many(("t:u", 5, 60, None))

    async def test_with_fallback_this_worker_counts_and_limits(self, unreachable, monkeypatch):
        now = [1000.0]
        monkeypatch.setattr(ratelimit, "_now", lambda: now[0])
        limits = (("t:u1", 2, 60, "地址过频"), ("t:u2", 5, 60, None))
        assert await ratelimit.hit_many(*limits, read="x", local_fallback=True) is None
        await ratelimit.hit_many(*limits, local_fallback=True)
        with pytest.raises(RateLimited) as refused:
            await ratelimit.hit_many(*limits, local_fallback=True)
        assert refused.value.message == "地址过频" and refused.value.details["retry_after"] == 60
        now[0] += 61  # a new window
        await ratelimit.hit_many(*limits, local_fallback=True)
        assert ratelimit._local["rl:t:u1"][1] == 1

    async def test_the_local_store_stays_bounded(self, unreachable, monkeypatch):
        monkeypatch.setattr(ratelimit, "LOCAL_MAX_KEYS", 3)
        for i in range(10):
            await ratelimit.hit_many((f"t:many{i}", 5, 60, None), local_fallback=True)
        assert len(ratelimit._local) <= 3
