"""The state machine core: legal transitions, one transaction per step with its timeline event and
notification, receipt numbers, query codes and urgency."""

from __future__ import annotations

import secrets
import uuid
from datetime import date
from typing import Any

from app.core.transactions import after_commit, in_transaction

from app.applications.models import STATUS_LABELS, Application, ApplicationEvent, Status
from app.calendar import service as calendar
from app.core import clock, runtime
from app.core.errors import Conflict

# action → (allowed source states, target state, Chinese verb for messages and the timeline)
TRANSITIONS: dict[str, tuple[frozenset[Status], Status, str]] = {
    "submit": (frozenset({Status.DRAFT, Status.NEEDS_CORRECTION}), Status.SUBMITTED, "提交申请"),
    "withdraw": (frozenset({Status.DRAFT, Status.SUBMITTED, Status.NEEDS_CORRECTION}), Status.WITHDRAWN, "撤回申请"),
    "accept": (frozenset({Status.SUBMITTED}), Status.ACCEPTED, "受理"),
    "deem_accept": (frozenset({Status.SUBMITTED}), Status.ACCEPTED, "视为受理"),
    "request_correction": (frozenset({Status.SUBMITTED}), Status.NEEDS_CORRECTION, "一次性告知补正"),
    "not_accept": (frozenset({Status.SUBMITTED}), Status.NOT_ACCEPTED, "不予受理"),
    "approve": (frozenset({Status.ACCEPTED}), Status.APPROVED, "审批通过"),
    "reject": (frozenset({Status.ACCEPTED}), Status.REJECTED, "不予批准"),
    "complete": (frozenset({Status.APPROVED, Status.REJECTED}), Status.COMPLETED, "办结"),
}

ACTION_LABELS = {
    "created": "创建草稿", "submit": "提交申请", "resubmit": "补正后重新提交", "withdraw": "撤回申请",
    "accept": "已受理", "deem_accept": "依法视为受理", "request_correction": "一次性告知补正",
    "not_accept": "不予受理", "approve": "审批通过", "reject": "不予批准", "complete": "办结",
    "payment_paid": "缴费成功", "agent_update": "代办员修改材料", "handover": "代办员变更",
    "smart_referred": "转人工审核", "delivery_chosen": "选择取件方式", "delivery": "寄递进度",
}

# States whose clock runs (urgency applies).
OPEN_STATES = frozenset({Status.SUBMITTED, Status.ACCEPTED, Status.APPROVED})
DEEMED_ACCEPTANCE_DAYS = 5
YELLOW_WORKDAYS = 2
QUERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def label(status: Status | str) -> str:
    return STATUS_LABELS[Status(status)]


def illegal(app: Application, action: str) -> Conflict:
    verb = TRANSITIONS[action][2] if action in TRANSITIONS else ACTION_LABELS.get(action, action)
    return Conflict(f"办件当前状态为「{label(app.status)}」，不能{verb}", code="ILLEGAL_TRANSITION",
                    details={"status": app.status.value, "action": action})


async def transition(app: Application, *, action: str, actor_id: uuid.UUID | None,
                     on_behalf_of: uuid.UUID | None = None, note: str = "", data: dict | None = None,
                     changes: dict[str, Any] | None = None, event_action: str | None = None) -> Application:
    """Move `app` by `action` in one transaction: guarded update, timeline event, notification.

    The update is conditional on the state read, so two concurrent transitions cannot both win."""
    allowed, target, _ = TRANSITIONS[action]
    if app.status not in allowed:
        raise illegal(app, action)
    now = clock.now()
    source = app.status
    async with in_transaction():
        updated = await Application.filter(id=app.id, status=source).update(
            status=target, updated_at=now, **(changes or {}))
        if not updated:
            fresh = await Application.get(id=app.id)
            raise illegal(fresh, action)
        app = await Application.get(id=app.id)
        event = await ApplicationEvent.create(
            application_id=app.id, action=event_action or action, from_status=source.value,
            to_status=target.value, actor_id=actor_id, on_behalf_of=on_behalf_of, note=note,
            data=data or {}, created_at=now)
        await notify_applicant(app, event)
        await _forget_progress(app)
    return app


