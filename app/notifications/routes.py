"""The inbox: GET messages, mark read."""

from __future__ import annotations

import uuid

from sanic import Blueprint, Request

from app.core.api import endpoint
from app.identity.auth import current_account, require
from app.notifications import service
from app.notifications.schemas import MessagePage, MessageOut, MessageQuery, ReadResult

bp = Blueprint("notifications")


@bp.get("/messages")
@endpoint(query=MessageQuery, response=MessagePage, summary="我的消息（站内信）", tag="messages", auth=require())
async def list_messages(request: Request, query: MessageQuery):
    account = current_account(request)
    rows, cursor, unread = await service.inbox(account_id=account.id, unread_only=query.unread,
                                               cursor=query.cursor, limit=query.limit)
    return MessagePage(items=[MessageOut.of(m) for m in rows], next_cursor=cursor, unread=unread)


@bp.post("/messages/<message_id:uuid>/read")
@endpoint(response=ReadResult, summary="标记消息已读", tag="messages", auth=require(), errors=(404,))
async def read_one(request: Request, message_id: uuid.UUID):
    return ReadResult(updated=await service.mark_read(account_id=current_account(request).id, message_id=message_id))


@bp.post("/messages/read-all")
@endpoint(response=ReadResult, summary="全部标记已读", tag="messages", auth=require())
async def read_all(request: Request):
    return ReadResult(updated=await service.mark_read(account_id=current_account(request).id))
