"""Notify people: an inbox message, and a WeChat subscribe message sent by the task queue."""

from __future__ import annotations

import contextvars
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterator

from tortoise.expressions import Q

from app.core import clock, rawsql, runtime
from app.core.errors import NotFound
from app.core.pagination import encode_cursor, paginate
from app.core.transactions import after_commit
from app.notifications.models import Message


RESEND_BATCH = 200
NEVER_RUN_AFTER = timedelta(minutes=5)  # a queued send not even started by then was lost
RESEND_WINDOW = timedelta(days=1)


def send_lease() -> int:
    """Seconds a started send owns the message; after that a retry may send it."""
    return runtime.settings().notify_send_lease


_inbox_only: contextvars.ContextVar[bool] = contextvars.ContextVar("notifications_inbox_only", default=False)


@contextmanager
def inbox_only() -> Iterator[None]:
    """Inside this block notify() writes inbox messages but queues no WeChat message (seeded demo
    history: nobody is waiting for those, and the seed command has no simulator to send to)."""
    token = _inbox_only.set(True)
    try:
        yield
    finally:
        _inbox_only.reset(token)


async def notify(*, account_id: uuid.UUID | str, kind: str, title: str, body: str, link: str = "",
                 ref: str = "", wechat: dict | None = None) -> Message:
    """Write an inbox message; when `wechat` ({"template", "data", "page"}) is given, queue the
    subscribe message too — after the caller's transaction commits, so the worker finds the row."""
    if _inbox_only.get():
        wechat = None
    message = await Message.create(account_id=account_id, kind=kind, title=title[:64], body=body,
                                   link=link, ref=ref, wechat=wechat)
    if wechat:
        from app.notifications.tasks import send_wechat_message

        await after_commit(lambda: send_wechat_message.kiq(str(message.id)))
    return message


async def exists(*, account_id: uuid.UUID | str, kind: str, ref: str) -> bool:
    """Whether the account already has a message of this kind about `ref` (a retried task writes it once)."""
    return await Message.exists(account_id=account_id, kind=kind, ref=ref)


async def list_messages(*, account_id: uuid.UUID, unread_only: bool, cursor: str | None, limit: int):
    """The account's inbox, newest first."""
    qs = Message.filter(account_id=account_id)
    if unread_only:
        qs = qs.filter(read_at=None)
    return await paginate(qs, cursor=cursor, limit=limit)


@dataclass(frozen=True, slots=True)
class InboxEntry:
    """What the inbox list shows of a message (the first page is read without building whole models)."""

    id: uuid.UUID
    kind: str
    title: str
    body: str
    link: str
    ref: str
    read_at: datetime | None
    created_at: datetime


_FIRST_PAGE = ('SELECT m."id", m."kind", m."title", m."body", m."link", m."ref", m."read_at", m."created_at", '
               '(SELECT COUNT(*) FROM "message" u WHERE u."account_id" = $1 AND u."read_at" IS NULL) AS "unread" '
               'FROM "message" m WHERE m."account_id" = $1{only_unread} '
               'ORDER BY m."created_at" DESC, m."id" DESC LIMIT $2')


async def inbox(*, account_id: uuid.UUID, unread_only: bool, cursor: str | None,
                limit: int) -> tuple[list[Message | InboxEntry], str | None, int]:
    """One page of the inbox, the next page's cursor and how many messages are unread; the first page,
    opened on every visit, is one statement."""
    if cursor:
        rows, next_cursor = await list_messages(account_id=account_id, unread_only=unread_only, cursor=cursor,
                                                limit=limit)
        return rows, next_cursor, await unread_count(account_id=account_id)
    sql = _FIRST_PAGE.format(only_unread=' AND m."read_at" IS NULL' if unread_only else "")
    found = await rawsql.rows(Message, sql, account_id, limit + 1)
    unread = int(found[0]["unread"]) if found else 0  # no message on the first page: none at all
    fields = Message._meta.fields_map
    as_id, as_time = fields["id"].to_python_value, fields["created_at"].to_python_value
    page = [InboxEntry(id=as_id(r["id"]), kind=r["kind"], title=r["title"], body=r["body"], link=r["link"],
                       ref=r["ref"], read_at=as_time(r["read_at"]) if r["read_at"] is not None else None,
                       created_at=as_time(r["created_at"])) for r in found[:limit]]
    next_cursor = encode_cursor(page[-1].created_at, page[-1].id) if len(found) > limit else None
    return page, next_cursor, unread


async def unread_count(*, account_id: uuid.UUID) -> int:
    """How many inbox messages the account has not read."""
    return await Message.filter(account_id=account_id, read_at=None).count()


async def mark_read(*, account_id: uuid.UUID, message_id: uuid.UUID | None = None) -> int:
    """Mark one message (or, without an id, all) as read; another person's message is a 404."""
    qs = Message.filter(account_id=account_id, read_at=None)
    if message_id is not None:
        if not await Message.exists(id=message_id, account_id=account_id):
            raise NotFound("消息不存在", code="MESSAGE_NOT_FOUND")
        qs = qs.filter(id=message_id)
    return await qs.update(read_at=clock.now())


async def deliver_wechat(*, message_id: str) -> str:
    """Send one message's subscribe message exactly once (re-runs after a crash do not resend)."""
    from app.identity import service as identity
    from app.notifications.templates import TEMPLATES
    from app.wechat import miniapp

    message = await Message.get_or_none(id=message_id)
    if message is None or not message.wechat or message.wechat_sent_at is not None:
        return "skipped"
    account = await identity.get_account(account_id=message.account_id)
    if not account.openid:
        await Message.filter(id=message.id).update(wechat_error="no openid")
        return "no-openid"
    # Lease the send: a concurrent run finds it leased and stops; a run that died mid-send leaves
    # a lease that expires, so the queue's retry sends it later.
    now = clock.now()
    claimed = await Message.filter(
        Q(wechat_claimed_at=None) | Q(wechat_claimed_at__lt=now - timedelta(seconds=send_lease())),
        id=message.id, wechat_sent_at=None,
    ).update(wechat_claimed_at=now)
    if not claimed:
        return "skipped"
    template = TEMPLATES.get(message.wechat.get("template", message.kind), message.wechat.get("template"))
    try:
        await miniapp.send_subscribe_message(account.openid, template, message.wechat["data"],
                                             message.wechat.get("page") or message.link or None)
    except Exception as exc:
        await Message.filter(id=message.id).update(
            wechat_claimed_at=None, wechat_error=str(getattr(exc, "code", exc))[:128])
        raise
    await Message.filter(id=message.id).update(wechat_sent_at=clock.now(), wechat_error=None)
    return "sent"


async def resend_pending() -> int:
    """Queue again every WeChat send that a dead worker left behind (lease expired, never sent) or
    that was queued but never started; `deliver_wechat`'s lease keeps each send exactly once.
    Runs every minute: it does not rely on the broker redelivering an unacknowledged task."""
    from app.notifications.tasks import send_wechat_message

    now = clock.now()
    stale = now - timedelta(seconds=send_lease())
    ids = await Message.filter(
        Q(wechat_claimed_at__lt=stale) | Q(wechat_claimed_at=None, wechat_error=None,
                                           created_at__lt=now - NEVER_RUN_AFTER),
        wechat_sent_at=None, wechat__not_isnull=True, created_at__gte=now - RESEND_WINDOW,
    ).order_by("created_at").limit(RESEND_BATCH).values_list("id", flat=True)
    for message_id in ids:
        await send_wechat_message.kiq(str(message_id))
    return len(ids)
