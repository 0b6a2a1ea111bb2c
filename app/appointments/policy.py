"""Booking policy, configurable through APPT_* environment variables (tests change `policy` directly)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class AppointmentPolicy(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APPT_", extra="ignore", frozen=False)

    window_days: int = Field(7, ge=1, le=60, description="slots are generated and bookable this many days ahead")
    opens_at: str = Field("08:00", description="local time at which a new day's slots open for booking")
    book_cutoff_minutes: int = Field(30, ge=0, description="booking closes this long before the slot starts")
    cancel_cutoff_minutes: int = Field(60, ge=0, description="cancelling closes this long before the slot starts")
    weekly_quota: int = Field(2, ge=1, description="live bookings per person per ISO week")
    check_in_early_minutes: int = Field(60, ge=0)
    no_show_grace_minutes: int = Field(15, ge=0)
    no_show_limit: int = Field(2, ge=1, description="no-shows within no_show_window_days that block booking")
    no_show_window_days: int = Field(30, ge=1)
    block_days: int = Field(90, ge=1)
    waitlist_confirm_minutes: int = Field(30, ge=1)
    waitlist_max_factor: int = Field(3, ge=1, description="waitlist length limit, as a multiple of capacity")
    day_before_reminder_hour: int = Field(18, ge=0, le=23, description="local hour the day-before reminder goes out")
    person_lock_ms: int = Field(10_000, ge=100)


policy = AppointmentPolicy()
