"""Appointment services (预约取号): slots, booking, waitlist, the hall desk and scheduled sweeps.

Other domains use these through `from app.appointments import service as appointments`."""

from app.appointments.service.booking import book, booked_on, cancel, get_appointment, list_appointments
from app.appointments.service.common import active_block
from app.appointments.service.desk import check_in_by_scan, serve, today_queue
from app.appointments.service.slots import (close_day, create_rule, delete_rule, ensure_counter, generate_slots,
                                            list_rules, list_slots, update_rule)
from app.appointments.service.sweeps import mark_no_shows, reconcile_counters, send_reminders
from app.appointments.service.waitlist import confirm as confirm_offer
from app.appointments.service.waitlist import expire_offers, get_entry, join as join_waitlist
from app.appointments.service.waitlist import leave as leave_waitlist
from app.appointments.service.waitlist import list_entries as list_waitlist
from app.appointments.service.waitlist import position as waitlist_position

__all__ = [
    "book", "booked_on", "cancel", "get_appointment", "list_appointments", "active_block", "check_in_by_scan", "serve",
    "today_queue", "close_day", "create_rule", "delete_rule", "ensure_counter", "generate_slots", "list_rules",
    "list_slots", "update_rule", "mark_no_shows", "reconcile_counters", "send_reminders", "confirm_offer",
    "expire_offers", "get_entry", "join_waitlist", "leave_waitlist", "list_waitlist", "waitlist_position",
]
