from __future__ import annotations

from app.appointments import seed
from app.appointments.models import SlotRule
from app.core import clock
from tests.appointments.conftest import NOW
from tests.factories import make_hall


async def test_seed_rules_for_halls_is_idempotent(rt):
    clock.freeze(NOW)
    hall = await make_hall(windows={"A": 4, "B": 2, "D": 1})
    first = await seed.seed()
    second = await seed.seed()
    assert first == second and first["slot_rules"] == 2 and first["slots"] > 0
    rules = {r.window_group: r.capacity for r in await SlotRule.filter(hall_id=hall.id)}
    assert rules == {"A": 12, "B": 6}, "pickup windows (D) take no appointments"
