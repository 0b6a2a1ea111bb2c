"""Scheduled work for applications."""

from __future__ import annotations

from app.core.queue import broker


@broker.task(task_name="applications.deem_accepted", schedule=[{"cron": "*/30 * * * *"}])
async def deem_accepted() -> int:
    """依法视为受理: accept submitted cases left undecided for 5 working days."""
    from app.applications.service import deem_overdue_acceptances

    return await deem_overdue_acceptances()
