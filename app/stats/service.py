"""Statistics for administrators, read through the other domains' aggregate functions."""

from __future__ import annotations

from app.applications import aggregates
from app.catalog import service as catalog
from app.catalog.constants import LEVEL_NAMES, LEVELS
from app.core import clock
from app.feedback import service as feedback
from app.stats.schemas import (DepartmentCount, LevelShare, OverviewOut, ProcessingTime, RectificationCounts,
                               Satisfaction)

# 三晋通办 plan: share of items handled online (网办深度 ≥ 3) by level.
TARGETS = {"province": 0.9, "city": 0.8, "county": 0.8}


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


async def overview() -> OverviewOut:
    """One picture: online share by level against the plan, cases by status and department, average
    processing time, overdue cases, satisfaction and rectifications."""
    today = clock.today()
    shares = await catalog.online_share_by_level()
    levels = []
    for level in LEVELS:
        counts = shares.get(level, {"total": 0, "online": 0})
        share = _ratio(counts["online"], counts["total"]) or 0.0
        target = TARGETS.get(level)
        levels.append(LevelShare(level=level, level_label=LEVEL_NAMES[level], total=counts["total"],
                                 online=counts["online"], share=share, target=target,
                                 meets_target=None if target is None or not counts["total"] else share >= target))
    counts = await aggregates.status_counts()
    departments = sorted(counts["by_department"].items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    days = await aggregates.completed_processing_days()
    ratings = await feedback.rating_counts()
    total_ratings = sum(ratings.values())
    satisfied = ratings.get(4, 0) + ratings.get(5, 0)
    return OverviewOut(
        as_of=today, online_by_level=levels, applications_by_status=counts["by_status"],
        applications_by_department=[DepartmentCount(department=d, total=sum(s.values()), by_status=s)
                                    for d, s in departments],
        processing_time=ProcessingTime(completed_cases=len(days),
                                       average_workdays=round(sum(days) / len(days), 2) if days else None),
        overdue=await aggregates.overdue_count(today=today),
        satisfaction=Satisfaction(ratings=total_ratings, satisfied=satisfied, rate=_ratio(satisfied, total_ratings),
                                  by_score={str(k): v for k, v in sorted(ratings.items())}),
        rectifications=RectificationCounts(**await feedback.rectification_counts(today=today)))
