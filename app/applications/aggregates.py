"""Aggregates of applications for the statistics domain."""

from __future__ import annotations

from app.applications import workflow
from app.applications.models import Application, Status
from app.calendar import service as calendar
from app.core import clock


async def status_counts() -> dict[str, dict]:
    """Applications (drafts excluded) by status, and by department then status."""
    by_status: dict[str, int] = {}
    by_department: dict[str, dict[str, int]] = {}
    rows = await Application.exclude(status=Status.DRAFT).values_list("department", "status")
    for department, status in rows:
        status = Status(status).value
        by_status[status] = by_status.get(status, 0) + 1
        dept = by_department.setdefault(department, {})
        dept[status] = dept.get(status, 0) + 1
    return {"by_status": by_status, "by_department": by_department}


async def overdue_count(*, today=None) -> int:
    """Open cases (submitted, accepted, approved) past their deadline."""
    today = today or clock.today()
    return await Application.filter(status__in=list(workflow.OPEN_STATES), deadline__lt=today).count()


async def completed_processing_days() -> list[int]:
    """Working days from acceptance to completion of every completed case that was accepted."""
    from app.core.clock import SHANGHAI

    days = []
    for accepted_at, completed_at in await Application.filter(
            status=Status.COMPLETED, accepted_at__isnull=False, completed_at__isnull=False
    ).values_list("accepted_at", "completed_at"):
        days.append(await calendar.workdays_between(start=accepted_at.astimezone(SHANGHAI).date(),
                                                    end=completed_at.astimezone(SHANGHAI).date()))
    return days
