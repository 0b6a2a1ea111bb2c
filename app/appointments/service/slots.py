"""Slot rules, slot generation over the rolling window, browsing with Redis counters, closures."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import orjson
from tortoise.exceptions import IntegrityError
from app.core.transactions import in_transaction

from app.appointments import counters
from app.appointments.models import (Appointment, AppointmentStatus, Slot, SlotRule, SlotStatus,
                                     WaitlistEntry, WaitlistStatus)
from app.appointments.policy import policy
from app.appointments.service.common import at_local, fmt, get_slot, notify_person
from app.core import clock, localcache, runtime
from app.core.errors import NotFound, ValidationFailed

SLOT_LIST_TTL = 30
# Each worker also keeps a day's rows this long (places left always come from the live counters):
# a slot closed or added in another worker shows there within this time.
SLOT_ROWS_NEAR_SECONDS = 2


def _list_key(hall_id, day: date) -> str:
    return f"appt:slots:{hall_id}:{day.isoformat()}"


async def _forget_lists(hall_id, days: list[date]) -> None:
    if days:
        await runtime.redis_client().delete(*[_list_key(hall_id, d) for d in days])
        for d in days:
            localcache.forget("appointments.slot_rows", (str(hall_id), d))


def _minutes(hhmm: str) -> int:
    h, m = (int(x) for x in hhmm.split(":"))
    return h * 60 + m


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def rule_times(rule: SlotRule) -> list[tuple[str, str]]:
    """The (start, end) local times of the slots a rule makes each day."""
    out = []
    for period in rule.periods:
        start, end = _minutes(period["start"]), _minutes(period["end"])
        while start + rule.slot_minutes <= end:
            out.append((_hhmm(start), _hhmm(start + rule.slot_minutes)))
            start += rule.slot_minutes
    return out


WORKING_WEEK = frozenset(range(5))


def rule_applies(rule: SlotRule, day: date) -> bool:
    """Whether a rule makes slots on a working day. A weekend day that is a working day (调休
    make-up day) keeps the ordinary working-day hours: the rules that cover Monday to Friday apply,
    besides any rule that names that day itself."""
    weekday = day.weekday()
    return weekday in rule.weekdays or (weekday >= 5 and WORKING_WEEK <= set(rule.weekdays))


# ---------------------------------------------------------------- rules


async def _validate_rule(hall_id: uuid.UUID, data: dict) -> None:
    from app.catalog import service as catalog

    hall = await catalog.get_hall(hall_id=hall_id)
    groups = {w.get("group") for w in hall.windows}
    if groups and data["window_group"] not in groups:
        raise ValidationFailed.field("window_group", f"该大厅没有 {data['window_group']} 组窗口")
    for i, p in enumerate(data["periods"]):
        if _minutes(p["start"]) + data["slot_minutes"] > _minutes(p["end"]):
            raise ValidationFailed.field(f"periods.{i}", "时间段短于一个号源时长")


async def list_rules(*, hall_id: uuid.UUID) -> list[SlotRule]:
    """A hall's slot rules."""
    from app.catalog import service as catalog

    await catalog.get_hall(hall_id=hall_id)
    return await SlotRule.filter(hall_id=hall_id).order_by("window_group", "created_at")


async def create_rule(*, hall_id: uuid.UUID, data: dict) -> SlotRule:
    """Add a slot rule and generate its slots for the window."""
    await _validate_rule(hall_id, data)
    rule = await SlotRule.create(hall_id=hall_id, **data)
    await generate_slots(hall_id=hall_id)
    return rule


async def update_rule(*, rule_id: uuid.UUID, data: dict) -> SlotRule:
    """Change a rule; future open slots follow (capacity never below what is already booked)."""
    rule = await SlotRule.get_or_none(id=rule_id)
    if rule is None:
        raise NotFound("号源规则不存在", code="RULE_NOT_FOUND")
    await _validate_rule(rule.hall_id, data)
    await rule.update_from_dict(data).save()
    await _retire_future_slots(rule)
    await generate_slots(hall_id=rule.hall_id)
    return rule


async def delete_rule(*, rule_id: uuid.UUID) -> None:
    """Deactivate a rule: its future slots without bookings go; booked ones stay."""
    rule = await SlotRule.get_or_none(id=rule_id)
    if rule is None:
        raise NotFound("号源规则不存在", code="RULE_NOT_FOUND")
    rule.active = False
    await rule.save(update_fields=["active", "updated_at"])
    await _retire_future_slots(rule)


