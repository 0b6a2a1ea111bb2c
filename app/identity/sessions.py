"""Login sessions: an access JWT plus an opaque refresh token stored only as a hash.

Every refresh token belongs to a family (one login, `sid` in the access token). Refreshing rotates
the token; presenting an already-used token revokes the whole family (reuse detection). Revoked
families and staff activity live in Redis so the per-request session check costs one round trip:
`sess:revoked:<sid>` (kept as long as an access token can live) and `sess:seen:<sid>` (last activity
of a staff session, for STAFF_IDLE_TIMEOUT)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sanic import Request
from app.core.transactions import in_transaction

from app.core import clock, runtime
from app.core.errors import Unauthorized
from app.identity.auth import add_session_check
from app.identity.models import STAFF_ROLES, Account, AccountStatus, RefreshToken, Role
from app.identity.tokens import issue_access_token


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _revoked_key(sid: str) -> str:
    return f"sess:revoked:{sid}"


def _seen_key(sid: str) -> str:
    return f"sess:seen:{sid}"


def _is_staff(role: Role | str) -> bool:
    return Role(role) in STAFF_ROLES


TOUCH_EVERY = 15  # seconds: the idle timeout is measured to within this


async def _touch(sid: str) -> None:
    idle = runtime.settings().staff_idle_timeout
    await runtime.redis_client().set(_seen_key(sid), f"{clock.now().timestamp():.3f}", ex=idle * 2 + 60)


def _issue(account: Account, family: str) -> tuple[str, str, int]:
    refresh = secrets.token_urlsafe(48)
    access, ttl = issue_access_token(account_id=str(account.id), role=account.role.value, session_id=family)
    return access, refresh, ttl


async def start_session(account: Account, *, channel: str, device: str = "", ip: str = "") -> dict:
    """Open a new session family for `account`; returns the token pair."""
    family = secrets.token_hex(16)
    access, refresh, ttl = _issue(account, family)
    await RefreshToken.create(
        token_hash=hash_token(refresh), family=family, account_id=account.id, channel=channel,
        device=device[:128], ip=ip[:64],
        expires_at=clock.now() + timedelta(seconds=runtime.settings().refresh_token_ttl),
    )
    if _is_staff(account.role):
        await _touch(family)
    account.last_login_at = clock.now()
    await account.save(update_fields=["last_login_at"])
    return {"access_token": access, "refresh_token": refresh, "token_type": "Bearer", "expires_in": ttl}


async def revoke_family(family: str) -> int:
    """Revoke every refresh token of a session and stop its access tokens at once."""
    now = clock.now()
    count = await RefreshToken.filter(family=family, revoked_at=None).update(revoked_at=now)
    ttl = runtime.settings().access_token_ttl + 60
    await runtime.redis_client().set(_revoked_key(family), "1", ex=ttl)
    return count


async def revoke_account_sessions(account_id) -> int:
    """Revoke every live session of an account (e.g. when it is disabled)."""
    families = await RefreshToken.filter(account_id=account_id, revoked_at=None).distinct().values_list(
        "family", flat=True)
    total = 0
    for family in set(families):
        total += await revoke_family(family)
    return total


class RefreshOutcome:
    """What happened to a presented refresh token (the service turns it into audit + errors)."""

    def __init__(self, *, status: str, account: Account | None = None, family: str = "",
                 tokens: dict | None = None) -> None:
        self.status, self.account, self.family, self.tokens = status, account, family, tokens


async def rotate(refresh_token: str, *, ip: str = "") -> RefreshOutcome:
    """Swap a refresh token for a new pair; statuses: ok, unknown, reused, revoked, expired, idle, disabled."""
    row = await RefreshToken.get_or_none(token_hash=hash_token(refresh_token)).select_related("account")
    if row is None:
        return RefreshOutcome(status="unknown")
    account = row.account
    if row.revoked_at is not None:
        return RefreshOutcome(status="revoked", account=account, family=row.family)
    if row.used_at is not None:
        return RefreshOutcome(status="reused", account=account, family=row.family)
    now = clock.now()
    if row.expires_at <= now:
        return RefreshOutcome(status="expired", account=account, family=row.family)
    if account.status != AccountStatus.ACTIVE:
        return RefreshOutcome(status="disabled", account=account, family=row.family)
    if _is_staff(account.role) and await _idle_expired(row.family):
        return RefreshOutcome(status="idle", account=account, family=row.family)
    access, refresh, ttl = _issue(account, row.family)
    async with in_transaction():
        # the conditional update is the atomic claim: of two concurrent uses only one sees 1
        claimed = await RefreshToken.filter(id=row.id, used_at=None, revoked_at=None).update(used_at=now)
        if claimed != 1:
            return RefreshOutcome(status="reused", account=account, family=row.family)
        await RefreshToken.create(
            token_hash=hash_token(refresh), family=row.family, account_id=account.id, channel=row.channel,
            device=row.device, ip=ip[:64] or row.ip, expires_at=row.expires_at)
    if _is_staff(account.role):
        await _touch(row.family)
    return RefreshOutcome(status="ok", account=account, family=row.family, tokens={
        "access_token": access, "refresh_token": refresh, "token_type": "Bearer", "expires_in": ttl})


async def _idle_expired(sid: str) -> bool:
    seen = await runtime.redis_client().get(_seen_key(sid))
    if seen is None:
        return True
    return clock.now().timestamp() - float(seen) > runtime.settings().staff_idle_timeout


async def session_check(request: Request, claims: dict, account: Account) -> None:
    """Per-request check (registered with auth): revoked sessions, staff idle timeout."""
    sid = claims.get("sid")
    if not sid:
        raise Unauthorized("登录凭证无效", code="TOKEN_INVALID")
    state = getattr(request.ctx, "session_state", None)  # fetched by authenticate in one MGET
    if state is None:
        revoked, seen = await runtime.redis_client().mget(_revoked_key(sid), _seen_key(sid))
    else:
        revoked, seen = state["revoked"], state["seen"]
    if revoked:
        raise Unauthorized("登录已退出，请重新登录", code="SESSION_REVOKED")
    if _is_staff(account.role):
        idle = runtime.settings().staff_idle_timeout
        quiet = None if seen is None else clock.now().timestamp() - float(seen)
        if quiet is None or quiet > idle:
            raise Unauthorized(f"超过{idle // 60}分钟未操作，请重新登录", code="SESSION_IDLE_TIMEOUT")
        if quiet >= TOUCH_EVERY:  # a clerk scanning all day would otherwise write on every request
            await _touch(sid)


add_session_check(session_check)
