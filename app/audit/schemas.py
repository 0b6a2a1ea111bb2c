"""Response bodies and queries of the audit reader."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator

from app.audit.models import AuditEvent
from app.core.clock import SHANGHAI
from app.core.pagination import PageQuery


class AuditQuery(PageQuery):
    actor_id: str | None = Field(None, max_length=64)
    action: str | None = Field(None, max_length=64, description="精确匹配；以 . 或 * 结尾时按前缀匹配")
    target_id: str | None = Field(None, max_length=64)
    outcome: str | None = Field(None, max_length=16)
    since: datetime | None = None
    until: datetime | None = None

    @field_validator("since", "until")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        # a time without an offset is read as Beijing time, like everything users see
        return value.replace(tzinfo=SHANGHAI) if value is not None and value.tzinfo is None else value


class AuditEventOut(BaseModel):
    id: str
    seq: int
    actor_id: str | None
    on_behalf_of: str | None
    action: str
    target_type: str
    target_id: str
    outcome: str
    ip: str
    request_id: str
    details: dict[str, Any]
    created_at: datetime
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, e: AuditEvent) -> "AuditEventOut":
        return cls(id=str(e.id), seq=e.seq, actor_id=e.actor_id, on_behalf_of=e.on_behalf_of, action=e.action,
                   target_type=e.target_type, target_id=e.target_id, outcome=e.outcome, ip=e.ip,
                   request_id=e.request_id, details=e.details or {}, created_at=e.created_at,
                   prev_hash=e.prev_hash, hash=e.hash)


class AuditPage(BaseModel):
    items: list[AuditEventOut]
    next_cursor: str | None = None


class ChainReport(BaseModel):
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    event_id: str | None = None
    problem: str | None = None
    checkpoint_seq: int = 0
    head_hash: str | None = None
