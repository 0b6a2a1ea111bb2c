"""Injectable time: services ask the clock, tests move it."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
_offset = timedelta(0)
_frozen: datetime | None = None


def now() -> datetime:
    """The current time in UTC (aware)."""
    if _frozen is not None:
        return _frozen
    return datetime.now(timezone.utc) + _offset


def local_now() -> datetime:
    return now().astimezone(SHANGHAI)


def today() -> date:
    """Today's date in Asia/Shanghai, where every hall is."""
    return local_now().date()


def freeze(at: datetime | None) -> None:
    """Freeze time at `at` (None unfreezes). Tests only."""
    global _frozen
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=SHANGHAI)
    _frozen = at.astimezone(timezone.utc) if at is not None else None


def advance(delta: timedelta) -> None:
    """Move time forward (tests only)."""
    global _offset, _frozen
    if _frozen is not None:
        _frozen += delta
    else:
        _offset += delta


def reset() -> None:
    global _offset, _frozen
    _offset, _frozen = timedelta(0), None
