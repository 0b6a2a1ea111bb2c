"""Redis side of slot capacity: a counter of places left per slot, a per-person booking lock and
queue numbers. The database stays the source of truth; a missing counter is rebuilt from it."""

from __future__ import annotations

import uuid
from datetime import date

from app.core import runtime

# KEYS: [places left, person lock, person already holds this slot for the item]; ARGV: [lock token, lock ttl ms]
# Returns  n >= 0: a place was taken, n left · -1: full · -2: counter missing · -3: person busy
#          -4: duplicate (the database stays the judge: the marker only sheds early)
_TAKE = """
if redis.call('EXISTS', KEYS[3]) == 1 then return -4 end
local left = redis.call('GET', KEYS[1])
if not left then return -2 end
if tonumber(left) <= 0 then return -1 end
if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) == false then return -3 end
return redis.call('DECR', KEYS[1])
"""
# Give a place back (only to a counter that exists: a missing one is rebuilt from the database).
_GIVE = """
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCR', KEYS[1]) end
return -2
"""
_UNLOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""
_LOCK = "local ok = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) if ok then return 1 end return 0"

FULL, MISSING, BUSY, DUPLICATE = -1, -2, -3, -4
COUNTER_TTL = 14 * 24 * 3600


def left_key(slot_id: uuid.UUID | str) -> str:
    return f"appt:left:{slot_id}"


def person_key(principal_id: uuid.UUID | str) -> str:
    return f"appt:person:{principal_id}"


def queue_key(hall_id: uuid.UUID | str, day: date, group: str) -> str:
    return f"appt:queue:{hall_id}:{day.isoformat()}:{group}"


def idem_key(actor_id: uuid.UUID | str, key: str) -> str:
    return f"appt:idem:{actor_id}:{key}"


def booked_key(principal_id, item_code: str, slot_id) -> str:
    return f"appt:has:{slot_id}:{principal_id}:{item_code}"


async def take(*, slot_id, principal_id, item_code: str, token: str, lock_ms: int) -> int:
    r = runtime.redis_client()
    marker = booked_key(principal_id, item_code, slot_id)
    return int(await r.eval(_TAKE, 3, left_key(slot_id), person_key(principal_id), marker, token, lock_ms))


async def mark_booked(*, principal_id, item_code: str, slot_id) -> None:
    await runtime.redis_client().set(booked_key(principal_id, item_code, slot_id), 1, ex=COUNTER_TTL)


async def unmark_booked(*, principal_id, item_code: str, slot_id) -> None:
    await runtime.redis_client().delete(booked_key(principal_id, item_code, slot_id))


async def give_back(*, slot_id) -> int:
    return int(await runtime.redis_client().eval(_GIVE, 1, left_key(slot_id)))


async def lock_person(*, principal_id, token: str, lock_ms: int) -> bool:
    return bool(int(await runtime.redis_client().eval(_LOCK, 1, person_key(principal_id), token, lock_ms)))


async def unlock_person(*, principal_id, token: str) -> None:
    await runtime.redis_client().eval(_UNLOCK, 1, person_key(principal_id), token)


async def seed(*, slot_id, left: int) -> None:
    """Create a missing counter (NX: a concurrent rebuild or booking wins)."""
    await runtime.redis_client().set(left_key(slot_id), max(0, left), nx=True, ex=COUNTER_TTL)


async def put(*, slot_id, left: int) -> None:
    """Overwrite a counter (after a closure or a reconciliation)."""
    await runtime.redis_client().set(left_key(slot_id), max(0, left), ex=COUNTER_TTL)


async def read_many(slot_ids: list) -> list[int | None]:
    if not slot_ids:
        return []
    values = await runtime.redis_client().mget([left_key(s) for s in slot_ids])
    return [None if v is None else int(v) for v in values]


async def next_queue_number(*, hall_id, day: date, group: str) -> int:
    r = runtime.redis_client()
    key = queue_key(hall_id, day, group)
    n = await r.incr(key)
    if n == 1:
        await r.expire(key, 2 * 24 * 3600)
    return int(n)


async def raise_queue_floor(*, hall_id, day: date, group: str, floor: int) -> None:
    """After Redis lost a counter: continue after the highest number the database already holds."""
    r = runtime.redis_client()
    key = queue_key(hall_id, day, group)
    current = await r.get(key)
    if current is None or int(current) < floor:
        await r.set(key, floor, ex=2 * 24 * 3600)
