from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from app.core.pagination import PageQuery


class MessageOut(BaseModel):
    id: str
    kind: str
    title: str
    body: str
    link: str
    ref: str
    read: bool
    created_at: datetime

    @classmethod
    def of(cls, m) -> "MessageOut":
        return cls(id=str(m.id), kind=m.kind, title=m.title, body=m.body, link=m.link, ref=m.ref,
                   read=m.read_at is not None, created_at=m.created_at)


class MessagePage(BaseModel):
    items: list[MessageOut]
    next_cursor: str | None = None
    unread: int


class MessageQuery(PageQuery):
    unread: bool = Field(False, description="只看未读")


class ReadResult(BaseModel):
    updated: int