async def _forget_progress(app: Application) -> None:
    from app.applications import progress

    receipt_no = app.receipt_no
    await after_commit(lambda: progress.forget(receipt_no=receipt_no))


async def record_event(app: Application, *, action: str, actor_id: uuid.UUID | None, note: str = "",
                       data: dict | None = None, on_behalf_of: uuid.UUID | None = None,
                       notify: bool = False) -> ApplicationEvent:
    """A timeline event that does not change the state (creation, payment); call inside a transaction."""
    event = await ApplicationEvent.create(
        application_id=app.id, action=action, from_status=app.status.value, to_status=app.status.value,
        actor_id=actor_id, on_behalf_of=on_behalf_of, note=note, data=data or {}, created_at=clock.now())
    if notify:
        await notify_applicant(app, event)
    await _forget_progress(app)
    return event


async def notify_applicant(app: Application, event: ApplicationEvent) -> None:
    """Inbox message + WeChat subscribe message (application_status template) about one step."""
    from app.notifications import service as notifications
    from app.notifications.templates import character_string, phrase, thing, time_value

    step = ACTION_LABELS.get(event.action, label(app.status))
    status_text = {"payment_paid": "已缴费", "handover": "代办员变更"}.get(event.action, label(app.status))
    note = event.note or _default_note(app, event)
    await notifications.notify(
        account_id=app.applicant_id, kind="application_status",
        title=f"{app.item_name[:40]}：{step}", body=f"您申请的「{app.item_name}」{step}。{note}".strip(),
        link=f"/pages/applications/detail?id={app.id}", ref=str(app.id),
        wechat={"template": "application_status", "data": {
            "thing1": thing(app.item_name), "phrase2": phrase(status_text),
            "character_string3": character_string(app.receipt_no or str(app.id)[:8].upper()),
            "time4": time_value(event.created_at), "thing5": thing(note or step)}})


def _default_note(app: Application, event: ApplicationEvent) -> str:
    if event.action in ("accept", "deem_accept") and app.due_date:
        return f"承诺办结日期 {app.due_date.isoformat()}"
    if event.action == "request_correction":
        return f"请按清单补正 {len(app.corrections)} 项材料"
    return ""


async def next_receipt_no(day: date) -> str:
    """`SJT` + yyyymmdd + a six-digit daily sequence (Redis counter, checked against the table)."""
    redis = runtime.redis_client()
    prefix = f"SJT{day:%Y%m%d}"
    key = f"applications:receipt:{day:%Y%m%d}"
    for _ in range(20):
        seq = int(await redis.incr(key))
        if seq == 1:
            await redis.expire(key, 3 * 86400)
        candidate = f"{prefix}{seq:06d}"
        if not await Application.exists(receipt_no=candidate):
            return candidate
        # The counter was lost (Redis flushed): continue after the highest number issued today.
        last = await Application.filter(receipt_no__startswith=prefix).order_by("-receipt_no").first()
        if last is not None and last.receipt_no:
            await redis.set(key, int(last.receipt_no[len(prefix):]), ex=3 * 86400)
    raise Conflict("受理编号生成失败，请重试", code="RECEIPT_NO_BUSY")


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_ALPHABET) for _ in range(6))


async def accept_changes(app: Application, *, accept_day: date) -> dict[str, Any]:
    """Receipt number, query code and due date (promised working days after `accept_day`)."""
    from app.catalog import service as catalog

    item = await catalog.get_item_by_id(item_id=app.item_id)
    due = await calendar.add_workdays(start=accept_day, days=item.promised_days)
    return {"receipt_no": await next_receipt_no(clock.today()), "query_code": new_query_code(),
            "due_date": due, "deadline": due, "accepted_at": clock.now()}


async def urgency(app: Application, today: date | None = None) -> str:
    """`red` overdue, `yellow` within 2 working days of the deadline, `normal`; `none` when the
    clock is not running (draft, correction, closed)."""
    if app.status not in OPEN_STATES or app.deadline is None:
        return "none"
    today = today or clock.today()
    if today > app.deadline:
        return "red"
    if await calendar.workdays_between(start=today, end=app.deadline) <= YELLOW_WORKDAYS:
        return "yellow"
    return "normal"
