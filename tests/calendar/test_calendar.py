from __future__ import annotations

from datetime import date

import pytest

from app.calendar import service
from app.core.errors import ValidationFailed
from app.seed import load_json


@pytest.fixture
async def calendar2026(rt):
    await service.load_year(data=load_json("holidays-cn-2026.json"))
    yield
    service.invalidate()


class TestIsWorkday:
    async def test_holiday_weekend_and_makeup_saturday(self, calendar2026):
        assert await service.is_workday(day=date(2026, 10, 1)) is False  # 国庆
        assert await service.is_workday(day=date(2026, 10, 10)) is True  # 调休 Saturday
        assert await service.is_workday(day=date(2026, 11, 28)) is False  # plain Saturday
        assert await service.is_workday(day=date(2026, 11, 25)) is True


class TestAddWorkdays:
    async def test_across_national_day_and_makeup(self, calendar2026):
        # Wed 30 Sep + 3 working days: Oct 1–7 off, Thu 8, Fri 9, Sat 10 Oct (调休上班)
        assert await service.add_workdays(start=date(2026, 9, 30), days=3) == date(2026, 10, 10)
        # + 4: Sun 11 Oct is off again, so Mon 12 Oct
        assert await service.add_workdays(start=date(2026, 9, 30), days=4) == date(2026, 10, 12)

    async def test_workdays_between(self, calendar2026):
        assert await service.workdays_between(start=date(2026, 9, 30), end=date(2026, 10, 12)) == 4


class TestLoadYear:
    async def test_rejects_mixed_years(self, rt):
        with pytest.raises(ValidationFailed):
            await service.load_year(data={"year": 2027, "holidays": [{"name": "x", "dates": ["2026-01-01"]}]})


class TestOtherWorkers:
    async def test_a_year_loaded_elsewhere_counts_here_after_the_reload_interval(self, rt, monkeypatch):
        from app.calendar.models import CalendarDay

        now = [5000.0]
        monkeypatch.setattr(service, "_now", lambda: now[0])
        service.invalidate()
        day = date(2027, 2, 8)  # a plain Monday, then declared a holiday by another worker
        assert await service.is_workday(day=day) is True
        await CalendarDay.create(day=day, is_workday=False, name="春节")  # as another worker's load_year
        assert await service.is_workday(day=day) is True  # this worker's copy, for now
        now[0] += service.RELOAD_SECONDS + 1
        assert await service.is_workday(day=day) is False
        service.invalidate()