async def _retire_future_slots(rule: SlotRule) -> None:
    """Drop future unbooked slots of a changed rule (regenerated from the new rule), resize the rest."""
    now = clock.now()
    future = Slot.filter(rule_id=rule.id, starts_at__gt=now)
    days = sorted(set(await future.values_list("day", flat=True)))
    ids = await future.filter(booked=0).values_list("id", flat=True)
    if ids:
        await WaitlistEntry.filter(slot_id__in=ids).delete()
        await Slot.filter(id__in=ids, booked=0).delete()
    if rule.active:
        times = set(rule_times(rule))
        for slot in await Slot.filter(rule_id=rule.id, starts_at__gt=now):
            key = (slot.starts_at.astimezone(clock.SHANGHAI).strftime("%H:%M"),
                   slot.ends_at.astimezone(clock.SHANGHAI).strftime("%H:%M"))
            if key in times:
                capacity = max(rule.capacity, slot.booked)
                await Slot.filter(id=slot.id).update(capacity=capacity, item_codes=rule.item_codes)
                fresh = await Slot.get(id=slot.id)
                await counters.put(slot_id=slot.id, left=fresh.capacity - fresh.booked)
    await _forget_lists(rule.hall_id, days)


# ---------------------------------------------------------------- generation


async def generate_slots(*, hall_id: uuid.UUID | None = None, days: int | None = None) -> dict[str, int]:
    """Create the slots of every active rule from today to the end of the booking window; days that
    are not working days (holidays) get no slots and any open ones are closed; make-up working days
    on a weekend get the working-day slots (`rule_applies`)."""
    from app.calendar import service as calendar

    now, today = clock.now(), clock.today()
    rules_qs = SlotRule.filter(active=True)
    if hall_id is not None:
        rules_qs = rules_qs.filter(hall_id=hall_id)
    rules = await rules_qs
    created = closed = 0
    touched: dict[uuid.UUID, set[date]] = {}
    for offset in range((days if days is not None else policy.window_days) + 1):
        day = today + timedelta(days=offset)
        if not await calendar.is_workday(day=day):
            halls = {r.hall_id for r in rules}
            for h in halls:
                if await Slot.exists(hall_id=h, day=day, status=SlotStatus.OPEN):
                    closed += (await close_day(hall_id=h, day=day, reason="法定节假日休息"))["slots"]
            continue
        for rule in rules:
            if not rule_applies(rule, day):
                continue
            existing = set(await Slot.filter(hall_id=rule.hall_id, window_group=rule.window_group, day=day)
                           .values_list("starts_at", flat=True))
            for start, end in rule_times(rule):
                starts_at = at_local(day, start)
                if starts_at <= now or starts_at in existing:
                    continue
                try:
                    await Slot.create(hall_id=rule.hall_id, rule_id=rule.id, window_group=rule.window_group,
                                      item_codes=rule.item_codes, day=day, starts_at=starts_at,
                                      ends_at=at_local(day, end), capacity=rule.capacity)
                except IntegrityError:
                    continue  # another scheduler run made it
                created += 1
                touched.setdefault(rule.hall_id, set()).add(day)
    for h, ds in touched.items():
        await _forget_lists(h, sorted(ds))
    return {"created": created, "closed": closed}


# ---------------------------------------------------------------- browsing


async def ensure_counter(*, slot_id: uuid.UUID) -> int:
    """(Re)build a slot's Redis counter from the database; returns the places left."""
    slot = await get_slot(hall_id=None, slot_id=slot_id)
    left = 0 if slot.status == SlotStatus.CLOSED else slot.capacity - slot.booked
    await counters.seed(slot_id=slot.id, left=left)
    return left


async def _slot_rows(hall_id: uuid.UUID, day: date) -> list[dict]:
    """A hall's slots of a day (kept briefly in Redis and in the worker: browsing never counts rows
    in the database); each call gets its own copies of the rows."""
    rows = await localcache.cached("appointments.slot_rows", (str(hall_id), day), ttl=SLOT_ROWS_NEAR_SECONDS,
                                   load=lambda: _shared_slot_rows(hall_id, day))
    return [dict(row) for row in rows]


