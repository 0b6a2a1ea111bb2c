"""Working days (工作日) by the State Council calendar: weekends off, holidays off, 调休 days on.

Every time limit (promised days, deemed acceptance, rectification deadlines) counts these."""

from __future__ import annotations

import time
from datetime import date, timedelta

from app.core.transactions import in_transaction

from app.calendar.models import CalendarDay
from app.core.errors import ValidationFailed

# Per process, re-read every RELOAD_SECONDS: a year loaded through another worker counts here soon after.
RELOAD_SECONDS = 60
_now = time.monotonic  # tests move it
_cache: tuple[float, dict[date, bool]] | None = None


async def _exceptions() -> dict[date, bool]:
    global _cache
    now = _now()
    if _cache is None or _cache[0] <= now:
        _cache = (now + RELOAD_SECONDS, {row.day: row.is_workday for row in await CalendarDay.all()})
    return _cache[1]


def invalidate() -> None:
    global _cache
    _cache = None


async def is_workday(*, day: date) -> bool:
    """Whether `day` is a working day."""
    special = (await _exceptions()).get(day)
    if special is not None:
        return special
    return day.weekday() < 5


async def add_workdays(*, start: date, days: int) -> date:
    """The date `days` working days after `start` (start itself not counted)."""
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if await is_workday(day=current):
            left -= 1
    return current


async def workdays_between(*, start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (negative when end is earlier)."""
    if end < start:
        return -await workdays_between(start=end, end=start)
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if await is_workday(day=current):
            count += 1
    return count


async def load_year(*, data: dict) -> dict[str, int]:
    """Load one year's official notice (holidays + make-up workdays); replaces that year's entries."""
    try:
        year = int(data["year"])
        holidays = [(date.fromisoformat(d), h["name"]) for h in data["holidays"] for d in h["dates"]]
        workdays = [date.fromisoformat(d) for d in data.get("make_up_workdays", [])]
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationFailed.field("year", "节假日数据格式不正确") from exc
    if any(d.year != year for d, _ in holidays) or any(d.year != year for d in workdays):
        raise ValidationFailed.field("holidays", "日期须属于同一年度")
    async with in_transaction():
        await CalendarDay.filter(day__gte=date(year, 1, 1), day__lte=date(year, 12, 31)).delete()
        for day, name in holidays:
            await CalendarDay.create(day=day, is_workday=False, name=name)
        for day in workdays:
            await CalendarDay.create(day=day, is_workday=True, name="调休上班")
    invalidate()
    return {"holidays": len(holidays), "make_up_workdays": len(workdays)}
