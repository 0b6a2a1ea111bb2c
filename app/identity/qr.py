"""QR login for the H5/PC web: the browser shows `SJT1:Q:<ticket>`, the mini-program scans and
confirms, the browser's long-poll is woken through Redis pub/sub and receives the token pair once.

Ticket state lives in a Redis hash `qr:t:<ticket>` (logical expiry 120 s by the platform clock,
the key itself lingers a few minutes so late callers get QR_EXPIRED instead of QR_NOT_FOUND):
`pending → scanned → confirmed | cancelled | expired`, then `claimed` once the browser took the
tokens. Every transition is one Lua script, so two callers can never both win. Only the creator
of a ticket can poll it: creation returns a `poll_token` that the QR never contains (someone who
photographs the QR cannot collect the login).

Waiting costs no database connection and little memory: each worker keeps ONE pub/sub
subscription (`sjt:qr:events`, message = ticket) while it has waiters and wakes the matching
`asyncio.Event`s; waiters also re-read the state every few seconds in case a message was lost."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import logging
import secrets
from contextlib import suppress

import qrcode

from app.core import clock, runtime
from app.core.errors import AppError, Conflict, Forbidden, NotFound

log = logging.getLogger("sjt.identity.qr")

TTL = 120
KEY_LINGER = 300
CHANNEL = "sjt:qr:events"
PREFIX = "SJT1:Q:"
RECHECK_EVERY = 5.0

# ARGV[1] = now (epoch seconds). Returns the effective state after lazily marking expiry.
_EFFECTIVE = """
local st = redis.call('HGET', KEYS[1], 'state')
if not st then return nil end
if (st == 'pending' or st == 'scanned') and tonumber(ARGV[1]) > tonumber(redis.call('HGET', KEYS[1], 'expires')) then
  redis.call('HSET', KEYS[1], 'state', 'expired')
  st = 'expired'
end
"""

_SCAN = _EFFECTIVE + """
if st == 'pending' then
  redis.call('HSET', KEYS[1], 'state', 'scanned', 'scanner', ARGV[2])
  return {'ok', 'scanned'}
end
if st == 'scanned' then
  if redis.call('HGET', KEYS[1], 'scanner') == ARGV[2] then return {'same', st} end
  return {'foreign', st}
end
return {'bad', st}
"""

_CONFIRM = _EFFECTIVE + """
if st == 'scanned' then
  if redis.call('HGET', KEYS[1], 'scanner') ~= ARGV[2] then return {'foreign', st} end
  redis.call('HSET', KEYS[1], 'state', ARGV[3], 'account', ARGV[2])
  return {'ok', ARGV[3]}
end
if st == 'pending' then return {'not_scanned', st} end
return {'bad', st}
"""

_CLAIM = _EFFECTIVE + """
if st == 'confirmed' and redis.call('HGET', KEYS[1], 'poll') == ARGV[2] then
  redis.call('HSET', KEYS[1], 'state', 'claimed')
  return {'ok', redis.call('HGET', KEYS[1], 'account')}
