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
# Several windows in one round trip: ARGV[i] is the window of KEYS[i]; every key is counted.
_MANY = """
local out = {}
for i, key in ipairs(KEYS) do
  local n = redis.call('INCR', key)
  if n == 1 then redis.call('EXPIRE', key, ARGV[i]) end
  out[#out + 1] = n
  out[#out + 1] = redis.call('TTL', key)
end
return out
"""


async def hit(key: str, *, limit: int, window: int, message: str | None = None) -> int:
    """Count one request against `key`; raise RateLimited once more than `limit` in `window` seconds.

    Returns how many requests remain in this window."""
    limit *= runtime.settings().rate_limit_scale
    count, ttl = await runtime.redis_client().eval(_SCRIPT, 1, f"rl:{key}", window)
    if int(count) > limit:
        raise RateLimited(int(ttl) if int(ttl) > 0 else window, message)
    return limit - int(count)


async def hit_many(*limits: tuple[str, int, int, str | None]) -> None:
    """Count one request against several (key, limit, window, message) at once, in one round trip;
    raise RateLimited for the first one over its limit."""
    scale = runtime.settings().rate_limit_scale
    counted = await runtime.redis_client().eval(_MANY, len(limits), *[f"rl:{key}" for key, *_ in limits],
                                                *[window for _, _, window, _ in limits])
    for i, (_, limit, window, message) in enumerate(limits):
        count, ttl = int(counted[2 * i]), int(counted[2 * i + 1])
        if count > limit * scale:
            raise RateLimited(ttl if ttl > 0 else window, message)


async def reset(key: str) -> None:
    await runtime.redis_client().delete(f"rl:{key}")
