"""The PostgreSQL pool hands connections back without asyncpg's reset query (one round trip less per
query) and still never hands out a connection inside a transaction."""

from __future__ import annotations

import os

import asyncpg
import pytest

from app.core.config import Settings
from app.core.db import PooledConnection, tortoise_config
from tests.conftest import require_service

PG_URL = os.environ.get("SJT_SERVICE_PG_URL", "postgres://postgres@127.0.0.1:5432")


@pytest.fixture
async def pool():
    try:
        pool = await asyncpg.create_pool(f"{PG_URL}/postgres", min_size=1, max_size=1,
                                         connection_class=PooledConnection)
    except (OSError, asyncpg.PostgresError):
        pool = None
    require_service(pool is not None, f"PostgreSQL at {PG_URL}")
    yield pool
    await pool.close()


class TestPooledConnection:
    def test_postgres_settings_use_it(self):
        config = tortoise_config(Settings(DATABASE_URL="postgres://u@127.0.0.1:5432/x"))
        assert config["connections"]["default"]["credentials"]["connection_class"] is PooledConnection

    async def test_release_sends_no_reset(self, pool):
        async with pool.acquire() as con:
            await con.execute("SET application_name = 'kept'")
        async with pool.acquire() as con:  # the same (only) connection: RESET ALL would have cleared it
            assert await con.fetchval("SHOW application_name") == "kept"

    async def test_an_open_transaction_is_rolled_back_on_release(self, pool):
        async with pool.acquire() as con:
            await con.execute("CREATE TEMP TABLE IF NOT EXISTS t_pool (n int)")
        con = await pool.acquire()
        await con.execute("BEGIN")
        await con.execute("INSERT INTO t_pool VALUES (1)")
        await pool.release(con)
        async with pool.acquire() as con:
            assert not con.is_in_transaction()
            assert await con.fetchval("SELECT count(*) FROM t_pool") == 0
