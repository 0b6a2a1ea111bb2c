"""Scheduled sweeps: no-shows (and the blocks they lead to), reminders, counter reconciliation."""

from __future__ import annotations

from datetime import timedelta

from app.appointments import counters
from app.appointments.models import Appointment, AppointmentStatus, BookingBlock, Slot, SlotStatus
from app.appointments.policy import policy
from app.appointments.service import common
from app.core import clock


async def mark_no_shows() -> dict[str, int]:
    """Bookings not checked in by slot end + grace become no_show; repeated ones block booking."""
    now = clock.now()
    due = await Appointment.filter(status=AppointmentStatus.BOOKED,
                                   ends_at__lt=now - timedelta(minutes=policy.no_show_grace_minutes))
    marked, blocked, warned = 0, 0, 0
    for appt in due:
        if not await Appointment.filter(id=appt.id, status=AppointmentStatus.BOOKED).update(
                status=AppointmentStatus.NO_SHOW, live=None, no_show_at=now):
            continue
        marked += 1
        since = now - timedelta(days=policy.no_show_window_days)
        recent = await Appointment.filter(principal_id=appt.principal_id, status=AppointmentStatus.NO_SHOW,
                                          ends_at__gte=since).count()
        hall = await common.hall_name(appt.hall_id)
        if recent >= policy.no_show_limit and await common.active_block(appt.principal_id) is None:
            until = now + timedelta(days=policy.block_days)
            await BookingBlock.create(principal_id=appt.principal_id, no_shows=recent, starts_at=now, until=until,
                                      reason=f"{policy.no_show_window_days} 天内 {recent} 次预约未到")
            blocked += 1
            await common.notify_person(
                account_id=appt.principal_id, title="预约服务已暂停",
                body=f"您在 {policy.no_show_window_days} 天内有 {recent} 次预约未按时到场，"
                     f"{common.local(until):%Y年%m月%d日}前不能在线预约。",
                appointment=appt, status="已暂停", tip=f"{common.local(until):%Y-%m-%d}后恢复", hall_name=hall)
        elif recent < policy.no_show_limit:
            warned += 1
            left = policy.no_show_limit - recent
            await common.notify_person(
                account_id=appt.principal_id, title="预约未到提醒",
                body=f"您预约的{appt.item_name}（{common.fmt(appt.starts_at)}）未按时签到，已记为爽约。"
                     f"{policy.no_show_window_days} 天内再爽约 {left} 次将暂停预约 {policy.block_days} 天。",
                appointment=appt, status="未到", tip="无法前往请提前取消", hall_name=hall)
    return {"no_show": marked, "blocked": blocked, "warned": warned}


async def send_reminders() -> dict[str, int]:
    """The day-before reminder (from the configured hour) and the one-hour reminder, each sent once."""
    now = clock.now()
    local_now = clock.local_now()
    sent = {"day_before": 0, "hour_before": 0}
    if local_now.hour >= policy.day_before_reminder_hour:
        tomorrow = clock.today() + timedelta(days=1)
        for appt in await Appointment.filter(status=AppointmentStatus.BOOKED, day=tomorrow,
                                             reminded_day_before_at=None):
            if await Appointment.filter(id=appt.id, reminded_day_before_at=None).update(reminded_day_before_at=now):
                await _remind(appt, "明天")
                sent["day_before"] += 1
    for appt in await Appointment.filter(status=AppointmentStatus.BOOKED, reminded_hour_before_at=None,
                                         starts_at__gt=now, starts_at__lte=now + timedelta(hours=1)):
        if await Appointment.filter(id=appt.id, reminded_hour_before_at=None).update(reminded_hour_before_at=now):
            await _remind(appt, "1小时后")
            sent["hour_before"] += 1
    return sent


async def _remind(appt: Appointment, when: str) -> None:
    from app.catalog import service as catalog

    hall = await catalog.get_hall(hall_id=appt.hall_id)
    await common.notify_person(
        account_id=appt.principal_id, title="预约办事提醒",
        body=f"您预约的{appt.item_name}将于{when}（{common.fmt(appt.starts_at)}）在{hall.name}办理，"
             f"地址：{hall.address}。请携带所需材料，到大厅后出示预约凭证签到。",
        appointment=appt, status="待办理", tip=f"请{when}按时到{hall.name}", hall_name=hall.name)


async def reconcile_counters() -> int:
    """Reset the Redis counters of today's and future open slots from the database (drift repair)."""
    fixed = 0
    for slot in await Slot.filter(day__gte=clock.today(), status=SlotStatus.OPEN):
        left = (await counters.read_many([slot.id]))[0]
        if left is not None and left != slot.capacity - slot.booked:
            await counters.put(slot_id=slot.id, left=slot.capacity - slot.booked)
            fixed += 1
    return fixed
