from __future__ import annotations

from datetime import date

from app.appointments import counters, service
from app.appointments.models import Appointment, Slot, SlotRule
from app.calendar import service as calendar
from app.notifications.models import Message
from tests.appointments.conftest import DAY
from tests.factories import auth_headers, make_account, make_bookable_item

RULE = {"window_group": "B", "name": "工作日上午", "weekdays": [0, 1, 2, 3, 4],
        "periods": [{"start": "09:00", "end": "10:00"}], "slot_minutes": 30, "capacity": 4}


class TestGenerateSlots:
    async def test_rolling_window_weekdays_only(self, world):
        await SlotRule.create(hall_id=world.hall.id, **{**RULE, "item_codes": []})
        result = await service.generate_slots(hall_id=world.hall.id)
        # Mon 30 Nov 10:00 → Mon 7 Dec: Tue–Fri + Mon = 5 working days × 2 slots (today's are past)
        days = sorted(set(await Slot.filter(hall_id=world.hall.id, capacity=4).values_list("day", flat=True)))
        assert result["created"] == 10 and days[0] == DAY and days[-1] == date(2026, 12, 7)
        assert all(d.weekday() < 5 for d in days)
        assert (await service.generate_slots(hall_id=world.hall.id))["created"] == 0, "idempotent"

    async def test_a_make_up_saturday_gets_the_working_day_slots(self, world):
        await SlotRule.create(hall_id=world.hall.id, **{**RULE, "item_codes": []})
        await SlotRule.create(hall_id=world.hall.id, **{**RULE, "window_group": "C", "name": "周三下午",
                                                        "weekdays": [2], "item_codes": []})
        saturday = date(2026, 12, 5)
        await calendar.load_year(data={"year": 2026, "holidays": [], "make_up_workdays": [saturday.isoformat()]})
        try:
            await service.generate_slots(hall_id=world.hall.id)
            groups = await Slot.filter(hall_id=world.hall.id, day=saturday).values_list("window_group", flat=True)
            assert sorted(groups) == ["B", "B"]  # the Monday–Friday rule; not the Wednesday-only one
            assert not await Slot.exists(hall_id=world.hall.id, day=date(2026, 12, 6))  # an ordinary Sunday
        finally:
            calendar.invalidate()

    async def test_holiday_gets_no_slots_and_open_ones_close(self, world):
        await SlotRule.create(hall_id=world.hall.id, **{**RULE, "item_codes": []})
        await service.generate_slots(hall_id=world.hall.id)
        appt, _ = await service.book(principal_id=world.alice.id, actor_id=world.alice.id, hall_id=world.hall.id,
                                     item_code=world.item.code, slot_id=world.slot.id)
        await calendar.load_year(data={"year": 2026, "holidays": [{"name": "测试假日", "dates": ["2026-12-01"]}]})
        try:
            await service.generate_slots(hall_id=world.hall.id)
            assert not await Slot.exists(day=DAY, status="open")
            await appt.refresh_from_db()
            assert appt.status.value == "cancelled" and appt.cancel_reason == "hall_closed"
            assert await Message.exists(account_id=world.alice.id, title="预约已取消（大厅休息）")
        finally:
            calendar.invalidate()


