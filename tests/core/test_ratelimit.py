"""Fixed-window rate limits in Redis: the limit, Retry-After, and RATE_LIMIT_SCALE (bench only)."""

from __future__ import annotations

import pytest

from app.core import ratelimit
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
