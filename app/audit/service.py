"""Audit trail services: `record(...)` for every domain, the admin reader, chain verification and
retention.

Every event stores the previous event's hash and its own hash over a canonical form of its
content, so editing or deleting a stored event breaks `verify_chain()`. Appends are serialised by a
unique, gap-free `seq` (the database decides which of two concurrent writers gets a number; the
loser re-reads the head and retries), so the chain never forks, across workers too. Retention
archives the oldest events to storage and leaves a checkpoint holding the hash the remaining chain
continues from."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
from contextlib import suppress
from datetime import datetime, timedelta, timezone
from typing import Any

import orjson
from tortoise.exceptions import IntegrityError, OperationalError, TransactionManagementError
from app.core.transactions import in_transaction

from app.audit.models import AuditCheckpoint, AuditEvent
from app.core import clock, runtime
from app.core.logging import request_id_var
from app.core.pagination import paginate

log = logging.getLogger("sjt.audit")

GENESIS = "0" * 64
_locks: dict[int, asyncio.Lock] = {}


def _lock() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    lock = _locks.get(id(loop))
    if lock is None:
        _locks.clear()  # a new event loop (tests); locks of a closed loop are useless
        lock = _locks[id(loop)] = asyncio.Lock()
    return lock


def _ts(value: datetime) -> str:
    return value.astimezone(timezone.utc).isoformat(timespec="microseconds")


def event_hash(*, seq: int, prev_hash: str, actor_id: str | None, on_behalf_of: str | None, action: str,
               target_type: str, target_id: str, outcome: str, ip: str, request_id: str,
               details: dict, created_at: datetime) -> str:
    """SHA-256 over the canonical JSON of an event's content and its predecessor's hash."""
    canonical = orjson.dumps({
        "seq": seq, "prev": prev_hash, "actor": actor_id, "obo": on_behalf_of, "action": action,
        "target_type": target_type, "target_id": target_id, "outcome": outcome, "ip": ip,
        "request_id": request_id, "details": details, "at": _ts(created_at),
    }, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(canonical).hexdigest()


def _hash_of(e: AuditEvent) -> str:
    return event_hash(seq=e.seq, prev_hash=e.prev_hash, actor_id=e.actor_id, on_behalf_of=e.on_behalf_of,
                      action=e.action, target_type=e.target_type, target_id=e.target_id, outcome=e.outcome,
                      ip=e.ip, request_id=e.request_id, details=e.details or {}, created_at=e.created_at)


async def _head() -> tuple[int, str]:
    last = await AuditEvent.all().order_by("-seq").first()
    if last is not None:
        return last.seq, last.hash
    checkpoint = await AuditCheckpoint.all().order_by("-last_seq").first()
    if checkpoint is not None:
        return checkpoint.last_seq, checkpoint.last_hash
    return 0, GENESIS


async def record(*, action: str, actor_id: Any = None, on_behalf_of: Any = None, target_type: str = "",
                 target_id: Any = "", outcome: str = "success", ip: str = "", request_id: str | None = None,
                 details: dict | None = None) -> AuditEvent:
    """Append one event to the chain (never personal data in `details`: masked values only)."""
    rid = request_id if request_id is not None else request_id_var.get()
    fields = {
        "actor_id": str(actor_id) if actor_id else None,
        "on_behalf_of": str(on_behalf_of) if on_behalf_of else None,
        "action": action[:64], "target_type": target_type[:32], "target_id": str(target_id or "")[:64],
        "outcome": outcome[:16], "ip": (ip or "")[:64], "request_id": ("" if rid == "-" else rid)[:64],
        "details": orjson.loads(orjson.dumps(details or {})),
    }
    async with _lock():  # one writer per worker
        redis = runtime.rt.redis
        if redis is None:
            return await _append(fields)
        # across workers a short Redis lock keeps appends in line (no retry storms); the unique
        # seq still decides if the lock is ever lost (expiry, Redis failover)
        lock = redis.lock("audit:append", timeout=10, sleep=0.005, blocking_timeout=5)
        try:
            acquired = await lock.acquire()
        except Exception:  # noqa: BLE001 - Redis trouble must not stop auditing
            acquired = False
        try:
            return await _append(fields)
        finally:
            if acquired:
                with suppress(Exception):
                    await lock.release()


async def _append(fields: dict) -> AuditEvent:
    for attempt in range(50):
        created_at = clock.now()
        try:
            async with in_transaction():
                seq, prev = await _head()
                seq += 1
                own = event_hash(seq=seq, prev_hash=prev, created_at=created_at, **fields)
                return await AuditEvent.create(seq=seq, prev_hash=prev, hash=own, created_at=created_at, **fields)
        except (IntegrityError, OperationalError, TransactionManagementError):
            # another worker took this seq (or SQLite was busy): re-read the head and retry
            await asyncio.sleep(random.uniform(0.001, 0.01) * min(attempt + 1, 10))
    raise RuntimeError("could not append to the audit chain")


async def list_events(*, actor_id: str | None = None, action: str | None = None, target_id: str | None = None,
                      outcome: str | None = None, since: datetime | None = None, until: datetime | None = None,
                      cursor: str | None = None, limit: int = 20) -> tuple[list[AuditEvent], str | None]:
    """Events newest first, filtered; `action` ending in `.` or `*` matches a prefix."""
    qs = AuditEvent.all()
    if actor_id:
        qs = qs.filter(actor_id=actor_id)
    if action:
        qs = qs.filter(action__startswith=action.rstrip("*")) if action.endswith(("*", ".")) else qs.filter(action=action)
    if target_id:
        qs = qs.filter(target_id=target_id)
    if outcome:
        qs = qs.filter(outcome=outcome)
    if since:
        qs = qs.filter(created_at__gte=since)
    if until:
        qs = qs.filter(created_at__lt=until)
    return await paginate(qs, cursor=cursor, limit=limit)


async def verify_chain(*, batch: int = 500) -> dict:
    """Walk the chain from the latest checkpoint; report the first event that does not match."""
    checkpoint = await AuditCheckpoint.all().order_by("-last_seq").first()
    expected_seq, prev = (checkpoint.last_seq, checkpoint.last_hash) if checkpoint else (0, GENESIS)
    checked = 0
    while True:
        rows = await AuditEvent.filter(seq__gt=expected_seq).order_by("seq").limit(batch)
        if not rows:
            break
        for e in rows:
            problem = None
            if e.seq != expected_seq + 1:
                problem = f"events {expected_seq + 1}..{e.seq - 1} are missing"
            elif e.prev_hash != prev:
                problem = "prev_hash does not match the previous event"
            elif _hash_of(e) != e.hash:
                problem = "content does not match its hash"
            if problem:
                return {"ok": False, "checked": checked, "first_bad_seq": e.seq if e.seq == expected_seq + 1
                        else expected_seq + 1, "event_id": str(e.id), "problem": problem,
                        "checkpoint_seq": checkpoint.last_seq if checkpoint else 0}
            expected_seq, prev = e.seq, e.hash
            checked += 1
    return {"ok": True, "checked": checked, "first_bad_seq": None, "event_id": None, "problem": None,
            "checkpoint_seq": checkpoint.last_seq if checkpoint else 0, "head_hash": prev}


def _archive_line(e: AuditEvent) -> dict:
    return {"id": str(e.id), "seq": e.seq, "actor_id": e.actor_id, "on_behalf_of": e.on_behalf_of,
            "action": e.action, "target_type": e.target_type, "target_id": e.target_id, "outcome": e.outcome,
            "ip": e.ip, "request_id": e.request_id, "details": e.details, "created_at": _ts(e.created_at),
            "prev_hash": e.prev_hash, "hash": e.hash}


async def apply_retention(*, batch: int = 5000) -> dict:
    """Archive and delete events older than AUDIT_RETENTION_DAYS, leaving a checkpoint so the
    remaining chain still verifies. Only a prefix of the chain is ever removed."""
    days = runtime.settings().audit_retention_days
    cutoff = clock.now() - timedelta(days=days)
    first_young = await AuditEvent.filter(created_at__gte=cutoff).order_by("seq").first()
    qs = AuditEvent.filter(seq__lt=first_young.seq) if first_young else AuditEvent.all()
    old = await qs.order_by("seq").limit(batch)
    old = [e for e in old if e.created_at < cutoff]
    if not old:
        return {"removed": 0, "cutoff": _ts(cutoff)}
    last = old[-1]
    key = f"audit-archive/{clock.now():%Y%m%d%H%M%S}-{old[0].seq}-{last.seq}.jsonl"
    data = b"\n".join(orjson.dumps(_archive_line(e)) for e in old) + b"\n"
    await runtime.storage().put(key, data, "application/x-ndjson")
    async with in_transaction():
        await AuditCheckpoint.create(last_seq=last.seq, last_hash=last.hash, removed=len(old), archive_key=key,
                                     cutoff=cutoff, created_at=clock.now())
        await AuditEvent.filter(seq__lte=last.seq).delete()
    log.info("audit retention archived %d events up to seq %d", len(old), last.seq)
    return {"removed": len(old), "cutoff": _ts(cutoff), "archive_key": key, "last_seq": last.seq}