class TestBrowse:
    async def test_remaining_from_redis_and_rebuilt_when_missing(self, client, world, redis):
        await service.book(principal_id=world.alice.id, actor_id=world.alice.id, hall_id=world.hall.id,
                           item_code=world.item.code, slot_id=world.slot.id)
        url = f"/api/v1/halls/{world.hall.id}/slots"
        r = await client.get(url, params={"item": world.item.code, "date": DAY.isoformat()})
        assert r.status_code == 200
        [s] = r.json()["items"]
        assert s["remaining"] == 2 and s["capacity"] == 3 and s["bookable"] and s["window_name"] == "综合受理"
        await redis.delete(counters.left_key(world.slot.id))
        r = await client.get(url, params={"item": world.item.code, "date": DAY.isoformat()})
        assert r.json()["items"][0]["remaining"] == 2
        # the counter, not a database count, is what browsing shows
        await redis.set(counters.left_key(world.slot.id), 1)
        r = await client.get(url, params={"item": world.item.code, "date": DAY.isoformat()})
        assert r.json()["items"][0]["remaining"] == 1

    async def test_a_slot_closed_in_another_worker_shows_within_the_near_time(self, client, world, redis,
                                                                              monkeypatch):
        from app.appointments.models import Slot, SlotStatus
        from app.appointments.service import slots as slot_service
        from app.core import localcache

        url = f"/api/v1/halls/{world.hall.id}/slots"
        params = {"item": world.item.code, "date": DAY.isoformat()}
        assert (await client.get(url, params=params)).json()["items"][0]["status"] == "open"
        # what a closure in another worker leaves behind: the row changed, the shared list dropped
        await Slot.filter(id=world.slot.id).update(status=SlotStatus.CLOSED)
        await redis.delete(slot_service._list_key(world.hall.id, DAY))
        assert (await client.get(url, params=params)).json()["items"][0]["status"] == "open"
        later = localcache._now() + slot_service.SLOT_ROWS_NEAR_SECONDS + 1
        monkeypatch.setattr(localcache, "_now", lambda: later)
        assert (await client.get(url, params=params)).json()["items"][0]["status"] == "closed"

    async def test_other_items_and_bad_input(self, client, world):
        other = await make_bookable_item(halls=[world.other_hall])
        url = f"/api/v1/halls/{world.hall.id}/slots"
        r = await client.get(url, params={"item": other.code, "date": DAY.isoformat()})
        assert r.status_code == 200 and r.json()["items"] == []
        r = await client.get(url, params={"date": "2026-13-01"})
        assert r.status_code == 422
        r = await client.get(url, params={"item": "NOPE", "date": DAY.isoformat()})
        assert r.status_code == 404 and r.json()["error"]["code"] == "ITEM_NOT_FOUND"


class TestAdmin:
    async def test_rules_crud_and_roles(self, client, world):
        admin = await make_account("admin")
        h = await auth_headers(admin)
        url = f"/api/v1/halls/{world.hall.id}/slot-rules"
        r = await client.post(url, json=RULE, headers=await auth_headers(world.alice))
        assert r.status_code == 403
        r = await client.post(url, json={**RULE, "window_group": "Z"}, headers=h)
        assert r.status_code == 422
        r = await client.post(url, json=RULE, headers=h)
        assert r.status_code == 201
        rule_id = r.json()["id"]
        assert await Slot.filter(rule_id=rule_id).count() == 10
        r = await client.put(f"/api/v1/slot-rules/{rule_id}", json={**RULE, "capacity": 6}, headers=h)
        assert r.status_code == 200 and r.json()["capacity"] == 6
        assert set(await Slot.filter(rule_id=rule_id).values_list("capacity", flat=True)) == {6}
        r = await client.get(url, headers=h)
        assert [x["id"] for x in r.json()["items"]] == [rule_id]
        r = await client.delete(f"/api/v1/slot-rules/{rule_id}", headers=h)
        assert r.status_code == 204 and not await Slot.exists(rule_id=rule_id)

    async def test_close_day_cancels_and_notifies(self, client, world):
        appt, _ = await service.book(principal_id=world.alice.id, actor_id=world.alice.id, hall_id=world.hall.id,
                                     item_code=world.item.code, slot_id=world.slot.id)
        admin = await make_account("admin")
        r = await client.post(f"/api/v1/halls/{world.hall.id}/closures",
                              json={"date": DAY.isoformat(), "reason": "系统升级停止办理"}, headers=await auth_headers(admin))
        assert r.status_code == 200 and r.json() == {"slots": 1, "cancelled": 1, "waitlist_cancelled": 0}
        await appt.refresh_from_db()
        assert appt.status.value == "cancelled"
        msg = await Message.get(account_id=world.alice.id, kind="appointment")  # besides the booking message
        assert "系统升级停止办理" in msg.body and msg.ref == str(appt.id)
        assert (await counters.read_many([world.slot.id]))[0] == 0
        r = await client.post("/api/v1/appointments", headers=await auth_headers(world.bob), json={
            "hall_id": str(world.hall.id), "item_code": world.item.code, "slot_id": str(world.slot.id)})
        assert r.status_code == 409 and r.json()["error"]["code"] == "SLOT_FULL"
        assert await Appointment.filter(live=1).count() == 0
