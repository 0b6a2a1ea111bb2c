"""Appointments (预约取号): slots, booking, tickets, waitlist, and the hall desk."""

from __future__ import annotations

import base64
import re
import uuid
from datetime import timedelta

from sanic import Blueprint, HTTPResponse, Request

from app.agents import service as agents
from app.appointments import service, tickets
from app.appointments.models import AppointmentStatus
from app.appointments.policy import policy
from app.appointments.schemas import (AppointmentList, AppointmentListQuery, AppointmentOut, BookIn, ClosureIn,
                                      ClosureOut, DeskItem, GenerateOut, HallBrief, ItemBrief, MaterialToBring,
                                      QueueOut, RuleIn, RuleList, RuleOut, SlotList, SlotOut, SlotQuery,
                                      TicketOut, WaitlistIn, WaitlistList, WaitlistOut)
from app.core import clock
from app.core.api import endpoint, json_response
from app.core.errors import Forbidden, NotFound, ValidationFailed
from app.identity.auth import current_account, require
from app.identity.models import Role

bp = Blueprint("appointments")
BOOKERS = (Role.RESIDENT, Role.LEGAL_PERSON, Role.AGENT)
_IDEM = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


async def acting_for(request: Request, *, item_code: str | None = None) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID | None]:
    """(principal, actor, delegation id) of a request. The hook for agents acting on behalf: with an
    `X-On-Behalf-Of: <delegation id>` header, the agents service resolves (principal_id, delegation_id)
    or refuses with 403 (tests/agents/test_on_behalf.py)."""
    account = current_account(request)
    header = request.headers.get("x-on-behalf-of", "").strip()
    if header:
        principal_id, delegation_id = await agents.resolve_on_behalf(actor=account, delegation_id=header,
                                                                     scope="appointments", item_code=item_code)
        return uuid.UUID(str(principal_id)), account.id, uuid.UUID(str(delegation_id))
    if account.role == Role.AGENT:
        raise Forbidden("代办员请通过 X-On-Behalf-Of 指定被代办人", code="ON_BEHALF_REQUIRED")
    return account.id, account.id, None


async def viewer_id(request: Request) -> uuid.UUID:
    """Whose appointments a request reads or changes: an agent only those of a principal under a live
    delegation (`X-On-Behalf-Of`), so a revoked delegation stops the agent on the next request."""
    account = current_account(request)
    if request.headers.get("x-on-behalf-of", "").strip() or account.role == Role.AGENT:
        principal_id, _, _ = await acting_for(request)
        return principal_id
    return account.id


def _window_names(hall, group: str) -> list[str]:
    return [w.get("no", "") for w in hall.windows if w.get("group") == group]


async def appointment_out(appt, *, detail: bool = False, halls: dict | None = None) -> AppointmentOut:
    """Shape an appointment: hall, time, window group, ticket, and in detail what to bring."""
    from app.catalog import service as catalog

    hall = (halls or {}).get(appt.hall_id) or await catalog.get_hall(hall_id=appt.hall_id)
    materials: list[MaterialToBring] = []
    if detail:
        try:
            item = await catalog.get_item(code=appt.item_code)
            materials = [MaterialToBring(name=m.name, format=m.format, copies=m.copies, original=m.original,
                                     required=m.required, condition=m.condition)
                         for m in sorted(item.materials, key=lambda m: (m.sort, m.code))]
        except NotFound:
            materials = []
    ticket = None
    if appt.status == AppointmentStatus.BOOKED:
        payload = tickets.sign(appointment_id=appt.id, issued_at=appt.created_at)
        png = base64.b64encode(tickets.qr_png(payload)).decode() if detail else None
        ticket = TicketOut(payload=payload, png_base64=png)
    return AppointmentOut(
        id=appt.id, status=appt.status.value,
        hall=HallBrief(id=hall.id, name=hall.name, address=hall.address, phone=hall.phone),
        item=ItemBrief(code=appt.item_code, name=appt.item_name), window_group=appt.window_group,
        window_names=_window_names(hall, appt.window_group), date=appt.day, starts_at=appt.starts_at,
        ends_at=appt.ends_at, queue_no=appt.queue_no, principal_id=appt.principal_id, actor_id=appt.actor_id,
        delegation_id=appt.delegation_id,
        cancellable_until=appt.starts_at - timedelta(minutes=policy.cancel_cutoff_minutes),
        cancel_reason=appt.cancel_reason, checked_in_at=appt.checked_in_at, served_at=appt.served_at,
        created_at=appt.created_at, ticket=ticket, materials=materials)


# ------------------------------------------------------------------ browsing and booking


