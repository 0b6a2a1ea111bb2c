"""Redis-backed fixed-window rate limits shared by every worker (429 + Retry-After)."""

from __future__ import annotations

from app.core import runtime
from app.core.errors import RateLimited

_SCRIPT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('TTL', KEYS[1])
return {n, ttl}
"""


async def hit(key: str, *, limit: int, window: int, message: str | None = None) -> int:
    """Count one request against `key`; raise RateLimited once more than `limit` in `window` seconds.

    Returns how many requests remain in this window."""
    limit *= runtime.settings().rate_limit_scale
    count, ttl = await runtime.redis_client().eval(_SCRIPT, 1, f"rl:{key}", window)
    if int(count) > limit:
        raise RateLimited(int(ttl) if int(ttl) > 0 else window, message)
    return limit - int(count)


async def reset(key: str) -> None:
    await runtime.redis_client().delete(f"rl:{key}")
