"""The official working-day calendar: public holidays and make-up workdays (调休), per year."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class CalendarDay(Model):
    """A date that differs from the Monday–Friday rule: a holiday (off) or a make-up workday (on)."""

    day = fields.DateField(primary_key=True)
    is_workday = fields.BooleanField()
    name = fields.CharField(max_length=32, default="")

    class Meta:
        table = "calendar_day"