@bp.get("/halls/<hall_id:uuid>/slots")
@endpoint(query=SlotQuery, response=SlotList, summary="查询大厅号源（剩余名额）", tag="appointments", errors=(404,))
async def slots(request: Request, hall_id: uuid.UUID, query: SlotQuery):
    rows = await service.list_slots(hall_id=hall_id, day=query.date, item_code=query.item)
    return SlotList(hall_id=hall_id, date=query.date, items=[SlotOut(
        id=r["id"], window_group=r["window_group"], window_name=r["window_name"], starts_at=r["starts_at"],
        ends_at=r["ends_at"], capacity=r["capacity"], remaining=r["remaining"], status=r["status"],
        bookable=r["bookable"]) for r in rows])


@bp.post("/appointments")
@endpoint(body=BookIn, response=AppointmentOut, status=201, summary="预约取号（支持 Idempotency-Key）",
          tag="appointments", auth=require(*BOOKERS), errors=(400, 404, 409))
async def book(request: Request, body: BookIn):
    key = request.headers.get("idempotency-key", "").strip() or None
    if key is not None and not _IDEM.match(key):
        raise ValidationFailed.field("Idempotency-Key", "应为 8–64 位字母、数字或 ._:-")
    principal_id, actor_id, delegation_id = await acting_for(request, item_code=body.item_code)
    appt, created = await service.book(principal_id=principal_id, actor_id=actor_id, hall_id=body.hall_id,
                                       item_code=body.item_code, slot_id=body.slot_id, idempotency_key=key,
                                       delegation_id=delegation_id)
    out = await appointment_out(appt)
    return json_response(out, status=201, headers=None if created else {"Idempotent-Replayed": "true"})


@bp.get("/appointments")
@endpoint(query=AppointmentListQuery, response=AppointmentList, summary="我的预约", tag="appointments",
          auth=require())
async def my_appointments(request: Request, query: AppointmentListQuery):
    from app.catalog import service as catalog

    rows, cursor = await service.list_appointments(account_id=await viewer_id(request), status=query.status,
                                                   cursor=query.cursor, limit=query.limit)
    halls = {h.id: h for h in await catalog.halls_by_codes()} if rows else {}
    return AppointmentList(items=[await appointment_out(a, halls=halls) for a in rows], next_cursor=cursor)


@bp.get("/appointments/<appointment_id:uuid>")
@endpoint(response=AppointmentOut, summary="预约详情（含预约凭证二维码与需携带材料）", tag="appointments",
          auth=require(), errors=(404,))
async def appointment_detail(request: Request, appointment_id: uuid.UUID):
    appt = await service.get_appointment(appointment_id=appointment_id, account_id=await viewer_id(request))
    return await appointment_out(appt, detail=True)


@bp.get("/appointments/<appointment_id:uuid>/ticket.png")
@endpoint(summary="预约凭证二维码图片（PNG）", tag="appointments", auth=require(), errors=(404, 409))
async def ticket_png(request: Request, appointment_id: uuid.UUID):
    from app.core.errors import Conflict

    appt = await service.get_appointment(appointment_id=appointment_id, account_id=await viewer_id(request))
    if appt.status != AppointmentStatus.BOOKED:
        raise Conflict("该预约当前没有有效凭证", code="NO_TICKET")
    payload = tickets.sign(appointment_id=appt.id, issued_at=appt.created_at)
    return HTTPResponse(tickets.qr_png(payload), content_type="image/png", headers={"Cache-Control": "no-store"})


@bp.post("/appointments/<appointment_id:uuid>/cancel")
@endpoint(response=AppointmentOut, summary="取消预约（开始前 1 小时截止）", tag="appointments", auth=require(),
          errors=(404, 409))
async def cancel(request: Request, appointment_id: uuid.UUID):
    account_id = await viewer_id(request)
    if account_id != current_account(request).id:  # on behalf: the delegation must cover the item
        appt = await service.get_appointment(appointment_id=appointment_id, account_id=account_id)
        await acting_for(request, item_code=appt.item_code)
    appt = await service.cancel(appointment_id=appointment_id, account_id=account_id)
    return await appointment_out(appt)


# ------------------------------------------------------------------ waitlist


@bp.post("/halls/<hall_id:uuid>/slots/<slot_id:uuid>/waitlist")
@endpoint(body=WaitlistIn, response=WaitlistOut, status=201, summary="加入候补（时段约满时）", tag="appointments",
          auth=require(*BOOKERS), errors=(400, 404, 409))
async def join_waitlist(request: Request, hall_id: uuid.UUID, slot_id: uuid.UUID, body: WaitlistIn):
    principal_id, actor_id, delegation_id = await acting_for(request, item_code=body.item_code)
    entry, pos = await service.join_waitlist(principal_id=principal_id, actor_id=actor_id, hall_id=hall_id,
                                             slot_id=slot_id, item_code=body.item_code, delegation_id=delegation_id)
    return WaitlistOut.of(entry, pos)


