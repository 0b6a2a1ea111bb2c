"""Redis cache of rendered catalogue guides. A guide is cached under its code and deleted when an
admin edits the item; `invalidate_all` (seed, hall changes) bumps a version and drops every guide.

Each worker also keeps a near copy of what it read (bounded), valid while the catalogue version
it saw is current; it re-reads the version at most once per VERSION_LEASE seconds, so an edit made
in another worker shows there within that time (at once in the worker that made it). Most guide
and search reads then touch neither Redis nor the database.

The cache only speeds reads up: when Redis is down the guide is built from the database (or
served from the near copy)."""

from __future__ import annotations

import hashlib
import logging
import time
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Awaitable, Callable

import orjson
from pydantic import BaseModel

from app.core import runtime
from app.core.cache import REDIS_DOWN

log = logging.getLogger("sjt.catalog.cache")

TTL_SECONDS = 3600
VERSION_KEY = "catalog:version"
VERSION_LEASE = 1.0  # seconds a worker trusts the catalogue version it read
NEAR_MAX_ENTRIES = 2048
NEAR_MAX_BYTES = 256 * 1024  # larger values stay in Redis only


@dataclass
class _Near:
    version: str | None = None
    checked: float = 0.0
    entries: OrderedDict = field(default_factory=OrderedDict)


# one near cache per Redis connection (a test's fresh Redis starts an empty one)
_near_caches: "weakref.WeakKeyDictionary[object, _Near]" = weakref.WeakKeyDictionary()


def _near() -> _Near:
    return _near_caches.setdefault(runtime.redis_client(), _Near())


def _forget_near() -> None:
    near = _near()
    near.version, near.checked = None, 0.0
    near.entries.clear()


def item_key(code: str) -> str:
    return f"catalog:item:{code}"


def _keep_near(near: _Near, key: str, data: bytes) -> None:
    if len(data) > NEAR_MAX_BYTES:
        return
    near.entries[key] = data
    near.entries.move_to_end(key)
    while len(near.entries) > NEAR_MAX_ENTRIES:
        near.entries.popitem(last=False)


async def get(key: str) -> bytes | None:
    await version()
    near = _near()
    if key in near.entries:
        near.entries.move_to_end(key)
        return near.entries[key]
    try:
        value = await runtime.redis_client().get(key)
    except REDIS_DOWN:
        log.warning("catalogue cache unavailable on read")
        return None
    if value is None:
        return None
    data = value.encode() if isinstance(value, str) else value
    _keep_near(near, key, data)
    return data


async def put(key: str, data: bytes) -> None:
    _keep_near(_near(), key, data)
    try:
        await runtime.redis_client().set(key, data, ex=TTL_SECONDS)
    except REDIS_DOWN:
        log.warning("catalogue cache unavailable on write")


async def version() -> str:
    """The catalogue version (re-read from Redis at most once per VERSION_LEASE); a change drops
    this worker's near copies."""
    near = _near()
    now = time.monotonic()
    if near.version is not None and now - near.checked < VERSION_LEASE:
        return near.version
    try:
        current = str(await runtime.redis_client().get(VERSION_KEY) or "0")
    except REDIS_DOWN:
        return near.version or "0"
    if current != near.version:
        near.entries.clear()
        near.version = current
    near.checked = now
    return current


async def invalidate_item(code: str) -> None:
    """Drop one item's cached guide (and everything keyed by the catalogue version)."""
    client = runtime.redis_client()
    async with client.pipeline(transaction=False) as pipe:
        pipe.delete(item_key(code))
        pipe.incr(VERSION_KEY)
        await pipe.execute()
    _forget_near()


async def invalidate_all() -> None:
    """Drop every cached guide (after seeding or a change that many guides show, like halls)."""
    client = runtime.redis_client()
    await client.incr(VERSION_KEY)
    keys = [k async for k in client.scan_iter(match="catalog:item:*", count=500)]
    if keys:
        await client.delete(*keys)
    _forget_near()


LIST_TTL_SECONDS = 300


async def versioned_json(namespace: str, params: dict, build: Callable[[], Awaitable[BaseModel]]) -> tuple[bytes, bool]:
    """A rendered response cached under the catalogue version (any edit makes it stale at once),
    and whether it came from the cache."""
    digest = hashlib.sha1(orjson.dumps(params, option=orjson.OPT_SORT_KEYS)).hexdigest()
    key = f"catalog:{namespace}:{await version()}:{digest}"
    cached = await get(key)
    if cached is not None:
        return cached, True
    data = orjson.dumps((await build()).model_dump(mode="json"))
    _keep_near(_near(), key, data)
    try:
        await runtime.redis_client().set(key, data, ex=LIST_TTL_SECONDS)
    except REDIS_DOWN:
        log.warning("catalogue cache unavailable on write")
    return data, False