end
return {'bad', st}
"""


def _key(ticket: str) -> str:
    return f"qr:t:{ticket}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def qr_png(payload: str) -> str:
    """Base64 PNG of the payload (error correction M, enough for a phone camera off a screen)."""
    img = qrcode.make(payload, error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=2)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


async def create_ticket(*, device: str, ip: str, area: str) -> dict:
    """A new pending ticket; returns ticket, poll token, payload, PNG and expiry."""
    ticket = secrets.token_urlsafe(24)
    poll_token = secrets.token_urlsafe(24)
    now = clock.now()
    async with runtime.redis_client().pipeline(transaction=True) as pipe:
        pipe.hset(_key(ticket), mapping={
            "state": "pending", "poll": _hash(poll_token), "created": f"{now.timestamp():.3f}",
            "expires": f"{now.timestamp() + TTL:.3f}", "device": device[:128], "ip": ip[:64], "area": area,
        })
        pipe.expire(_key(ticket), TTL + KEY_LINGER)
        await pipe.execute()
    payload = PREFIX + ticket
    return {"ticket": ticket, "poll_token": poll_token, "payload": payload, "qr_png": qr_png(payload),
            "expires_in": TTL, "created_at": now.timestamp()}


def parse_ticket(value: str) -> str:
    """Accept either the bare ticket or the whole scanned payload."""
    return value[len(PREFIX):] if value.startswith(PREFIX) else value


async def _run(script: str, ticket: str, *args: str) -> list | None:
    return await runtime.redis_client().eval(script, 1, _key(ticket), f"{clock.now().timestamp():.3f}", *args)


async def _publish(ticket: str) -> None:
    await runtime.redis_client().publish(CHANNEL, ticket)


_STATE_ERRORS = {
    "expired": ("二维码已过期，请在网页上刷新二维码", "QR_EXPIRED"),
    "cancelled": ("本次扫码登录已取消，请在网页上刷新二维码", "QR_CANCELLED"),
    "confirmed": ("该二维码已使用，请在网页上刷新二维码", "QR_ALREADY_USED"),
    "claimed": ("该二维码已使用，请在网页上刷新二维码", "QR_ALREADY_USED"),
}


def state_error(state: str) -> AppError:
    message, code = _STATE_ERRORS.get(state, ("二维码状态不允许此操作", "QR_STATE_CONFLICT"))
    return Conflict(message, code=code, details={"state": state})


def _not_found() -> NotFound:
    return NotFound("二维码不存在或已失效，请在网页上刷新二维码", code="QR_NOT_FOUND")


async def ticket_info(ticket: str) -> dict:
    """Stored fields of a ticket (404 when unknown)."""
    data = await runtime.redis_client().hgetall(_key(ticket))
    if not data:
        raise _not_found()
    return data


async def scan(*, ticket: str, account_id: str) -> dict:
    """Mini-program scanned the code: pending → scanned (the same scanner may scan again)."""
    result = await _run(_SCAN, ticket, account_id)
    if result is None:
        raise _not_found()
    outcome, state = result
    if outcome == "foreign":
        raise Conflict("该二维码已被其他账号扫描", code="QR_SCANNED_BY_OTHER")
    if outcome == "bad":
        raise state_error(state)
    if outcome == "ok":
        await _publish(ticket)
    return await ticket_info(ticket)


async def confirm(*, ticket: str, account_id: str, cancel: bool = False) -> str:
    """The scanner confirms (or cancels) the login: scanned → confirmed | cancelled."""
    result = await _run(_CONFIRM, ticket, account_id, "cancelled" if cancel else "confirmed")
    if result is None:
        raise _not_found()
    outcome, state = result
    if outcome == "foreign":
        raise Forbidden("只能由扫码的账号确认或取消登录", code="QR_NOT_SCANNER")
    if outcome == "not_scanned":
        raise Conflict("请先扫描二维码", code="QR_NOT_SCANNED")
    if outcome == "bad":
        raise state_error(state)
    await _publish(ticket)
    return state


async def _effective(ticket: str, poll_token: str) -> str:
    data = await runtime.redis_client().hmget(_key(ticket), "state", "poll", "expires")
    state, poll, expires = data
    if state is None or poll != _hash(poll_token):
        raise _not_found()
    if state in ("pending", "scanned") and clock.now().timestamp() > float(expires):
        return "expired"
    return state


async def claim(*, ticket: str, poll_token: str) -> str | None:
    """Atomically take a confirmed ticket (exactly once): the account id, or None."""
    result = await _run(_CLAIM, ticket, _hash(poll_token))
    if result and result[0] == "ok":
        return result[1]
    return None


async def wait_for_change(*, ticket: str, poll_token: str, known: str, wait: float) -> str:
    """The ticket's state, once it differs from `known` or `wait` seconds passed."""
    hub = _hub()
    event = hub.add(ticket)
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        await hub.ready()
        while True:
            state = await _effective(ticket, poll_token)
            remaining = deadline - loop.time()
            if state != known or remaining <= 0:
                return state
            event.clear()
            with suppress(asyncio.TimeoutError):
                await asyncio.wait_for(event.wait(), min(remaining, RECHECK_EVERY))
    finally:
        await hub.remove(ticket, event)


class _Hub:
    """One pub/sub subscription per worker, shared by every waiting long-poll of that worker."""

    def __init__(self, redis) -> None:
        self.redis = redis
        self.waiters: dict[str, set[asyncio.Event]] = {}
        self.task: asyncio.Task | None = None
        self._ready: asyncio.Event | None = None
        self.subscriptions = 0  # pub/sub connections opened so far (observability and tests)

    def add(self, ticket: str) -> asyncio.Event:
        event = asyncio.Event()
        self.waiters.setdefault(ticket, set()).add(event)
        if self.task is None or self.task.done():
            self._ready = asyncio.Event()
            self.task = asyncio.create_task(self._listen(self._ready), name="qr-login-hub")
        return event

    async def ready(self) -> None:
        if self._ready is not None:
            with suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._ready.wait(), 2)

    async def remove(self, ticket: str, event: asyncio.Event) -> None:
        events = self.waiters.get(ticket)
        if events is not None:
            events.discard(event)
            if not events:
                del self.waiters[ticket]
        if not self.waiters and self.task is not None:
            task, self.task = self.task, None
            task.cancel()
            await asyncio.wait({task}, timeout=1)  # let it unsubscribe; never hang a request on it

    async def _listen(self, ready: asyncio.Event) -> None:
        pubsub = self.redis.pubsub()
        self.subscriptions += 1
        try:
            await pubsub.subscribe(CHANNEL)
            while True:
                message = await pubsub.get_message(timeout=RECHECK_EVERY)
                if message is None:
                    continue
                if message["type"] == "subscribe":
                    ready.set()
                elif message["type"] == "message":
                    for event in self.waiters.get(message["data"], ()):
                        event.set()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - waiters fall back to re-reading the state
            log.warning("QR pub/sub listener stopped: %s", type(exc).__name__)
            ready.set()
        finally:
            with suppress(Exception):
                await pubsub.aclose()


def _hub() -> _Hub:
    redis = runtime.rt.pubsub_redis or runtime.redis_client()
    loop = asyncio.get_running_loop()
    hubs: dict = runtime.rt.extras.setdefault("qr_hubs", {})
    key = (id(redis), id(loop))
    hub = hubs.get(key)
    if hub is None:
        hubs.clear()
        hub = hubs[key] = _Hub(redis)
    return hub
