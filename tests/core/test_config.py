"""Settings pick the backends; production refuses unsafe combinations."""

from __future__ import annotations

import fakeredis
import pytest
import redis.asyncio as redis_asyncio

from app.core.cache import make_redis
from app.core.config import load_settings
from app.core.db import tortoise_config
from app.core.storage import LocalStorage, S3Storage, make_storage


def test_embedded_defaults(tmp_path):
    s = load_settings(DATA_DIR=tmp_path)
    assert s.database_url == f"sqlite://{tmp_path / 'sjt.sqlite3'}"
    assert s.redis_is_memory and s.broker_kind == "memory"
    assert s.wechat_simulator is True
    assert isinstance(make_redis(s.redis_url), fakeredis.FakeAsyncRedis)
    assert isinstance(make_storage(s), LocalStorage)


def test_production_backends(tmp_path):
    s = load_settings(SJT_ENV="production", DATA_DIR=tmp_path, DATABASE_URL="postgresql://u@db:5432/sjt",
                      REDIS_URL="redis://cache:6379/0", DATA_KEY="a" * 44, BLIND_INDEX_KEY="b" * 44,
                      STORAGE_BACKEND="s3", S3_ENDPOINT_URL="http://minio:9000", WORKERS=4, TASK_BROKER="auto")
    assert s.broker_kind == "redis" and s.wechat_simulator is False and s.demo_login is False
    conn = tortoise_config(s)["connections"]["default"]
    assert conn["engine"] == "tortoise.backends.asyncpg"
    assert conn["credentials"]["host"] == "db" and conn["credentials"]["maxsize"] == 20
    client = make_redis(s.redis_url)
    assert isinstance(client, redis_asyncio.Redis) and not isinstance(client, fakeredis.FakeAsyncRedis)
    assert isinstance(make_storage(s), S3Storage)


def test_production_refuses_several_workers_on_memory_redis(tmp_path):
    with pytest.raises(ValueError, match="memory"):
        load_settings(SJT_ENV="production", DATA_DIR=tmp_path, WORKERS=2, DATA_KEY="a" * 44,
                      BLIND_INDEX_KEY="b" * 44)


def test_production_refuses_the_simulator(tmp_path):
    with pytest.raises(ValueError, match="simulator"):
        load_settings(SJT_ENV="production", DATA_DIR=tmp_path, REDIS_URL="redis://x", WECHAT_SIMULATOR=True,
                      DATA_KEY="a" * 44, BLIND_INDEX_KEY="b" * 44)


def test_audit_retention_cannot_go_below_180_days(tmp_path):
    with pytest.raises(ValueError):
        load_settings(DATA_DIR=tmp_path, AUDIT_RETENTION_DAYS=30)
