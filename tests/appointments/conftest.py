from __future__ import annotations

from datetime import date, datetime

import pytest_asyncio

from app.appointments.policy import AppointmentPolicy, policy
from app.core import clock
from tests.factories import make_account, make_hall, make_bookable_item, make_slot

# Monday 30 November 2026, 10:00 in Shanghai: a working day; slots below are on Tuesday 1 December.
NOW = datetime(2026, 11, 30, 10, 0)
DAY = date(2026, 12, 1)


@pytest_asyncio.fixture
async def world(rt):
    """A hall with two counter staff of its own and one of another hall, an item, and a slot tomorrow."""
    defaults = AppointmentPolicy()
    clock.freeze(NOW)
    hall, other = await make_hall(), await make_hall()
    item = await make_bookable_item(halls=[hall, other])
    slot = await make_slot(hall=hall, day=DAY, capacity=3)

    class W:
        pass

    w = W()
    w.hall, w.other_hall, w.item, w.slot = hall, other, item, slot
    w.staff = await make_account("counter", hall_id=hall.id)
    w.other_staff = await make_account("counter", hall_id=other.id)
    w.alice = await make_account(real_name="张晓明")
    w.bob = await make_account()
    yield w
    for name in AppointmentPolicy.model_fields:
        setattr(policy, name, getattr(defaults, name))
