"""Cursor pagination over (created_at, id), newest first: stable while rows are added."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any, Generic, TypeVar

import orjson
from pydantic import BaseModel, Field
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from app.core.errors import ValidationFailed

T = TypeVar("T")


class PageQuery(BaseModel):
    cursor: str | None = Field(None, max_length=200, description="上一页返回的 next_cursor")
    limit: int = Field(20, ge=1, le=100)


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(created_at: datetime, row_id: Any) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([created_at.isoformat(), str(row_id)])).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created, row_id = orjson.loads(raw)
        created = datetime.fromisoformat(created)
        if created.tzinfo is None:
            raise ValueError("naive timestamp")
        return created, str(row_id)
    except Exception as exc:  # noqa: BLE001 - any malformed cursor is the client's error
        raise ValidationFailed.field("cursor", "分页游标无效", code="INVALID_CURSOR") from exc


async def paginate(queryset: QuerySet, *, cursor: str | None, limit: int) -> tuple[list, str | None]:
    """One page of `queryset` (newest first) and the cursor of the next page, if any."""
    if cursor:
        created, row_id = decode_cursor(cursor)
        try:  # a well-formed cursor naming an id of the wrong type is still the client's error
            row_id = queryset.model._meta.pk.to_python_value(row_id)
        except (TypeError, ValueError) as exc:
            raise ValidationFailed.field("cursor", "分页游标无效", code="INVALID_CURSOR") from exc
        queryset = queryset.filter(Q(created_at__lt=created) | Q(created_at=created, id__lt=row_id))
    rows = await queryset.order_by("-created_at", "-id").limit(limit + 1)
    next_cursor = encode_cursor(rows[limit - 1].created_at, rows[limit - 1].id) if len(rows) > limit else None
    return rows[:limit], next_cursor
