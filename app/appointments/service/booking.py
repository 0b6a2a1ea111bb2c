"""Booking and cancelling: a Redis pre-check sheds full slots, the database decides."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from datetime import timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from app.core.transactions import in_transaction

from app.appointments import counters
from app.appointments.models import Appointment, AppointmentStatus, Slot, SlotStatus
from app.appointments.policy import policy
from app.appointments.service import common, notices
from app.appointments.service.slots import ensure_counter
from app.core import clock, runtime
from app.core.errors import Conflict, NotFound
from app.core.pagination import paginate

IDEMPOTENCY_TTL = 24 * 3600


def request_hash(*, principal_id, hall_id, item_code: str, slot_id) -> str:
    return hashlib.sha256(f"{principal_id}|{hall_id}|{item_code}|{slot_id}".encode()).hexdigest()


async def _replay(actor_id, key: str, digest: str) -> Appointment | None:
    """The appointment an earlier request with this Idempotency-Key made (409 if the body differs)."""
    hit = await runtime.redis_client().get(counters.idem_key(actor_id, key))
    appt = None
    if hit is not None:
        appt_id, _, stored = hit.partition("|")
        if stored != digest:
            raise _key_reused()
        appt = await Appointment.get_or_none(id=appt_id)
    return appt


def _key_reused() -> Conflict:
    return Conflict("该 Idempotency-Key 已用于另一笔预约请求", code="IDEMPOTENCY_KEY_REUSED")


async def _replay_from_db(actor_id, key: str, digest: str) -> Appointment | None:
    appt = await Appointment.get_or_none(actor_id=actor_id, idempotency_key=key)
    if appt is not None and appt.request_hash != digest:
        raise _key_reused()
    return appt


async def book(*, principal_id: uuid.UUID, actor_id: uuid.UUID, hall_id: uuid.UUID, item_code: str,
               slot_id: uuid.UUID, idempotency_key: str | None = None,
               delegation_id: uuid.UUID | None = None) -> tuple[Appointment, bool]:
    """Book a place; returns (appointment, created). The same Idempotency-Key returns the same one."""
    digest = request_hash(principal_id=principal_id, hall_id=hall_id, item_code=item_code, slot_id=slot_id)
    if idempotency_key:
        earlier = await _replay(actor_id, idempotency_key, digest)
        if earlier is not None:
            return earlier, False
    token = uuid.uuid4().hex
    taken = await counters.take(slot_id=slot_id, principal_id=principal_id, item_code=item_code, token=token,
                                lock_ms=policy.person_lock_ms)
    if taken == counters.MISSING:
        await ensure_counter(slot_id=slot_id)
        taken = await counters.take(slot_id=slot_id, principal_id=principal_id, item_code=item_code, token=token,
                                    lock_ms=policy.person_lock_ms)
    if taken == counters.DUPLICATE:
        earlier = await _replay_from_db(actor_id, idempotency_key, digest) if idempotency_key else None
        if earlier is not None:
            return earlier, False
        raise Conflict("您当天已预约该事项，请勿重复预约", code="DUPLICATE_BOOKING")
    if taken == counters.FULL:
        raise Conflict("该时段已约满，可选择其他时段或加入候补", code="SLOT_FULL")
    if taken == counters.BUSY:
        raise Conflict("您有一个预约请求正在处理中，请稍候查看结果", code="BOOKING_IN_PROGRESS")
    if taken < 0:
        raise Conflict("该时段暂不可预约，请稍后再试", code="SLOT_UNAVAILABLE")
    try:
        try:
            appt = await _book_in_db(principal_id=principal_id, actor_id=actor_id, hall_id=hall_id,
                                     item_code=item_code, slot_id=slot_id, idempotency_key=idempotency_key,
                                     digest=digest, delegation_id=delegation_id)
        except (IntegrityError, Conflict) as exc:
            if isinstance(exc, Conflict) and exc.code != "DUPLICATE_BOOKING":
                raise
            # A retry whose first answer was lost (and Redis forgot the key): same appointment.
            earlier = await _replay_from_db(actor_id, idempotency_key, digest) if idempotency_key else None
            if earlier is None:
                raise Conflict("您当天已预约该事项，请勿重复预约", code="DUPLICATE_BOOKING") from None
            await asyncio.shield(counters.give_back(slot_id=slot_id))
            return earlier, False
    except BaseException:
        # Every failure after the decrement hands the place back to the Redis counter.
        await asyncio.shield(counters.give_back(slot_id=slot_id))
        raise
    finally:
        await asyncio.shield(counters.unlock_person(principal_id=principal_id, token=token))
    await counters.mark_booked(principal_id=principal_id, item_code=item_code, slot_id=slot_id)
    if idempotency_key:
        await runtime.redis_client().set(counters.idem_key(actor_id, idempotency_key), f"{appt.id}|{digest}",
                                         ex=IDEMPOTENCY_TTL)
    return appt, True


async def _book_in_db(*, principal_id, actor_id, hall_id, item_code, slot_id, idempotency_key, digest,
                      delegation_id) -> Appointment:
    slot = await common.get_slot(hall_id=hall_id, slot_id=slot_id)
    if slot.status != SlotStatus.OPEN:
        raise Conflict(f"该时段已停止预约：{slot.closed_reason or '大厅休息'}", code="BOOKING_CLOSED")
    item = await common.check_item_in_slot(slot, item_code)
    common.check_booking_window(slot)
    await common.check_not_blocked(principal_id)
    await common.check_no_duplicate(principal_id, item_code, slot.day)
    await common.check_quota(principal_id, slot.day)
    async with in_transaction():
        appt = await Appointment.create(
            slot_id=slot.id, hall_id=slot.hall_id, item_code=item_code, item_name=item.name,
            window_group=slot.window_group, day=slot.day, starts_at=slot.starts_at, ends_at=slot.ends_at,
            principal_id=principal_id, actor_id=actor_id, delegation_id=delegation_id,
            idempotency_key=idempotency_key or None, request_hash=digest if idempotency_key else None)
        await notices.queue(appointment_id=appt.id, event=notices.BOOKED)
        # Last, so the slot row (which every booking of this slot updates) stays locked only for
        # this statement and the commit: in a rush the winners queue on that lock.
        took = await Slot.filter(id=slot.id, status=SlotStatus.OPEN, booked__lt=F("capacity")).update(
            booked=F("booked") + 1)
        if not took:
            raise Conflict("该时段已约满，可选择其他时段或加入候补", code="SLOT_FULL")
        return appt


def _mine(account_id: uuid.UUID):
    return Appointment.filter(Q(principal_id=account_id) | Q(actor_id=account_id))


async def get_appointment(*, appointment_id: uuid.UUID, account_id: uuid.UUID) -> Appointment:
    """One of the caller's appointments (made for or by them); anyone else's is a 404."""
    appt = await _mine(account_id).filter(id=appointment_id).first()
    if appt is None:
        raise NotFound("预约不存在", code="APPOINTMENT_NOT_FOUND")
    return appt


async def list_appointments(*, account_id: uuid.UUID, status: str | None, cursor: str | None, limit: int):
    """The caller's appointments, newest first."""
    qs = _mine(account_id)
    if status:
        qs = qs.filter(status=status)
    return await paginate(qs, cursor=cursor, limit=limit)


