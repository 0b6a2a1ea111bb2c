"""Hand-written SELECTs for the hottest reads, returning the same model instances as the ORM.

Building a query with the ORM costs more CPU than running it (~0.25 ms of query building and
copying per statement against ~0.1 ms for the round trip itself; bench/RESULTS.md), so the few
reads on every page view are written once as SQL. Placeholders are PostgreSQL's `$1, $2…`; on
SQLite they become `?1, ?2…`. Parameters are plain values (UUIDs are passed as text: both
databases compare them with the column's own type); keep datetimes out of these queries, their
text form differs between the two databases."""

from __future__ import annotations

import re
import uuid
from functools import lru_cache
from typing import Any, TypeVar

from tortoise.models import Model

M = TypeVar("M", bound=Model)

_NUMBERED = re.compile(r"\$(\d+)")


@lru_cache(maxsize=256)
def _for_dialect(sql: str, dialect: str) -> str:
    return _NUMBERED.sub(r"?\1", sql) if dialect == "sqlite" else sql


def _param(value: Any) -> Any:
    return str(value) if isinstance(value, uuid.UUID) else value


async def rows(model: type[Model], sql: str, *params: Any) -> list[dict]:
    """The rows of `sql` as dicts, run on `model`'s connection (the open transaction's, if any)."""
    db = model._meta.db
    return await db.execute_query_dict(_for_dialect(sql, db.capabilities.dialect), [_param(p) for p in params])


async def select(model: type[M], sql: str, *params: Any) -> list[M]:
    """`model` instances from `sql`, which selects every column of the model's table."""
    return [model._init_from_db(**row) for row in await rows(model, sql, *params)]


async def select_one(model: type[M], sql: str, *params: Any) -> M | None:
    """The first instance `sql` selects, or None."""
    found = await rows(model, sql, *params)
    return model._init_from_db(**found[0]) if found else None


@lru_cache(maxsize=64)
def _aliased(model: type[Model], alias: str) -> tuple[tuple[str, str], ...]:
    return tuple((f"{alias}__{c}", c) for c in model._meta.fields_db_projection.values())


def columns(model: type[Model], alias: str) -> str:
    """Every column of `model` as `alias."col" AS "alias__col"`, for a join that reads two models per row."""
    return ", ".join(f'{alias}."{column}" AS "{key}"' for key, column in _aliased(model, alias))


def instance(model: type[M], row: dict, alias: str) -> M | None:
    """The `model` read through `columns(model, alias)` in `row` (None where a LEFT JOIN found nothing)."""
    values = {column: row[key] for key, column in _aliased(model, alias)}
    if all(v is None for v in values.values()):
        return None
    return model._init_from_db(**values)
