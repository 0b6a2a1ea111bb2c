"""Redis-backed fixed-window rate limits shared by every worker (429 + Retry-After)."""

from __future__ import annotations

import logging
import time

from app.core import runtime
from app.core.cache import REDIS_DOWN
from app.core.errors import RateLimited

log = logging.getLogger("sjt.ratelimit")

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
# The same, then the value of one more key (the last of KEYS), e.g. a cached answer, in the same trip.
_MANY_READ = """
local out = {}
for i = 1, #KEYS - 1 do
  local n = redis.call('INCR', KEYS[i])
  if n == 1 then redis.call('EXPIRE', KEYS[i], ARGV[i]) end
  out[#out + 1] = n
  out[#out + 1] = redis.call('TTL', KEYS[i])
end
out[#out + 1] = redis.call('GET', KEYS[#KEYS])
return out
"""
LOCAL_MAX_KEYS = 10000
_local: dict[str, tuple[float, int]] = {}  # key -> (window end, count), while Redis is unreachable
_now = time.monotonic  # tests move it


async def hit(key: str, *, limit: int, window: int, message: str | None = None) -> int:
    """Count one request against `key`; raise RateLimited once more than `limit` in `window` seconds.

    Returns how many requests remain in this window."""
    limit *= runtime.settings().rate_limit_scale
    count, ttl = await runtime.redis_client().eval(_SCRIPT, 1, f"rl:{key}", window)
    if int(count) > limit:
        raise RateLimited(int(ttl) if int(ttl) > 0 else window, message)
    return limit - int(count)


async def hit_many(*limits: tuple[str, int, int, str | None], read: str | None = None,
                   local_fallback: bool = False) -> str | None:
    """Count one request against several (key, limit, window, message) at once, in one round trip, and
    return the value stored at `read` (if given) from the same trip; raise RateLimited for the first one
    over its limit. With `local_fallback`, a Redis outage counts in this worker instead (read: None)."""
    scale = runtime.settings().rate_limit_scale
    keys = [f"rl:{key}" for key, *_ in limits]
    windows = [window for _, _, window, _ in limits]
    try:
        if read is None:
            counted = await runtime.redis_client().eval(_MANY, len(keys), *keys, *windows)
        else:
            counted = await runtime.redis_client().eval(_MANY_READ, len(keys) + 1, *keys, read, *windows)
    except REDIS_DOWN:
        if not local_fallback:
            raise
        log.warning("rate limits counted per worker: Redis unreachable")
        counted = [c for key, window in zip(keys, windows) for c in _hit_locally(key, window)] + [None]
    for i, (_, limit, window, message) in enumerate(limits):
        count, ttl = int(counted[2 * i]), int(counted[2 * i + 1])
        if count > limit * scale:
            raise RateLimited(ttl if ttl > 0 else window, message)
    return counted[-1] if read is not None else None


def _hit_locally(key: str, window: int) -> tuple[int, int]:
    now = _now()
    if len(_local) >= LOCAL_MAX_KEYS:
        for stale in [k for k, (end, _) in _local.items() if end <= now]:
            del _local[stale]
        if len(_local) >= LOCAL_MAX_KEYS:
            _local.clear()
    end, count = _local.get(key, (0.0, 0))
    if end <= now:
        end, count = now + window, 0
    _local[key] = (end, count + 1)
    return count + 1, max(1, int(end - now))


async def reset(key: str) -> None:
    await runtime.redis_client().delete(f"rl:{key}")
