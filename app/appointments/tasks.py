"""Scheduled appointment work: each task is a thin call into a service function."""

from __future__ import annotations

from app.core.queue import broker


@broker.task(task_name="appointments.generate_slots", schedule=[{"cron": "5 * * * *"}])
async def generate_slots() -> dict:
    from app.appointments import service

    return await service.generate_slots()


@broker.task(task_name="appointments.mark_no_shows", schedule=[{"cron": "*/5 * * * *"}])
async def mark_no_shows() -> dict:
    from app.appointments import service

    return await service.mark_no_shows()


@broker.task(task_name="appointments.expire_waitlist_offers", schedule=[{"cron": "* * * * *"}])
async def expire_waitlist_offers() -> int:
    from app.appointments import service

    return await service.expire_offers()


@broker.task(task_name="appointments.send_reminders", schedule=[{"cron": "*/5 * * * *"}])
async def send_reminders() -> dict:
    from app.appointments import service

    return await service.send_reminders()


@broker.task(task_name="appointments.reconcile_counters", schedule=[{"cron": "30 3 * * *"}])
async def reconcile_counters() -> int:
    from app.appointments import service

    return await service.reconcile_counters()


@broker.task(task_name="appointments.notify", retry_on_error=True, max_retries=5)
async def notify_appointment(appointment_id: str, event: str) -> str:
    """The person's message about a booking made or cancelled (queued after commit)."""
    from app.appointments.service import notices

    return await notices.send(appointment_id=appointment_id, event=event)
