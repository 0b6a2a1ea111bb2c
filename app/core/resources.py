"""Open and close a process's connections (API worker, task worker, CLI)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from app.core import runtime
from app.core.cache import make_pubsub_redis, make_redis
from app.core.config import Settings
from app.core.db import close_db, init_db
from app.core.storage import make_storage

log = logging.getLogger("sjt.resources")


@dataclass
class Resources:
    settings: Settings
    owns_db: bool


async def open_resources(settings: Settings, *, role: str, init_database: bool = True) -> Resources:
    """Connect the database, Redis and storage for this process and publish them in `runtime`."""
    runtime.rt.settings = settings
    if init_database:
        await init_db(settings)
    runtime.rt.redis = make_redis(settings.redis_url)
    runtime.rt.pubsub_redis = make_pubsub_redis(runtime.rt.redis, settings.redis_url)
    runtime.rt.storage = make_storage(settings)
    log.info("resources opened for %s (db=%s, redis=%s)", role,
             "sqlite" if settings.is_sqlite else "postgres",
             "memory" if settings.redis_is_memory else "redis")
    return Resources(settings=settings, owns_db=init_database)


async def close_resources(resources: Resources | None) -> None:
    if resources is None:
        return
    if runtime.rt.pubsub_redis is not None and runtime.rt.pubsub_redis is not runtime.rt.redis:
        await runtime.rt.pubsub_redis.aclose()
    if runtime.rt.redis is not None:
        await runtime.rt.redis.aclose()
    runtime.rt.redis = runtime.rt.pubsub_redis = None
    if resources.owns_db:
        await close_db()
