from __future__ import annotations

from datetime import timedelta

import pytest

from app.appointments import counters, service
from app.appointments.models import Slot
from app.appointments.policy import policy
from app.core import clock
from app.core.errors import AppError
from app.notifications.models import Message
from tests.factories import auth_headers, make_account


async def _fill(w):
    people = [await make_account() for _ in range(w.slot.capacity)]
    appts = []
    for p in people:
        appts.append((await service.book(principal_id=p.id, actor_id=p.id, hall_id=w.hall.id,
                                         item_code=w.item.code, slot_id=w.slot.id))[0])
    return people, appts


class TestWaitlist:
    async def test_cancel_frees_a_seat_the_waitlist_fills(self, client, world):
        people, appts = await _fill(world)
        body = {"item_code": world.item.code}
        url = f"/api/v1/halls/{world.hall.id}/slots/{world.slot.id}/waitlist"
        r = await client.post(url, json=body, headers=await auth_headers(world.alice))
        assert r.status_code == 201 and r.json()["position"] == 1 and r.json()["status"] == "waiting"
        entry_id = r.json()["id"]
        r = await client.post(url, json=body, headers=await auth_headers(world.bob))
        assert r.json()["position"] == 2
        r = await client.post(url, json=body, headers=await auth_headers(world.alice))
        assert r.status_code == 409 and r.json()["error"]["code"] == "ALREADY_WAITLISTED"

        r = await client.post(f"/api/v1/appointments/{appts[0].id}/cancel", headers=await auth_headers(people[0]))
        assert r.status_code == 200 and r.json()["status"] == "cancelled"
        # the place is held for Alice: nobody else can take it
        slot = await Slot.get(id=world.slot.id)
        assert slot.booked == slot.capacity and (await counters.read_many([slot.id]))[0] == 0
        stranger = await make_account()
        r = await client.post("/api/v1/appointments", headers=await auth_headers(stranger), json={
            "hall_id": str(world.hall.id), "item_code": world.item.code, "slot_id": str(world.slot.id)})
        assert r.json()["error"]["code"] == "SLOT_FULL"
        assert await Message.exists(account_id=world.alice.id, title="候补成功，请确认预约")

        r = await client.get("/api/v1/waitlist", headers=await auth_headers(world.alice))
        assert r.json()["items"][0]["status"] == "offered"
        r = await client.post(f"/api/v1/waitlist/{entry_id}/confirm", headers=await auth_headers(world.bob))
        assert r.status_code == 404
        r = await client.post(f"/api/v1/waitlist/{entry_id}/confirm", headers=await auth_headers(world.alice))
        assert r.status_code == 201 and r.json()["status"] == "booked" and r.json()["ticket"]["payload"]
        slot = await Slot.get(id=world.slot.id)
        assert slot.booked == slot.capacity

    async def test_unconfirmed_offer_passes_to_next(self, world):
        people, appts = await _fill(world)
        first, _ = await service.join_waitlist(principal_id=world.alice.id, actor_id=world.alice.id,
                                               hall_id=world.hall.id, slot_id=world.slot.id, item_code=world.item.code)
        second, pos = await service.join_waitlist(principal_id=world.bob.id, actor_id=world.bob.id,
                                                  hall_id=world.hall.id, slot_id=world.slot.id,
                                                  item_code=world.item.code)
        assert pos == 2
        await service.cancel(appointment_id=appts[1].id, account_id=people[1].id)
        clock.advance(timedelta(minutes=policy.waitlist_confirm_minutes - 1))
        assert await service.expire_offers() == 0
        clock.advance(timedelta(minutes=2))
        assert await service.expire_offers() == 1
        await first.refresh_from_db()
        await second.refresh_from_db()
        assert first.status.value == "expired" and second.status.value == "offered"
        with pytest.raises(AppError) as e:
            await service.confirm_offer(entry_id=first.id, account_id=world.alice.id)
        assert e.value.code == "NO_OFFER"
        appt = await service.confirm_offer(entry_id=second.id, account_id=world.bob.id)
        assert appt.principal_id == world.bob.id

    async def test_last_offer_expiring_releases_the_place(self, world):
        people, appts = await _fill(world)
        entry, _ = await service.join_waitlist(principal_id=world.alice.id, actor_id=world.alice.id,
                                               hall_id=world.hall.id, slot_id=world.slot.id, item_code=world.item.code)
        await service.cancel(appointment_id=appts[0].id, account_id=people[0].id)
        await service.leave_waitlist(entry_id=entry.id, account_id=world.alice.id)
        slot = await Slot.get(id=world.slot.id)
        assert slot.booked == slot.capacity - 1 and (await counters.read_many([slot.id]))[0] == 1

    async def test_join_only_when_full(self, world):
        with pytest.raises(AppError) as e:
            await service.join_waitlist(principal_id=world.alice.id, actor_id=world.alice.id, hall_id=world.hall.id,
                                        slot_id=world.slot.id, item_code=world.item.code)
        assert e.value.code == "SLOT_AVAILABLE"
