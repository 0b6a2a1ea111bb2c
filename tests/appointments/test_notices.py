"""The person's message when a booking is made or cancelled: one inbox message (and the subscribe
message) for the principal, never for the agent who booked, and none for a booking that failed."""

from __future__ import annotations

import pytest

from app.appointments import counters, service
from app.appointments.service import notices
from app.core.errors import AppError
from app.notifications.models import Message
from tests.agents.test_delegations import _delegation, _resident
from tests.factories import auth_headers, make_account, make_agent, make_slot
from tests.appointments.conftest import DAY

API = "/api/v1"


async def _book(w, person, slot=None, actor=None, delegation=None):
    slot = slot or w.slot
    appt, _ = await service.book(principal_id=person.id, actor_id=(actor or person).id, hall_id=w.hall.id,
                                 item_code=w.item.code, slot_id=slot.id,
                                 delegation_id=delegation.id if delegation else None)
    return appt


async def _messages(account, kind: str | None = None) -> list[Message]:
    qs = Message.filter(account_id=account.id)
    if kind:
        qs = qs.filter(kind=kind)
    return await qs


class TestBooked:
    async def test_one_message_with_hall_window_time_and_voucher(self, client, world, sim):
        body = {"hall_id": str(world.hall.id), "item_code": world.item.code, "slot_id": str(world.slot.id)}
        r = await client.post(f"{API}/appointments", json=body, headers=await auth_headers(world.alice))
        assert r.status_code == 201, r.text
        appt = r.json()
        [message] = await _messages(world.alice)
        assert message.kind == "appointment_booked" and message.ref == appt["id"] and message.title == "预约成功"
        assert world.hall.name in message.body and "A01、A02号窗口" in message.body
        assert "2026-12-01 09:00–09:30" in message.body
        assert appt["ticket"]["payload"] in message.body  # the voucher code the counter scans
        assert message.link == f"/pages/appointments/detail?id={appt['id']}"
        sent = sim.get("dev/messages", params={"touser": world.alice.openid}).json()["messages"]
        [wechat] = [m for m in sent if m["template_id"] == "SJT-TPL-APPOINTMENT"]
        assert wechat["data"]["phrase4"]["value"] == "预约成功"
        assert wechat["data"]["thing2"]["value"] == world.hall.name[:20]
        assert wechat["data"]["time3"]["value"] == "2026-12-01 09:00"
        assert wechat["data"]["thing5"]["value"] == "请到A01、A02号窗口办理"
        inbox = await client.get(f"{API}/messages", headers=await auth_headers(world.alice))
        assert [m["title"] for m in inbox.json()["items"]] == ["预约成功"]

    async def test_idempotent_replay_sends_nothing_more(self, client, world):
        body = {"hall_id": str(world.hall.id), "item_code": world.item.code, "slot_id": str(world.slot.id)}
        headers = {**await auth_headers(world.alice), "Idempotency-Key": "book-once-12345"}
        for _ in range(2):
            assert (await client.post(f"{API}/appointments", json=body, headers=headers)).status_code == 201
        assert len(await _messages(world.alice)) == 1

    async def test_booked_by_an_agent_goes_to_the_principal_only(self, client, world):
        agent = await make_agent(display_name="赵丽")
        resident = await _resident()
        delegation = await _delegation(agent, resident, items=[world.item.code])
        before = await Message.filter(account_id=resident.id).count()  # the delegation's own message
        body = {"hall_id": str(world.hall.id), "item_code": world.item.code, "slot_id": str(world.slot.id)}
        r = await client.post(f"{API}/appointments", json=body,
                              headers={**await auth_headers(agent), "X-On-Behalf-Of": str(delegation.id)})
        assert r.status_code == 201, r.text
        [message] = await _messages(resident, "appointment_booked")
        assert message.ref == r.json()["id"] and "代办员赵丽" in message.body
        assert await Message.filter(account_id=resident.id).count() == before + 1
        assert await _messages(agent) == []

    async def test_full_slot_writes_no_message(self, world):
        full = await make_slot(hall=world.hall, day=DAY, start="11:00", end="11:30", capacity=1)
        await _book(world, world.bob, slot=full)
        with pytest.raises(AppError) as e:
            await _book(world, world.alice, slot=full)
        assert e.value.code == "SLOT_FULL"
        assert await _messages(world.alice) == []
        assert len(await _messages(world.bob, "appointment_booked")) == 1

    async def test_full_in_the_database_rolls_back_the_message_too(self, world):
        """Redis still shows a place (drift), the database refuses: the transaction and its message go."""
        full = await make_slot(hall=world.hall, day=DAY, start="11:00", end="11:30", capacity=1)
        await _book(world, world.bob, slot=full)
        await counters.put(slot_id=full.id, left=1)
        with pytest.raises(AppError) as e:
            await _book(world, world.alice, slot=full)
        assert e.value.code == "SLOT_FULL"
        assert await _messages(world.alice) == []

    async def test_confirming_a_waitlist_offer_is_a_booking_too(self, world):
        full = await make_slot(hall=world.hall, day=DAY, start="11:00", end="11:30", capacity=1)
        taken = await _book(world, world.bob, slot=full)
        entry, _ = await service.join_waitlist(principal_id=world.alice.id, actor_id=world.alice.id,
                                               hall_id=world.hall.id, slot_id=full.id, item_code=world.item.code)
        await service.cancel(appointment_id=taken.id, account_id=world.bob.id)
        appt = await service.confirm_offer(entry_id=entry.id, account_id=world.alice.id)
        [message] = await _messages(world.alice, "appointment_booked")
        assert message.ref == str(appt.id)

    async def test_a_retried_task_writes_once(self, world):
        appt = await _book(world, world.alice)
        assert await notices.send(appointment_id=appt.id, event=notices.BOOKED) == "skipped"
        assert len(await _messages(world.alice)) == 1

    async def test_a_queue_that_is_down_does_not_fail_the_booking(self, world, monkeypatch):
        from app.appointments import tasks

        async def down(*args, **kwargs):
            raise ConnectionError("broker unreachable")

        monkeypatch.setattr(tasks.notify_appointment, "kiq", down)
        appt = await _book(world, world.alice)
        assert appt.status.value == "booked" and await _messages(world.alice) == []
        assert await counters.read_many([world.slot.id]) == [2]  # the place stays taken


