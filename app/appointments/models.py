"""Appointments at service halls: slot rules, generated slots, bookings, waitlist and no-show blocks."""

from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model


class AppointmentStatus(str, Enum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    SERVED = "served"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


LIVE_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN, AppointmentStatus.SERVED)


class SlotStatus(str, Enum):
    OPEN = "open"
    CLOSED = "closed"


class WaitlistStatus(str, Enum):
    WAITING = "waiting"
    OFFERED = "offered"  # a freed place is held for this entry until offer_expires_at
    CONFIRMED = "confirmed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class SlotRule(Model):
    """A slot rule of a hall and window group: weekdays, time periods, slot length and capacity."""

    id = fields.UUIDField(primary_key=True)
    hall_id = fields.UUIDField(db_index=True)
    window_group = fields.CharField(max_length=8)  # the hall's window group, e.g. "A"
    name = fields.CharField(max_length=64, default="")
    item_codes = fields.JSONField(default=list)  # empty: every bookable item the hall handles
    weekdays = fields.JSONField(default=list)  # 0 = Monday … 6 = Sunday
    periods = fields.JSONField(default=list)  # [{"start": "09:00", "end": "12:00"}, …]
    slot_minutes = fields.SmallIntField(default=30)
    capacity = fields.IntField(default=10)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "appointment_slot_rule"


class Slot(Model):
    """One bookable time slot with its capacity and the number of places taken (booked)."""

    id = fields.UUIDField(primary_key=True)
    hall_id = fields.UUIDField()
    rule_id = fields.UUIDField(null=True)
    window_group = fields.CharField(max_length=8)
    item_codes = fields.JSONField(default=list)  # copied from the rule; empty means any item of the hall
    day = fields.DateField()
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    capacity = fields.IntField()
    booked = fields.IntField(default=0)  # live appointments plus places held for the waitlist
    status = fields.CharEnumField(SlotStatus, max_length=8, default=SlotStatus.OPEN)
    closed_reason = fields.CharField(max_length=128, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "appointment_slot"
        unique_together = (("hall_id", "window_group", "starts_at"),)
        indexes = (("hall_id", "day"),)


class Appointment(Model):
    """A booking of one slot for one service item by one person (principal), made by an actor."""

    id = fields.UUIDField(primary_key=True)
    slot: fields.ForeignKeyRelation[Slot] = fields.ForeignKeyField(
        "models.Slot", related_name="appointments", on_delete=fields.RESTRICT)
    hall_id = fields.UUIDField()
    item_code = fields.CharField(max_length=64)
    item_name = fields.CharField(max_length=128, default="")
    window_group = fields.CharField(max_length=8)
    day = fields.DateField()
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    principal_id = fields.UUIDField(db_index=True)  # the person the booking is for
    actor_id = fields.UUIDField()  # who made it (the principal, or an agent acting on behalf)
    delegation_id = fields.UUIDField(null=True)  # X-On-Behalf-Of, when an agent booked
    status = fields.CharEnumField(AppointmentStatus, max_length=16, default=AppointmentStatus.BOOKED)
    # 1 while the booking is live, NULL afterwards: with NULLs distinct, the unique constraint
    # below allows one live booking per person, item and day on SQLite and PostgreSQL alike.
    live = fields.SmallIntField(null=True, default=1)
    idempotency_key = fields.CharField(max_length=64, null=True)
    request_hash = fields.CharField(max_length=64, null=True)
    queue_no = fields.CharField(max_length=8, null=True)
    checked_in_at = fields.DatetimeField(null=True)
    checked_in_by = fields.UUIDField(null=True)
    served_at = fields.DatetimeField(null=True)
    served_by = fields.UUIDField(null=True)
    cancelled_at = fields.DatetimeField(null=True)
    cancel_reason = fields.CharField(max_length=32, null=True)  # resident|hall_closed
    no_show_at = fields.DatetimeField(null=True)
    reminded_day_before_at = fields.DatetimeField(null=True)
    reminded_hour_before_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "appointment"
        unique_together = (("principal_id", "item_code", "day", "live"), ("actor_id", "idempotency_key"),
                           ("hall_id", "day", "queue_no"))
        indexes = (("status", "ends_at"), ("status", "starts_at"), ("principal_id", "day"))


class WaitlistEntry(Model):
    """A person waiting for a place in a full slot, first come first offered."""

    id = fields.UUIDField(primary_key=True)
    slot: fields.ForeignKeyRelation[Slot] = fields.ForeignKeyField(
        "models.Slot", related_name="waitlist", on_delete=fields.CASCADE)
    item_code = fields.CharField(max_length=64)
    principal_id = fields.UUIDField(db_index=True)
    actor_id = fields.UUIDField()
    delegation_id = fields.UUIDField(null=True)
    status = fields.CharEnumField(WaitlistStatus, max_length=16, default=WaitlistStatus.WAITING)
    live = fields.SmallIntField(null=True, default=1)  # 1 while waiting or offered
    offered_at = fields.DatetimeField(null=True)
    offer_expires_at = fields.DatetimeField(null=True)
    appointment_id = fields.UUIDField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "appointment_waitlist"
        unique_together = (("slot_id", "principal_id", "live"),)
        indexes = (("slot_id", "status", "created_at"), ("status", "offer_expires_at"))


class BookingBlock(Model):
    """A period in which a person may not book, after repeated no-shows."""

    id = fields.UUIDField(primary_key=True)
    principal_id = fields.UUIDField(db_index=True)
    reason = fields.CharField(max_length=128)
    no_shows = fields.SmallIntField(default=0)
    starts_at = fields.DatetimeField()
    until = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "appointment_block"
