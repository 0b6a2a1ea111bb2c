from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.appointments import service
from app.appointments.models import Appointment
from app.appointments.policy import policy
from app.core import clock
from app.core.errors import AppError
from app.notifications.models import Message
from tests.appointments.conftest import DAY
from tests.factories import make_bookable_item, make_slot


async def _book(w, person, slot, item=None):
    appt, _ = await service.book(principal_id=person.id, actor_id=person.id, hall_id=w.hall.id,
                                 item_code=(item or w.item).code, slot_id=slot.id)
    return appt


class TestNoShows:
    async def test_warn_then_block_then_unblock_on_time(self, world):
        first = await _book(world, world.alice, world.slot)
        clock.freeze(first.ends_at + timedelta(minutes=policy.no_show_grace_minutes - 1))
        assert (await service.mark_no_shows())["no_show"] == 0
        clock.freeze(first.ends_at + timedelta(minutes=policy.no_show_grace_minutes + 1))
        assert await service.mark_no_shows() == {"no_show": 1, "blocked": 0, "warned": 1}
        await first.refresh_from_db()
        assert first.status.value == "no_show" and first.live is None
        warning = await Message.get(account_id=world.alice.id, title="预约未到提醒")
        assert "再爽约 1 次" in warning.body

        # a second no-show within 30 days (a week later) blocks booking for 90 days
        day2 = DAY + timedelta(days=7)
        clock.freeze(datetime(2026, 12, 7, 12, 0))
        slot2 = await make_slot(hall=world.hall, day=day2)
        second = await _book(world, world.alice, slot2)
        clock.freeze(second.ends_at + timedelta(hours=1))
        assert (await service.mark_no_shows())["blocked"] == 1
        blocked_at = clock.now()
        assert await Message.exists(account_id=world.alice.id, title="预约服务已暂停")

        slot3 = await make_slot(hall=world.hall, day=day2 + timedelta(days=2))
        with pytest.raises(AppError) as e:
            await _book(world, world.alice, slot3)
        until = blocked_at + timedelta(days=90)
        assert e.value.code == "BOOKING_BLOCKED"
        assert e.value.details["unblock_date"] == until.astimezone(clock.SHANGHAI).date().isoformat()

        clock.freeze(until - timedelta(minutes=1))
        later = await make_slot(hall=world.hall, day=clock.today() + timedelta(days=2))
        with pytest.raises(AppError):
            await _book(world, world.alice, later)
        clock.freeze(until + timedelta(minutes=1))
        appt = await _book(world, world.alice, later)
        assert appt.status.value == "booked"

    async def test_checked_in_and_cancelled_are_not_no_shows(self, world):
        a = await _book(world, world.alice, world.slot)
        b = await _book(world, world.bob, world.slot)
        await service.cancel(appointment_id=b.id, account_id=world.bob.id)
        clock.freeze(a.starts_at)
        from app.appointments import tickets

        await service.check_in_by_scan(payload=tickets.sign(appointment_id=a.id, issued_at=a.created_at),
                                       staff=world.staff)
        clock.freeze(a.ends_at + timedelta(hours=2))
        assert (await service.mark_no_shows())["no_show"] == 0


class TestReminders:
    async def test_day_before_and_hour_before_each_once(self, world):
        appt = await _book(world, world.alice, world.slot)  # booked Mon 10:00 for Tue 09:00
        assert await service.send_reminders() == {"day_before": 0, "hour_before": 0}
        clock.freeze(datetime(2026, 11, 30, 18, 5))
        assert await service.send_reminders() == {"day_before": 1, "hour_before": 0}
        assert await service.send_reminders() == {"day_before": 0, "hour_before": 0}
        clock.freeze(appt.starts_at - timedelta(minutes=55))
        assert await service.send_reminders() == {"day_before": 0, "hour_before": 1}
        assert await service.send_reminders() == {"day_before": 0, "hour_before": 0}
        messages = await Message.filter(account_id=world.alice.id, title="预约办事提醒").order_by("created_at")
        assert len(messages) == 2 and "明天" in messages[0].body and "1小时后" in messages[1].body
        assert world.hall.address in messages[0].body and messages[0].wechat["template"] == "appointment"

    async def test_tasks_run_through_the_broker(self, world):
        from app.appointments import tasks

        item = await make_bookable_item(halls=[world.hall])
        appt = await _book(world, world.bob, world.slot, item=item)
        clock.freeze(appt.ends_at + timedelta(hours=1))
        await (await tasks.mark_no_shows.kiq()).wait_result(timeout=5)
        assert (await Appointment.get(id=appt.id)).status.value == "no_show"