async def cancel(*, appointment_id: uuid.UUID, account_id: uuid.UUID) -> Appointment:
    """Cancel before the cut-off: the place returns at once (to the waitlist's first, or to everyone)."""
    from app.appointments.service import waitlist

    appt = await get_appointment(appointment_id=appointment_id, account_id=account_id)
    if appt.status != AppointmentStatus.BOOKED:
        raise Conflict("当前状态不能取消预约", code="NOT_CANCELLABLE", details={"status": appt.status.value})
    if clock.now() > appt.starts_at - timedelta(minutes=policy.cancel_cutoff_minutes):
        raise Conflict(f"距预约开始不足 {policy.cancel_cutoff_minutes} 分钟，不能取消", code="CANCEL_CLOSED")
    async with in_transaction():
        done = await Appointment.filter(id=appt.id, status=AppointmentStatus.BOOKED).update(
            status=AppointmentStatus.CANCELLED, live=None, cancelled_at=clock.now(), cancel_reason="resident")
        if not done:
            raise Conflict("当前状态不能取消预约", code="NOT_CANCELLABLE")
        offered = await waitlist.offer_or_release(slot_id=appt.slot_id)
        await notices.queue(appointment_id=appt.id, event=notices.CANCELLED)
    await counters.unmark_booked(principal_id=appt.principal_id, item_code=appt.item_code, slot_id=appt.slot_id)
    await waitlist.after_offer_or_release(slot_id=appt.slot_id, offered=offered)
    await appt.refresh_from_db()
    return appt


async def booked_on(*, principal_ids: list[uuid.UUID], day) -> list[Appointment]:
    """Live bookings of these people on `day`, earliest first (an agent's 今日预约)."""
    if not principal_ids:
        return []
    return await Appointment.filter(principal_id__in=principal_ids, day=day,
                                    status=AppointmentStatus.BOOKED).order_by("starts_at")
