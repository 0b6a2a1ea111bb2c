"""Tortoise ORM setup: SQLite file by default, PostgreSQL through DATABASE_URL."""

from __future__ import annotations

from pathlib import Path

import asyncpg
from tortoise import Tortoise, connections

from app.core.config import ROOT, Settings, load_settings

APP_LABEL = "models"


def model_modules() -> list[str]:
    """Every domain's models module (app/<domain>/models.py or app/<domain>/models/)."""
    found = []
    for entry in sorted((ROOT / "app").iterdir()):
        if (entry / "models.py").exists() or (entry / "models" / "__init__.py").exists():
            found.append(f"app.{entry.name}.models")
    return found


def _db_url(url: str) -> str:
    if url.startswith("postgresql://"):
        url = "postgres://" + url[len("postgresql://"):]
    if url.startswith("sqlite://") and not url.startswith("sqlite://:memory:"):
        Path(url[len("sqlite://"):].split("?")[0]).parent.mkdir(parents=True, exist_ok=True)
    return url


class PooledConnection(asyncpg.Connection):
    """A PostgreSQL connection handed back to the pool without the session reset query."""

    # asyncpg's default reset (advisory unlock, CLOSE ALL, UNLISTEN, RESET ALL) is one more round
    # trip after every query Tortoise runs outside a transaction, doubling the database's work per
    # read. The platform keeps no session state: no advisory locks, LISTEN, held cursors or SET.
    # An open transaction is still rolled back on release (asyncpg's `_reset` does that itself).
    def get_reset_query(self) -> str:
        return ""


def tortoise_config(settings: Settings) -> dict:
    url = _db_url(settings.database_url)
    credentials = None
    if url.startswith("postgres"):
        from tortoise.backends.base.config_generator import expand_db_url

        conn = expand_db_url(url)
        conn["credentials"].setdefault("maxsize", settings.db_pool_max)
        conn["credentials"].setdefault("minsize", min(settings.db_pool_min, settings.db_pool_max))
        conn["credentials"]["connection_class"] = PooledConnection
        credentials = conn
    return {
        "connections": {"default": credentials or url},
        "apps": {APP_LABEL: {"models": model_modules(), "default_connection": "default",
                             "migrations": "migrations"}},
        "use_tz": True,
        "timezone": "UTC",
    }


async def init_db(settings: Settings) -> None:
    # The global fallback lets every request task of this worker see the connections opened
    # in the start-up listener's task.
    await Tortoise.init(config=tortoise_config(settings), _enable_global_fallback=True)


async def close_db() -> None:
    await Tortoise.close_connections()


async def ping_db() -> None:
    await connections.get("default").execute_query("SELECT 1")


def __getattr__(name: str) -> dict:
    # `tortoise -c app.core.db.TORTOISE_ORM makemigrations|migrate` reads the settings lazily.
    if name == "TORTOISE_ORM":
        return tortoise_config(load_settings())
    raise AttributeError(name)