async def _shared_slot_rows(hall_id: uuid.UUID, day: date) -> list[dict]:
    from app.catalog import service as catalog

    r = runtime.redis_client()
    cached = await r.get(_list_key(hall_id, day))
    if cached is not None:
        return orjson.loads(cached)
    slots = await Slot.filter(hall_id=hall_id, day=day).order_by("starts_at", "window_group")
    hall_items = None
    rows = []
    for s in slots:
        items = s.item_codes
        if not items:
            if hall_items is None:
                hall_items = await catalog.hall_item_codes(hall_id=hall_id)
            items = hall_items
        rows.append({"id": str(s.id), "window_group": s.window_group, "items": items,
                     "starts_at": s.starts_at.isoformat(), "ends_at": s.ends_at.isoformat(),
                     "capacity": s.capacity, "status": s.status.value,
                     "left": 0 if s.status == SlotStatus.CLOSED else s.capacity - s.booked})
    await r.set(_list_key(hall_id, day), orjson.dumps(rows), ex=SLOT_LIST_TTL)
    return rows


async def list_slots(*, hall_id: uuid.UUID, day: date, item_code: str | None) -> list[dict]:
    """A hall's slots of a day for an item, with places left from the Redis counters."""
    from app.catalog import service as catalog

    hall = await catalog.get_hall(hall_id=hall_id)
    if item_code is not None:
        await catalog.get_item(code=item_code, with_materials=False)
    rows = [r for r in await _slot_rows(hall.id, day) if item_code is None or item_code in r["items"]]
    lefts = await counters.read_many([r["id"] for r in rows])
    for row, left in zip(rows, lefts):
        if left is None:
            await counters.seed(slot_id=row["id"], left=row["left"])
            left = (await counters.read_many([row["id"]]))[0]
        row["remaining"] = max(0, int(left if left is not None else row["left"]))
    groups = {w.get("group"): w.get("name", "") for w in hall.windows}
    cutoff = clock.now() + timedelta(minutes=policy.book_cutoff_minutes)
    from app.appointments.service.common import last_bookable_day

    open_day = day <= last_bookable_day()
    for row in rows:
        row["window_name"] = groups.get(row["window_group"], "")
        row["bookable"] = (row["status"] == "open" and open_day and row["remaining"] > 0
                           and datetime.fromisoformat(row["starts_at"]) > cutoff)
    return rows


# ---------------------------------------------------------------- closures


async def close_day(*, hall_id: uuid.UUID, day: date, reason: str) -> dict[str, int]:
    """Close a hall's day: slots closed, live bookings cancelled and their holders notified."""
    from app.catalog import service as catalog

    hall = await catalog.get_hall(hall_id=hall_id)
    now = clock.now()
    async with in_transaction():
        slot_ids = await Slot.filter(hall_id=hall_id, day=day).values_list("id", flat=True)
        n_slots = await Slot.filter(id__in=slot_ids, status=SlotStatus.OPEN).update(
            status=SlotStatus.CLOSED, closed_reason=reason[:128])
        affected = await Appointment.filter(slot_id__in=slot_ids, status=AppointmentStatus.BOOKED)
        await Appointment.filter(id__in=[a.id for a in affected], status=AppointmentStatus.BOOKED).update(
            status=AppointmentStatus.CANCELLED, live=None, cancelled_at=now, cancel_reason="hall_closed")
        waiting = await WaitlistEntry.filter(slot_id__in=slot_ids, live=1)
        await WaitlistEntry.filter(id__in=[w.id for w in waiting]).update(status=WaitlistStatus.CANCELLED, live=None)
        await Slot.filter(id__in=slot_ids).update(booked=0)
    for slot_id in slot_ids:
        await counters.put(slot_id=slot_id, left=0)
    for appt in affected:
        await counters.unmark_booked(principal_id=appt.principal_id, item_code=appt.item_code, slot_id=appt.slot_id)
    await _forget_lists(hall_id, [day])
    for appt in affected:
        await notify_person(account_id=appt.principal_id, title="预约已取消（大厅休息）",
                            body=f"因{reason}，{hall.name} {day.isoformat()} 暂停办理，您预约的{appt.item_name}"
                                 f"（{fmt(appt.starts_at)}）已取消，请另行预约。",
                            appointment=appt, status="已取消", tip=reason, hall_name=hall.name)
    for entry in waiting:
        await notify_person(account_id=entry.principal_id, title="候补已取消（大厅休息）",
                            body=f"因{reason}，{hall.name} {day.isoformat()} 暂停办理，您的候补已取消。",
                            status="已取消", tip=reason, ref=str(entry.id), hall_name=hall.name)
    return {"slots": n_slots, "cancelled": len(affected), "waitlist_cancelled": len(waiting)}
