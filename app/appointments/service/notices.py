"""The person's message when a booking is made or cancelled: an inbox message and the `appointment`
subscribe message, written by a task queued after the booking's transaction commits."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from app.appointments import tickets
from app.appointments.models import Appointment
from app.appointments.policy import policy
from app.appointments.service import common
from app.core.errors import NotFound
from app.core.transactions import after_commit

log = logging.getLogger("sjt.appointments")

BOOKED, CANCELLED = "booked", "cancelled"
KINDS = {BOOKED: "appointment_booked", CANCELLED: "appointment_cancelled"}


async def queue(*, appointment_id: uuid.UUID, event: str) -> None:
    """Once the current transaction commits (at once without one), queue the message about `event`
    (booked or cancelled). A queue that is down costs the message, never the booking."""
    async def kick() -> None:
        from app.appointments.tasks import notify_appointment

        try:
            await notify_appointment.kiq(str(appointment_id), event)
        except Exception as exc:  # the booking has committed: answer it, log the lost message
            log.warning("appointment message not queued (%s): %s", event, type(exc).__name__)

    await after_commit(kick)


def window_text(hall, group: str) -> str:
    """The counter windows of a window group, e.g. "A01–A10号窗口" (the group itself when the hall lists none)."""
    names = [w.get("no", "") for w in (hall.windows or []) if w.get("group") == group and w.get("no")]
    if not names:
        return f"{group}区窗口"
    return (f"{names[0]}–{names[-1]}" if len(names) > 2 else "、".join(names)) + "号窗口"


async def _by_agent(appt: Appointment) -> str:
    if appt.actor_id == appt.principal_id:
        return ""
    from app.identity import service as identity

    try:
        agent = await identity.get_account(account_id=appt.actor_id)
    except NotFound:
        return "（由代办员代为办理）"
    return f"（由代办员{agent.display_name}代为办理）"


async def send(*, appointment_id: uuid.UUID | str, event: str) -> str:
    """Write the principal's message about `event` once (a retried task does not write a second one)."""
    from app.catalog import service as catalog
    from app.notifications import service as notifications

    appt = await Appointment.get_or_none(id=appointment_id)
    if appt is None:
        return "skipped"
    kind = KINDS[event]
    if await notifications.exists(account_id=appt.principal_id, kind=kind, ref=str(appt.id)):
        return "skipped"
    hall = await catalog.get_hall(hall_id=appt.hall_id)
    windows = window_text(hall, appt.window_group)
    when = f"{common.fmt(appt.starts_at)}–{common.local(appt.ends_at):%H:%M}"
    by_agent = await _by_agent(appt)
    if event == BOOKED:
        code = tickets.sign(appointment_id=appt.id, issued_at=appt.created_at)
        cutoff = common.fmt(appt.starts_at - timedelta(minutes=policy.cancel_cutoff_minutes))
        await common.notify_person(
            account_id=appt.principal_id, kind=kind, title="预约成功",
            body=f"您已预约{appt.item_name}{by_agent}。时间：{when}；地点：{hall.name}（{hall.address}）"
                 f"{windows}；预约凭证码：{code}。请携带所需材料按时到场，在窗口出示预约凭证二维码签到；"
                 f"如需取消，请在 {cutoff} 前操作。",
            appointment=appt, status="预约成功", tip=f"请到{windows}办理", hall_name=hall.name)
    else:
        await common.notify_person(
            account_id=appt.principal_id, kind=kind, title="预约已取消",
            body=f"您预约的{appt.item_name}（{hall.name}{windows}，{when}）已取消{by_agent}，预约凭证随之失效。"
                 f"如仍需办理，请重新预约。",
            appointment=appt, status="已取消", tip="可重新预约其他时段", hall_name=hall.name)
    return "sent"
