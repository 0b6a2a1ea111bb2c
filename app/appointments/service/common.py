"""Shared helpers of the appointment services: local times, errors, notifications, policy checks."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta, timezone

from app.appointments.models import Appointment, BookingBlock, Slot
from app.appointments.policy import policy
from app.core import clock
from app.core.clock import SHANGHAI
from app.core.errors import Conflict, Forbidden, NotFound


def at_local(day: date, hhmm: str) -> datetime:
    """`day` at local time `hhmm` (Asia/Shanghai), in UTC."""
    h, m = (int(x) for x in hhmm.split(":"))
    return datetime.combine(day, time(h, m), tzinfo=SHANGHAI).astimezone(timezone.utc)


def local(dt: datetime) -> datetime:
    return dt.astimezone(SHANGHAI)


def fmt(dt: datetime) -> str:
    return local(dt).strftime("%Y-%m-%d %H:%M")


def last_bookable_day() -> date:
    """The furthest day whose slots are open for booking now."""
    now = clock.local_now()
    h, m = (int(x) for x in policy.opens_at.split(":"))
    opened_today = (now.hour, now.minute) >= (h, m)
    return clock.today() + timedelta(days=policy.window_days - (0 if opened_today else 1))


def check_booking_window(slot: Slot) -> None:
    """BOOKING_CLOSED after the cut-off, BOOKING_NOT_OPEN before the slot's day opens."""
    if clock.now() > slot.starts_at - timedelta(minutes=policy.book_cutoff_minutes):
        raise Conflict(f"该时段已停止预约（开始前 {policy.book_cutoff_minutes} 分钟截止）", code="BOOKING_CLOSED")
    if slot.day > last_bookable_day():
        opens = slot.day - timedelta(days=policy.window_days)
        raise Conflict(f"该日期的号源将于 {opens.isoformat()} {policy.opens_at} 开放预约", code="BOOKING_NOT_OPEN",
                       details={"opens_at": at_local(opens, policy.opens_at).isoformat()})


async def active_block(principal_id: uuid.UUID) -> BookingBlock | None:
    return await BookingBlock.filter(principal_id=principal_id, until__gt=clock.now()).order_by("-until").first()


async def check_not_blocked(principal_id: uuid.UUID) -> None:
    block = await active_block(principal_id)
    if block is not None:
        until = local(block.until)
        raise Forbidden(
            f"因 {policy.no_show_window_days} 天内 {block.no_shows} 次预约未到，{until:%Y年%m月%d日}前暂停预约服务",
            code="BOOKING_BLOCKED", details={"until": block.until.isoformat(), "unblock_date": until.date().isoformat(),
                                             "no_shows": block.no_shows})


async def check_no_duplicate(principal_id: uuid.UUID, item_code: str, day: date) -> None:
    if await Appointment.exists(principal_id=principal_id, item_code=item_code, day=day, live=1):
        raise Conflict("您当天已预约该事项，请勿重复预约", code="DUPLICATE_BOOKING")


async def check_quota(principal_id: uuid.UUID, day: date) -> None:
    monday = day - timedelta(days=day.weekday())
    count = await Appointment.filter(principal_id=principal_id, live=1, day__gte=monday,
                                     day__lte=monday + timedelta(days=6)).count()
    if count >= policy.weekly_quota:
        raise Conflict(f"每人每周最多预约 {policy.weekly_quota} 次，本周预约次数已用完", code="QUOTA_EXCEEDED",
                       details={"weekly_quota": policy.weekly_quota})


async def check_item_in_slot(slot: Slot, item_code: str) -> object:
    """The bookable item, when the slot serves it."""
    from app.catalog import service as catalog

    item = await catalog.get_item(code=item_code, with_materials=False)
    if not item.bookable:
        raise Conflict("该事项无需预约或暂不支持预约", code="ITEM_NOT_BOOKABLE")
    if slot.item_codes:
        ok = item_code in slot.item_codes
    else:
        ok = await catalog.hall_handles_item(hall_id=slot.hall_id, item_code=item_code)
    if not ok:
        raise Conflict("该时段不办理此事项，请选择其他时段或大厅", code="ITEM_NOT_IN_SLOT")
    return item


async def get_slot(*, hall_id: uuid.UUID | None, slot_id: uuid.UUID) -> Slot:
    qs = Slot.filter(id=slot_id)
    if hall_id is not None:
        qs = qs.filter(hall_id=hall_id)
    slot = await qs.first()
    if slot is None:
        raise NotFound("预约时段不存在", code="SLOT_NOT_FOUND")
    return slot


async def notify_person(*, account_id, title: str, body: str, appointment: Appointment | None = None,
                        status: str, tip: str, link: str = "", ref: str = "", hall_name: str = "",
                        kind: str = "appointment") -> None:
    """Inbox message plus the `appointment` subscribe message."""
    from app.notifications import service as notifications
    from app.notifications.templates import phrase, thing, time_value

    data = {"phrase4": phrase(status), "thing5": thing(tip)}
    if appointment is not None:
        data.update(thing1=thing(appointment.item_name or appointment.item_code), thing2=thing(hall_name or "政务服务大厅"),
                    time3=time_value(appointment.starts_at))
        link = link or f"/pages/appointments/detail?id={appointment.id}"
        ref = ref or str(appointment.id)
    await notifications.notify(account_id=account_id, kind=kind, title=title, body=body, link=link, ref=ref,
                               wechat={"template": "appointment", "data": data})


async def hall_name(hall_id) -> str:
    from app.catalog import service as catalog

    try:
        return (await catalog.get_hall(hall_id=hall_id)).name
    except NotFound:
        return ""