class TestCancelled:
    async def test_resident_cancel_notifies_once(self, client, world):
        appt = await _book(world, world.alice)
        r = await client.post(f"{API}/appointments/{appt.id}/cancel", headers=await auth_headers(world.alice))
        assert r.status_code == 200, r.text
        [message] = await _messages(world.alice, "appointment_cancelled")
        assert message.ref == str(appt.id) and message.title == "预约已取消" and world.hall.name in message.body
        r = await client.post(f"{API}/appointments/{appt.id}/cancel", headers=await auth_headers(world.alice))
        assert r.status_code == 409
        assert len(await _messages(world.alice, "appointment_cancelled")) == 1

    async def test_agent_cancel_tells_the_principal(self, client, world):
        agent = await make_agent()
        resident = await _resident()
        delegation = await _delegation(agent, resident, items=[world.item.code])
        appt = await _book(world, resident, actor=agent, delegation=delegation)
        r = await client.post(f"{API}/appointments/{appt.id}/cancel",
                              headers={**await auth_headers(agent), "X-On-Behalf-Of": str(delegation.id)})
        assert r.status_code == 200, r.text
        assert len(await _messages(resident, "appointment_cancelled")) == 1
        assert await _messages(agent) == []

    async def test_refused_cancel_writes_nothing(self, client, world):
        appt = await _book(world, world.alice)
        stranger = await make_account()
        r = await client.post(f"{API}/appointments/{appt.id}/cancel", headers=await auth_headers(stranger))
        assert r.status_code == 404
        assert await _messages(world.alice, "appointment_cancelled") == []
