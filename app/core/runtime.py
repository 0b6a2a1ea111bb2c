"""Per-process handles to the shared infrastructure (settings, Redis, storage, WeChat clients).

Set once when an API worker, a task worker or a test starts; services read them from here so
that the same service code runs inside a request, a task and a test."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import redis.asyncio as redis

    from app.core.config import Settings
    from app.core.storage import Storage


@dataclass
class Runtime:
    settings: "Settings | None" = None
    redis: "redis.Redis | None" = None
    pubsub_redis: "redis.Redis | None" = None
    storage: "Storage | None" = None
    extras: dict[str, Any] = field(default_factory=dict)


rt = Runtime()


def settings() -> "Settings":
    if rt.settings is None:
        from app.core.config import load_settings

        rt.settings = load_settings()
    return rt.settings


def redis_client() -> "redis.Redis":
    if rt.redis is None:
        raise RuntimeError("Redis is not connected in this process")
    return rt.redis


def storage() -> "Storage":
    if rt.storage is None:
        raise RuntimeError("storage is not configured in this process")
    return rt.storage
