"""At the hall: check-in by scanning the ticket (queue number), serving, today's queue."""

from __future__ import annotations

import uuid
from datetime import timedelta

from tortoise.exceptions import IntegrityError

from app.appointments import counters, tickets
from app.appointments.models import Appointment, AppointmentStatus
from app.appointments.policy import policy
from app.appointments.service import common
from app.core import clock
from app.core.crypto import mask_name
from app.core.errors import Conflict, Forbidden, NotFound

_STATE_ERRORS = {
    AppointmentStatus.CHECKED_IN: ("ALREADY_CHECKED_IN", "该预约已签到"),
    AppointmentStatus.SERVED: ("ALREADY_SERVED", "该预约已办理完毕"),
    AppointmentStatus.CANCELLED: ("APPOINTMENT_CANCELLED", "该预约已取消"),
    AppointmentStatus.NO_SHOW: ("APPOINTMENT_NO_SHOW", "该预约已过时未到（爽约）"),
}


def _check_hall(staff, appt: Appointment) -> None:
    if staff.hall_id is None or str(staff.hall_id) != str(appt.hall_id):
        raise Forbidden("该预约不属于本大厅，请到预约的大厅办理", code="WRONG_HALL")


async def _person_label(principal_id) -> str:
    from app.identity import service as identity

    try:
        account = await identity.get_account(account_id=principal_id)
    except NotFound:
        return ""
    return mask_name(account.real_name or account.display_name) or ""


async def desk_view(appt: Appointment) -> dict:
    """What the counter sees after a scan."""
    return {"id": str(appt.id), "status": appt.status.value, "queue_no": appt.queue_no,
            "item_code": appt.item_code, "item_name": appt.item_name, "window_group": appt.window_group,
            "starts_at": appt.starts_at.isoformat(), "ends_at": appt.ends_at.isoformat(),
            "person": await _person_label(appt.principal_id),
            "checked_in_at": appt.checked_in_at.isoformat() if appt.checked_in_at else None}


async def check_in_by_scan(*, payload: str, staff) -> tuple[str, dict]:
    """Check in the appointment a ticket QR names: validates it, gives a queue number (e.g. A023)."""
    appointment_id, _issued = tickets.verify(payload)
    appt = await Appointment.get_or_none(id=appointment_id)
    if appt is None:
        raise NotFound("预约不存在", code="APPOINTMENT_NOT_FOUND")
    _check_hall(staff, appt)
    if appt.status in _STATE_ERRORS:
        code, message = _STATE_ERRORS[appt.status]
        raise Conflict(message, code=code, details=await desk_view(appt))
    now = clock.now()
    if appt.day != clock.today():
        raise Conflict(f"该预约日期为 {appt.day.isoformat()}，不是今天", code="NOT_TODAY")
    if now < appt.starts_at - timedelta(minutes=policy.check_in_early_minutes):
        raise Conflict(f"请于 {common.fmt(appt.starts_at - timedelta(minutes=policy.check_in_early_minutes))} 后签到",
                       code="TOO_EARLY")
    if now > appt.ends_at + timedelta(minutes=policy.no_show_grace_minutes):
        raise Conflict("已超过预约时段，不能签到，请重新取号", code="TOO_LATE")
    for _attempt in range(3):
        n = await counters.next_queue_number(hall_id=appt.hall_id, day=appt.day, group=appt.window_group)
        queue_no = f"{appt.window_group}{n:03d}"
        try:
            done = await Appointment.filter(id=appt.id, status=AppointmentStatus.BOOKED).update(
                status=AppointmentStatus.CHECKED_IN, queue_no=queue_no, checked_in_at=now, checked_in_by=staff.id)
        except IntegrityError:
            # Redis lost its counter: continue after the highest number the database holds.
            await counters.raise_queue_floor(hall_id=appt.hall_id, day=appt.day, group=appt.window_group,
                                             floor=await _highest_number(appt))
            continue
        if not done:
            await appt.refresh_from_db()
            code, message = _STATE_ERRORS.get(appt.status, ("CONFLICT", "预约状态已变化"))
            raise Conflict(message, code=code, details=await desk_view(appt))
        await appt.refresh_from_db()
        return "appointment", await desk_view(appt)
    raise Conflict("排队号分配失败，请重试", code="QUEUE_NUMBER_RETRY")


async def _highest_number(appt: Appointment) -> int:
    numbers = await Appointment.filter(hall_id=appt.hall_id, day=appt.day, window_group=appt.window_group,
                                       queue_no__not_isnull=True).values_list("queue_no", flat=True)
    return max((int(q[len(appt.window_group):]) for q in numbers if q[len(appt.window_group):].isdigit()), default=0)


async def serve(*, appointment_id: uuid.UUID, staff) -> Appointment:
    """Window staff mark a checked-in appointment as served."""
    appt = await Appointment.get_or_none(id=appointment_id)
    if appt is None or staff.hall_id is None or str(appt.hall_id) != str(staff.hall_id):
        raise NotFound("预约不存在", code="APPOINTMENT_NOT_FOUND")
    if not await Appointment.filter(id=appt.id, status=AppointmentStatus.CHECKED_IN).update(
            status=AppointmentStatus.SERVED, served_at=clock.now(), served_by=staff.id):
        await appt.refresh_from_db()
        raise Conflict("只有已签到的预约才能标记为已办理", code="NOT_CHECKED_IN", details={"status": appt.status.value})
    await appt.refresh_from_db()
    return appt


async def today_queue(*, staff) -> list[dict]:
    """Today's checked-in and served appointments at the staff member's hall, in queue order."""
    if staff.hall_id is None:
        raise Forbidden("当前账号未绑定服务大厅", code="NO_HALL")
    rows = await Appointment.filter(hall_id=staff.hall_id, day=clock.today(), status__in=[
        AppointmentStatus.CHECKED_IN, AppointmentStatus.SERVED]).order_by("checked_in_at")
    return [await desk_view(a) for a in rows]