@bp.get("/waitlist")
@endpoint(response=WaitlistList, summary="我的候补", tag="appointments", auth=require())
async def my_waitlist(request: Request):
    rows = await service.list_waitlist(account_id=await viewer_id(request))
    return WaitlistList(items=[WaitlistOut.of(e, await service.waitlist_position(entry=e)) for e in rows])


@bp.post("/waitlist/<entry_id:uuid>/confirm")
@endpoint(response=AppointmentOut, status=201, summary="确认候补保留的名额", tag="appointments", auth=require(),
          errors=(404, 409))
async def confirm_waitlist(request: Request, entry_id: uuid.UUID):
    appt = await service.confirm_offer(entry_id=entry_id, account_id=await viewer_id(request))
    return await appointment_out(appt)


@bp.post("/waitlist/<entry_id:uuid>/cancel")
@endpoint(response=WaitlistOut, summary="退出候补", tag="appointments", auth=require(), errors=(404, 409))
async def leave_waitlist(request: Request, entry_id: uuid.UUID):
    entry = await service.leave_waitlist(entry_id=entry_id, account_id=await viewer_id(request))
    return WaitlistOut.of(entry)


# ------------------------------------------------------------------ hall desk


@bp.post("/appointments/<appointment_id:uuid>/serve")
@endpoint(response=AppointmentOut, summary="窗口标记已办理", tag="counter", auth=require(Role.COUNTER),
          errors=(404, 409))
async def serve(request: Request, appointment_id: uuid.UUID):
    appt = await service.serve(appointment_id=appointment_id, staff=current_account(request))
    return await appointment_out(appt)


@bp.get("/counter/queue")
@endpoint(response=QueueOut, summary="本大厅今日签到队列", tag="counter", auth=require(Role.COUNTER))
async def queue(request: Request):
    rows = await service.today_queue(staff=current_account(request))
    return QueueOut(date=clock.today(), items=[DeskItem(**r) for r in rows])


# ------------------------------------------------------------------ administration


@bp.get("/halls/<hall_id:uuid>/slot-rules")
@endpoint(response=RuleList, summary="大厅号源规则", tag="appointments-admin", auth=require(Role.ADMIN),
          errors=(404,))
async def rules(request: Request, hall_id: uuid.UUID):
    return RuleList(items=[RuleOut.of(r) for r in await service.list_rules(hall_id=hall_id)])


@bp.post("/halls/<hall_id:uuid>/slot-rules")
@endpoint(body=RuleIn, response=RuleOut, status=201, summary="新增号源规则", tag="appointments-admin",
          auth=require(Role.ADMIN), errors=(404,))
async def create_rule(request: Request, hall_id: uuid.UUID, body: RuleIn):
    return RuleOut.of(await service.create_rule(hall_id=hall_id, data=body.data()))


@bp.put("/slot-rules/<rule_id:uuid>")
@endpoint(body=RuleIn, response=RuleOut, summary="修改号源规则", tag="appointments-admin",
          auth=require(Role.ADMIN), errors=(404,))
async def update_rule(request: Request, rule_id: uuid.UUID, body: RuleIn):
    return RuleOut.of(await service.update_rule(rule_id=rule_id, data=body.data()))


@bp.delete("/slot-rules/<rule_id:uuid>")
@endpoint(status=204, summary="停用号源规则", tag="appointments-admin", auth=require(Role.ADMIN), errors=(404,))
async def delete_rule(request: Request, rule_id: uuid.UUID):
    await service.delete_rule(rule_id=rule_id)


@bp.post("/halls/<hall_id:uuid>/closures")
@endpoint(body=ClosureIn, response=ClosureOut, summary="关闭某日预约（已预约的取消并通知）",
          tag="appointments-admin", auth=require(Role.ADMIN), errors=(404,))
async def close_day(request: Request, hall_id: uuid.UUID, body: ClosureIn):
    return ClosureOut(**await service.close_day(hall_id=hall_id, day=body.date, reason=body.reason))


@bp.post("/halls/<hall_id:uuid>/slots/generate")
@endpoint(response=GenerateOut, summary="立即生成号源（平时由定时任务生成）", tag="appointments-admin",
          auth=require(Role.ADMIN), errors=(404,))
async def generate(request: Request, hall_id: uuid.UUID):
    from app.catalog import service as catalog

    await catalog.get_hall(hall_id=hall_id)
    return GenerateOut(**await service.generate_slots(hall_id=hall_id))


from app.agents.docs import on_behalf_header  # noqa: E402

on_behalf_header(book, cancel, join_waitlist, my_appointments, appointment_detail, ticket_png, my_waitlist,
                 confirm_waitlist, leave_waitlist)
