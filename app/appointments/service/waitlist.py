"""Waitlist: join a full slot; a freed place is held for the first in line, who confirms in time."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from app.core.transactions import in_transaction

from app.appointments import counters
from app.appointments.models import Appointment, Slot, SlotStatus, WaitlistEntry, WaitlistStatus
from app.appointments.policy import policy
from app.appointments.service import common, notices
from app.core import clock
from app.core.errors import Conflict, NotFound


async def join(*, principal_id: uuid.UUID, actor_id: uuid.UUID, hall_id: uuid.UUID, slot_id: uuid.UUID,
               item_code: str, delegation_id: uuid.UUID | None = None) -> tuple[WaitlistEntry, int]:
    """Join a full slot's waitlist; returns (entry, position in line)."""
    slot = await common.get_slot(hall_id=hall_id, slot_id=slot_id)
    if slot.status != SlotStatus.OPEN:
        raise Conflict("该时段已停止预约", code="BOOKING_CLOSED")
    await common.check_item_in_slot(slot, item_code)
    common.check_booking_window(slot)
    await common.check_not_blocked(principal_id)
    await common.check_no_duplicate(principal_id, item_code, slot.day)
    if slot.booked < slot.capacity:
        raise Conflict("该时段尚有空位，请直接预约", code="SLOT_AVAILABLE")
    waiting = await WaitlistEntry.filter(slot_id=slot.id, live=1).count()
    if waiting >= slot.capacity * policy.waitlist_max_factor:
        raise Conflict("该时段候补人数已满", code="WAITLIST_FULL")
    try:
        entry = await WaitlistEntry.create(slot_id=slot.id, item_code=item_code, principal_id=principal_id,
                                           actor_id=actor_id, delegation_id=delegation_id)
    except IntegrityError:
        raise Conflict("您已在该时段的候补队列中", code="ALREADY_WAITLISTED") from None
    return entry, await position(entry=entry)


async def position(*, entry: WaitlistEntry) -> int:
    """1-based place in line of a waiting entry (0 when no longer waiting)."""
    if entry.status != WaitlistStatus.WAITING:
        return 0
    ahead = await WaitlistEntry.filter(slot_id=entry.slot_id, status=WaitlistStatus.WAITING).filter(
        Q(created_at__lt=entry.created_at) | Q(created_at=entry.created_at, id__lt=entry.id)).count()
    return ahead + 1


def _mine(account_id: uuid.UUID):
    return WaitlistEntry.filter(Q(principal_id=account_id) | Q(actor_id=account_id))


async def get_entry(*, entry_id: uuid.UUID, account_id: uuid.UUID) -> WaitlistEntry:
    """One of the caller's waitlist entries (404 for anyone else's)."""
    entry = await _mine(account_id).filter(id=entry_id).first()
    if entry is None:
        raise NotFound("候补记录不存在", code="WAITLIST_NOT_FOUND")
    return entry


async def list_entries(*, account_id: uuid.UUID) -> list[WaitlistEntry]:
    """The caller's live waitlist entries."""
    return await _mine(account_id).filter(live=1).order_by("-created_at")


async def offer_or_release(*, slot_id: uuid.UUID) -> WaitlistEntry | None:
    """Inside the caller's transaction: hand one freed place of `slot_id` to the first waiting entry,
    or, with nobody waiting (or too late to confirm), give it back to the slot."""
    slot = await Slot.get(id=slot_id)
    now = clock.now()
    deadline = slot.starts_at - timedelta(minutes=policy.book_cutoff_minutes)
    if slot.status == SlotStatus.OPEN and now < deadline:
        expires = min(now + timedelta(minutes=policy.waitlist_confirm_minutes), deadline)
        for entry in await WaitlistEntry.filter(slot_id=slot_id, status=WaitlistStatus.WAITING).order_by(
                "created_at", "id").limit(5):
            if await WaitlistEntry.filter(id=entry.id, status=WaitlistStatus.WAITING).update(
                    status=WaitlistStatus.OFFERED, offered_at=now, offer_expires_at=expires):
                entry.status, entry.offer_expires_at = WaitlistStatus.OFFERED, expires
                return entry
    await Slot.filter(id=slot_id, booked__gt=0).update(booked=F("booked") - 1)
    return None


