"""Redis through redis.asyncio; `memory://` gives an in-process fakeredis with Lua support."""

from __future__ import annotations

import redis.asyncio as redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from app.core.errors import ServiceUnavailable

REDIS_POOL_MAX = 256  # per process
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, ConnectionError, OSError)


def make_redis(url: str, max_connections: int = REDIS_POOL_MAX) -> redis.Redis:
    # redis-py's default pool holds 100 connections and raises MaxConnectionsError beyond that;
    # under a burst of requests a blocking pool makes callers wait for a free connection instead.
    if url.startswith("memory://"):
        import fakeredis

        return fakeredis.FakeAsyncRedis(decode_responses=True, max_connections=2**31 - 1)
    pool = redis.BlockingConnectionPool.from_url(
        url, decode_responses=True, max_connections=max_connections, timeout=5, socket_timeout=5,
        socket_connect_timeout=2, health_check_interval=15, retry_on_timeout=True)
    return redis.Redis.from_pool(pool)


def make_pubsub_redis(client: redis.Redis, url: str) -> redis.Redis:
    """A connection pool for blocking pub/sub reads; fakeredis shares its server."""
    if url.startswith("memory://"):
        return client
    return redis.from_url(url, decode_responses=True, socket_connect_timeout=2)


class RedisUnavailable(ServiceUnavailable):
    code = "CACHE_UNAVAILABLE"
    message = "服务繁忙，请稍后再试"


__all__ = ["make_redis", "make_pubsub_redis", "REDIS_DOWN", "RedisUnavailable"]
