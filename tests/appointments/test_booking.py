from __future__ import annotations

from datetime import timedelta

import pytest

from app.appointments import counters, service
from app.appointments.models import Appointment, BookingBlock, Slot
from app.appointments.policy import policy
from app.core import clock
from app.core.errors import AppError
from tests.appointments.conftest import DAY
from tests.factories import auth_headers, make_account, make_bookable_item, make_slot


async def _book(w, person, slot=None, item=None, key=None):
    slot = slot or w.slot
    return await service.book(principal_id=person.id, actor_id=person.id, hall_id=w.hall.id,
                              item_code=(item or w.item).code, slot_id=slot.id, idempotency_key=key)


async def _left(slot_id) -> int | None:
    return (await counters.read_many([slot_id]))[0]


class TestBook:
    async def test_books_and_counts_in_db_and_redis(self, world):
        appt, created = await _book(world, world.alice)
        assert created and appt.status.value == "booked" and appt.principal_id == world.alice.id
        assert (await Slot.get(id=world.slot.id)).booked == 1
        assert await _left(world.slot.id) == 2

    async def test_counter_is_rebuilt_from_db_when_missing(self, world, redis):
        await _book(world, world.alice)
        await redis.delete(counters.left_key(world.slot.id))
        await _book(world, world.bob)
        assert await _left(world.slot.id) == 1 and (await Slot.get(id=world.slot.id)).booked == 2

    async def test_full_slot_sheds_with_slot_full(self, world):
        for _ in range(3):
            await _book(world, await make_account())
        with pytest.raises(AppError) as e:
            await _book(world, world.alice)
        assert e.value.code == "SLOT_FULL"
        assert (await Slot.get(id=world.slot.id)).booked == 3 and await _left(world.slot.id) == 0

    async def test_duplicate_same_item_same_day(self, world):
        await _book(world, world.alice)
        other_slot = await make_slot(hall=world.hall, day=DAY, start="10:00", end="10:30")
        with pytest.raises(AppError) as e:
            await _book(world, world.alice, slot=other_slot)
        assert e.value.code == "DUPLICATE_BOOKING"
        assert await _left(other_slot.id) == 5, "the place taken in Redis was given back"

    async def test_weekly_quota(self, world):
        policy.weekly_quota = 2
        items = [await make_bookable_item(halls=[world.hall]) for _ in range(3)]
        await _book(world, world.alice, item=items[0])
        await _book(world, world.alice, item=items[1])
        with pytest.raises(AppError) as e:
            await _book(world, world.alice, item=items[2])
        assert e.value.code == "QUOTA_EXCEEDED" and e.value.details == {"weekly_quota": 2}

    async def test_cut_off_and_window(self, world):
        clock.freeze(world.slot.starts_at - timedelta(minutes=policy.book_cutoff_minutes - 1))
        with pytest.raises(AppError) as e:
            await _book(world, world.alice)
        assert e.value.code == "BOOKING_CLOSED"
        far = await make_slot(hall=world.hall, day=DAY + timedelta(days=8))
        clock.freeze(world.slot.starts_at - timedelta(days=1))
        with pytest.raises(AppError) as e:
            await _book(world, world.alice, slot=far)
        assert e.value.code == "BOOKING_NOT_OPEN" and await _left(far.id) == 5

    async def test_blocked_person_gets_date_and_place_goes_back(self, world):
        until = clock.now() + timedelta(days=90)
        await BookingBlock.create(principal_id=world.alice.id, reason="x", no_shows=2, starts_at=clock.now(),
                                  until=until)
        with pytest.raises(AppError) as e:
            await _book(world, world.alice)
        assert e.value.code == "BOOKING_BLOCKED" and e.value.status == 403
        assert e.value.details["unblock_date"] == "2027-02-28" and "2027年02月28日" in e.value.message
        assert await _left(world.slot.id) == 3

    async def test_item_not_handled_at_hall(self, world):
        stranger = await make_bookable_item(halls=[world.other_hall])
        with pytest.raises(AppError) as e:
            await _book(world, world.alice, item=stranger)
        assert e.value.code == "ITEM_NOT_IN_SLOT" and await _left(world.slot.id) == 3


class TestIdempotency:
    async def test_same_key_same_appointment(self, world):
        first, created = await _book(world, world.alice, key="retry-key-0001")
        again, created_again = await _book(world, world.alice, key="retry-key-0001")
        assert created and not created_again and again.id == first.id
        assert await Appointment.all().count() == 1 and await _left(world.slot.id) == 2

    async def test_same_key_after_redis_lost_it(self, world, redis):
        first, _ = await _book(world, world.alice, key="retry-key-0002")
        await redis.delete(counters.idem_key(world.alice.id, "retry-key-0002"))
        again, created = await _book(world, world.alice, key="retry-key-0002")
        assert again.id == first.id and not created and await _left(world.slot.id) == 2

    async def test_same_key_other_body_is_409(self, world):
        await _book(world, world.alice, key="retry-key-0003")
        other = await make_slot(hall=world.hall, day=DAY, start="10:00", end="10:30")
        with pytest.raises(AppError) as e:
            await _book(world, world.alice, slot=other, key="retry-key-0003")
        assert e.value.code == "IDEMPOTENCY_KEY_REUSED" and e.value.status == 409

    async def test_api_replay(self, client, world):
        headers = {**await auth_headers(world.alice), "Idempotency-Key": "phone-retry-42"}
        body = {"hall_id": str(world.hall.id), "item_code": world.item.code, "slot_id": str(world.slot.id)}
        r1 = await client.post("/api/v1/appointments", json=body, headers=headers)
        r2 = await client.post("/api/v1/appointments", json=body, headers=headers)
        assert r1.status_code == 201 and r2.status_code == 201
        assert r1.json()["id"] == r2.json()["id"] and r2.headers["Idempotent-Replayed"] == "true"
        r3 = await client.post("/api/v1/appointments", json={**body, "item_code": "OTHER"}, headers=headers)
        assert r3.status_code == 409 and r3.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"


class TestCancel:
    async def test_cancel_returns_place_at_once(self, world):
        appt, _ = await _book(world, world.alice)
        done = await service.cancel(appointment_id=appt.id, account_id=world.alice.id)
        assert done.status.value == "cancelled" and done.live is None
        assert (await Slot.get(id=world.slot.id)).booked == 0 and await _left(world.slot.id) == 3
        again, created = await _book(world, world.alice)  # the same person may book again
        assert created and again.id != appt.id

    async def test_cut_off_one_hour_before(self, world):
        appt, _ = await _book(world, world.alice)
        clock.freeze(appt.starts_at - timedelta(minutes=59))
        with pytest.raises(AppError) as e:
            await service.cancel(appointment_id=appt.id, account_id=world.alice.id)
        assert e.value.code == "CANCEL_CLOSED"

    async def test_someone_elses_is_404(self, client, world):
        appt, _ = await _book(world, world.alice)
        r = await client.post(f"/api/v1/appointments/{appt.id}/cancel", headers=await auth_headers(world.bob))
        assert r.status_code == 404 and r.json()["error"]["code"] == "APPOINTMENT_NOT_FOUND"
        r = await client.get(f"/api/v1/appointments/{appt.id}", headers=await auth_headers(world.bob))
        assert r.status_code == 404