async def after_offer_or_release(*, slot_id: uuid.UUID, offered: WaitlistEntry | None) -> None:
    """After the transaction: a released place goes back to the Redis counter; an offer is notified."""
    if offered is None:
        await asyncio.shield(counters.give_back(slot_id=slot_id))
        return
    slot = await Slot.get(id=slot_id)
    hall = await common.hall_name(slot.hall_id)
    await common.notify_person(
        account_id=offered.principal_id, title="候补成功，请确认预约",
        body=f"您候补的 {hall} {common.fmt(slot.starts_at)} 有空位了，已为您保留，请在"
             f" {common.fmt(offered.offer_expires_at)} 前确认，逾期将顺延给下一位。",
        status="待确认", tip="请尽快确认预约", link=f"/pages/appointments/waitlist?id={offered.id}",
        ref=str(offered.id), hall_name=hall)


async def confirm(*, entry_id: uuid.UUID, account_id: uuid.UUID) -> Appointment:
    """Take the place held for an offered entry: it becomes a booked appointment."""
    entry = await get_entry(entry_id=entry_id, account_id=account_id)
    if entry.status != WaitlistStatus.OFFERED:
        raise Conflict("当前没有为您保留的名额", code="NO_OFFER", details={"status": entry.status.value})
    if clock.now() > entry.offer_expires_at:
        raise Conflict("保留的名额已过确认时间", code="OFFER_EXPIRED")
    token = uuid.uuid4().hex
    if not await counters.lock_person(principal_id=entry.principal_id, token=token, lock_ms=policy.person_lock_ms):
        raise Conflict("您有一个预约请求正在处理中，请稍候", code="BOOKING_IN_PROGRESS")
    try:
        slot = await Slot.get(id=entry.slot_id)
        item = await common.check_item_in_slot(slot, entry.item_code)
        await common.check_quota(entry.principal_id, slot.day)
        try:
            async with in_transaction():
                if not await WaitlistEntry.filter(id=entry.id, status=WaitlistStatus.OFFERED).update(
                        status=WaitlistStatus.CONFIRMED, live=None):
                    raise Conflict("当前没有为您保留的名额", code="NO_OFFER")
                appt = await Appointment.create(
                    slot_id=slot.id, hall_id=slot.hall_id, item_code=entry.item_code, item_name=item.name,
                    window_group=slot.window_group, day=slot.day, starts_at=slot.starts_at, ends_at=slot.ends_at,
                    principal_id=entry.principal_id, actor_id=account_id, delegation_id=entry.delegation_id)
                await WaitlistEntry.filter(id=entry.id).update(appointment_id=appt.id)
                await notices.queue(appointment_id=appt.id, event=notices.BOOKED)
        except IntegrityError:
            await _withdraw(entry)
            raise Conflict("您当天已预约该事项，保留的名额已顺延给下一位", code="DUPLICATE_BOOKING") from None
    finally:
        await counters.unlock_person(principal_id=entry.principal_id, token=token)
    await counters.mark_booked(principal_id=appt.principal_id, item_code=appt.item_code, slot_id=appt.slot_id)
    return appt


async def _withdraw(entry: WaitlistEntry, status: WaitlistStatus = WaitlistStatus.CANCELLED) -> bool:
    """End a live entry; a place it held passes on. Returns whether this call ended it."""
    async with in_transaction():
        was_offered = await WaitlistEntry.filter(id=entry.id, status=WaitlistStatus.OFFERED).update(
            status=status, live=None)
        if not was_offered:
            ended = await WaitlistEntry.filter(id=entry.id, status=WaitlistStatus.WAITING).update(
                status=WaitlistStatus.CANCELLED, live=None)
            return bool(ended)
        offered = await offer_or_release(slot_id=entry.slot_id)
    await after_offer_or_release(slot_id=entry.slot_id, offered=offered)
    return True


async def leave(*, entry_id: uuid.UUID, account_id: uuid.UUID) -> WaitlistEntry:
    """Leave the waitlist (a held place passes to the next in line)."""
    entry = await get_entry(entry_id=entry_id, account_id=account_id)
    if entry.live != 1 or not await _withdraw(entry):
        raise Conflict("候补已结束", code="WAITLIST_ENDED", details={"status": entry.status.value})
    await entry.refresh_from_db()
    return entry


async def expire_offers() -> int:
    """Offers not confirmed in time expire; each held place passes to the next in line."""
    due = await WaitlistEntry.filter(status=WaitlistStatus.OFFERED, offer_expires_at__lt=clock.now())
    count = 0
    for entry in due:
        if await _withdraw(entry, status=WaitlistStatus.EXPIRED):
            count += 1
            await common.notify_person(account_id=entry.principal_id, title="候补名额已过期",
                                       body="为您保留的预约名额未在规定时间内确认，已顺延给下一位。",
                                       status="已过期", tip="可重新预约其他时段", ref=str(entry.id))
    return count
