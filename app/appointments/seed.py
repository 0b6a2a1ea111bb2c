"""Slot rules for the demo halls (every window group except pickup counters) and their slots."""

from __future__ import annotations

from app.appointments.models import Slot, SlotRule
from app.appointments.service.slots import generate_slots

PERIODS = [{"start": "09:00", "end": "12:00"}, {"start": "13:30", "end": "17:30"}]
PICKUP_GROUPS = {"D"}  # 出件 windows take no appointments
PER_WINDOW = 3  # places per window per 30-minute slot


async def seed() -> dict[str, int]:
    from app.catalog import service as catalog

    for hall in await catalog.halls_by_codes():
        groups: dict[str, int] = {}
        for w in hall.windows:
            groups[w.get("group", "A")] = groups.get(w.get("group", "A"), 0) + 1
        for group, windows in sorted(groups.items()):
            if group in PICKUP_GROUPS:
                continue
            await SlotRule.update_or_create(hall_id=hall.id, window_group=group, name="工作日", defaults={
                "item_codes": [], "weekdays": [0, 1, 2, 3, 4], "periods": PERIODS, "slot_minutes": 30,
                "capacity": windows * PER_WINDOW, "active": True})
    await generate_slots()
    return {"slot_rules": await SlotRule.all().count(), "slots": await Slot.all().count()}
