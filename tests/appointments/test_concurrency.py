"""The morning rush: 500 people and one impatient person (50 taps) at a 50-seat slot."""

from __future__ import annotations

import asyncio
from collections import Counter

from app.appointments import counters, service
from app.appointments.models import Appointment, Slot
from app.core.errors import AppError
from app.identity.models import Account, Role
from tests.appointments.conftest import DAY
from tests.factories import auth_headers, make_account, make_slot

PEOPLE, SEATS, SAME_PERSON_TAPS = 500, 50, 50
SHED = {"SLOT_FULL", "BOOKING_IN_PROGRESS", "DUPLICATE_BOOKING"}


async def _crowd(n: int) -> list[Account]:
    accounts = [Account(role=Role.RESIDENT, openid=f"rush-{i}-{id(object())}", display_name=f"排队{i}")
                for i in range(n)]
    await Account.bulk_create(accounts)
    return list(await Account.filter(openid__startswith="rush-").order_by("openid"))


async def _assert_exact(slot: Slot, impatient: Account) -> None:
    rows = await Appointment.filter(slot_id=slot.id)
    assert len(rows) == SEATS
    per_person = Counter(a.principal_id for a in rows)
    assert max(per_person.values()) == 1, "nobody is booked twice"
    fresh = await Slot.get(id=slot.id)
    assert fresh.booked == SEATS == fresh.capacity
    left = (await counters.read_many([slot.id]))[0]
    assert left == fresh.capacity - fresh.booked == 0, "Redis and the database agree"
    assert per_person.get(impatient.id, 0) <= 1


class TestRushThroughService:
    async def test_exactly_capacity(self, world):
        slot = await make_slot(hall=world.hall, day=DAY, start="09:30", end="10:00", capacity=SEATS)
        crowd = await _crowd(PEOPLE)
        impatient = await make_account()

        async def attempt(person: Account):
            try:
                appt, _ = await service.book(principal_id=person.id, actor_id=person.id, hall_id=world.hall.id,
                                             item_code=world.item.code, slot_id=slot.id)
                return appt.id
            except AppError as exc:
                return exc.code

        attempts = [attempt(p) for p in crowd] + [attempt(impatient) for _ in range(SAME_PERSON_TAPS)]
        results = await asyncio.gather(*attempts)
        made = [r for r in results if not isinstance(r, str)]
        assert len(made) == SEATS and len(set(made)) == SEATS
        assert {r for r in results if isinstance(r, str)} <= SHED
        await _assert_exact(slot, impatient)


class TestRushThroughApi:
    async def test_exactly_capacity(self, client, world):
        slot = await make_slot(hall=world.hall, day=DAY, start="10:00", end="10:30", capacity=SEATS)
        crowd = await _crowd(PEOPLE)
        impatient = await make_account()
        headers = [await auth_headers(p) for p in crowd]
        impatient_headers = await auth_headers(impatient)
        body = {"hall_id": str(world.hall.id), "item_code": world.item.code, "slot_id": str(slot.id)}
        calls = [client.post("/api/v1/appointments", json=body, headers=h) for h in headers]
        calls += [client.post("/api/v1/appointments", json=body,
                              headers={**impatient_headers, "Idempotency-Key": f"tap-{i:04d}-impatient"})
                  for i in range(SAME_PERSON_TAPS)]
        responses = await asyncio.gather(*calls)
        statuses = Counter(r.status_code for r in responses)
        assert statuses[201] == SEATS and set(statuses) <= {201, 409}, statuses
        assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} <= SHED
        await _assert_exact(slot, impatient)
