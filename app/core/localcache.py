"""Per-process copies of reference data that changes rarely (halls, licence types), each kept for
a few seconds. A store belongs to the process's current Redis connection, so a worker or a test
that opens its resources anew starts with empty stores."""

from __future__ import annotations

import time
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from app.core import runtime

T = TypeVar("T")
MAX_ENTRIES = 1024
_now = time.monotonic  # tests move it
_stores: "weakref.WeakKeyDictionary[object, dict[str, dict]]" = weakref.WeakKeyDictionary()


def _store(name: str) -> dict[Any, tuple[float, Any]]:
    return _stores.setdefault(runtime.redis_client(), {}).setdefault(name, {})


async def cached(name: str, key: Any, *, ttl: float, load: Callable[[], Awaitable[T]]) -> T:
    """`load()`'s value, reused for `ttl` seconds in this process (errors are not kept)."""
    store = _store(name)
    hit = store.get(key)
    now = _now()
    if hit is not None and hit[0] > now:
        return hit[1]
    value = await load()
    if len(store) >= MAX_ENTRIES:
        store.clear()
    store[key] = (now + ttl, value)
    return value


def forget(name: str, key: Any = None) -> None:
    """Drop one key (or the whole store) in this process; other workers expire theirs by `ttl`."""
    store = _store(name)
    if key is None:
        store.clear()
    else:
        store.pop(key, None)
