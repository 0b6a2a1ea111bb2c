"""Redis cache of rendered catalogue guides. A guide is cached under its code and deleted when an
admin edits the item; `invalidate_all` (seed, hall changes) bumps a version and drops every guide.

The cache only speeds reads up: when Redis is down the guide is built from the database."""

from __future__ import annotations

import hashlib
import logging
from typing import Awaitable, Callable

import orjson
from pydantic import BaseModel

from app.core import runtime
from app.core.cache import REDIS_DOWN

log = logging.getLogger("sjt.catalog.cache")

TTL_SECONDS = 3600
VERSION_KEY = "catalog:version"


def item_key(code: str) -> str:
    return f"catalog:item:{code}"


async def get(key: str) -> bytes | None:
    try:
        value = await runtime.redis_client().get(key)
    except REDIS_DOWN:
        log.warning("catalogue cache unavailable on read")
        return None
    if value is None:
        return None
    return value.encode() if isinstance(value, str) else value


async def put(key: str, data: bytes) -> None:
    try:
        await runtime.redis_client().set(key, data, ex=TTL_SECONDS)
    except REDIS_DOWN:
        log.warning("catalogue cache unavailable on write")


async def version() -> str:
    try:
        return str(await runtime.redis_client().get(VERSION_KEY) or "0")
    except REDIS_DOWN:
        return "0"


async def invalidate_item(code: str) -> None:
    """Drop one item's cached guide (and everything keyed by the catalogue version)."""
    client = runtime.redis_client()
    async with client.pipeline(transaction=False) as pipe:
        pipe.delete(item_key(code))
        pipe.incr(VERSION_KEY)
        await pipe.execute()


async def invalidate_all() -> None:
    """Drop every cached guide (after seeding or a change that many guides show, like halls)."""
    client = runtime.redis_client()
    await client.incr(VERSION_KEY)
    keys = [k async for k in client.scan_iter(match="catalog:item:*", count=500)]
    if keys:
        await client.delete(*keys)


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
    try:
        await runtime.redis_client().set(key, data, ex=LIST_TTL_SECONDS)
    except REDIS_DOWN:
        log.warning("catalogue cache unavailable on write")
    return data, False
