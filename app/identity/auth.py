"""Authorisation helpers every domain uses: who is calling, in which role, and ownership.

- `require()` / `require(Role.X, ...)`: pass as `endpoint(auth=...)`. Any valid access token, or
  one of those roles (403 ROLE_FORBIDDEN otherwise). A token is valid when its ES256 signature,
  `kid`, `iss`/`aud`/`exp` check out, the account is active, and every registered session check
  passes (identity registers one: a logged-out/revoked session → 401 SESSION_REVOKED, a staff
  session idle for STAFF_IDLE_TIMEOUT → 401 SESSION_IDLE_TIMEOUT).
- `current_account(request)`: the authenticated `Account` inside such an endpoint;
  `request.ctx.claims` holds the token claims (`sid` = session family).
- `get_owned(Model, account, id=...)` / `ensure_owner(row, account)`: another person's record is
  ALWAYS 404 (never 403: do not reveal that it exists). Filter by owner in the query itself.
- `client_ip(request)`: the caller's address, for rate limits and audit. ONE rule, Sanic's own:
  PROXIES_COUNT (settings.proxies_count) proxies sit in front and each appends the peer it saw to
  X-Forwarded-For, so the client is the PROXIES_COUNT-th entry from the right (`request.remote_addr`);
  anything further left was chosen by the client and is ignored. PROXIES_COUNT=0 (clients connect
  directly) ignores the header and uses the socket peer. The peer's own address is not consulted:
  deployments must only let the proxies reach the API.
- `PERSON_ROLES` (resident, legal person) for `require(*PERSON_ROLES)`.
"""

from __future__ import annotations

import copy
import time
from typing import Awaitable, Callable, Iterable

from sanic import Request
from tortoise.signals import post_delete, post_save

from app.core import runtime

from app.core.errors import Forbidden, NotFound, Unauthorized
from app.identity.models import Account, AccountStatus, Role
from app.identity.tokens import verify_access_token

AuthCheck = Callable[[Request], Awaitable[None]]

# Extra per-request checks (session revoked, staff idle timeout…) registered by the identity service.
_session_checks: list[Callable[[Request, dict, Account], Awaitable[None]]] = []


def add_session_check(check: Callable[[Request, dict, Account], Awaitable[None]]) -> None:
    if check not in _session_checks:
        _session_checks.append(check)


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


# Accounts read by `authenticate`, per worker: id -> (monotonic deadline, version, Account).
# An entry is used only while the account's version in Redis (`acct:ver:<id>`, bumped by every
# save/delete of an Account, fetched in the same round trip as the session check) is unchanged, and
# for at most ACCOUNT_CACHE_TTL seconds (the bound for writes that bypass model signals, e.g. a
# queryset `.update()`). Each request gets its own copy of the row.
ACCOUNT_CACHE_TTL = 5.0
_ACCOUNT_CACHE_MAX = 10_000
_accounts: dict[str, tuple[float, str | None, Account]] = {}


def account_version_key(account_id) -> str:
    return f"acct:ver:{account_id}"


async def account_changed(account_id) -> None:
    """Forget cached copies of this account in every worker (call after a bulk `.update()`)."""
    _accounts.pop(str(account_id), None)
    redis = runtime.rt.redis
    if redis is not None:
        await redis.incr(account_version_key(account_id))


@post_save(Account)
async def _account_saved(sender, instance, created, using_db, update_fields) -> None:
    if not created:
        await account_changed(instance.id)


@post_delete(Account)
async def _account_deleted(sender, instance, using_db) -> None:
    await account_changed(instance.id)


async def _load_account(account_id: str, version: str | None) -> Account | None:
    entry = _accounts.get(account_id)
    if entry is not None and entry[0] > time.monotonic() and entry[1] == version:
        return copy.copy(entry[2])
    account = await Account.get_or_none(id=account_id)
    if account is not None:
        if len(_accounts) >= _ACCOUNT_CACHE_MAX:
            _accounts.clear()
        _accounts[account_id] = (time.monotonic() + ACCOUNT_CACHE_TTL, version, copy.copy(account))
    return account


async def authenticate(request: Request) -> Account:
    """The account behind the request's bearer token (401 when missing or invalid)."""
    cached = getattr(request.ctx, "account", None)
    if cached is not None:
        return cached
    token = bearer_token(request)
    if token is None:
        raise Unauthorized()
    claims = verify_access_token(token)
    sid = claims.get("sid")
    if not sid or not isinstance(claims["sub"], str):
        raise Unauthorized("登录凭证无效", code="TOKEN_INVALID")
    # one Redis round trip for everything the per-request checks need
    revoked, seen, version = await runtime.redis_client().mget(
        _sessions._revoked_key(sid), _sessions._seen_key(sid), account_version_key(claims["sub"]))
    request.ctx.session_state = {"revoked": revoked, "seen": seen}
    account = await _load_account(claims["sub"], version)
    if account is None or account.status != AccountStatus.ACTIVE:
        raise Unauthorized("账号不可用", code="ACCOUNT_DISABLED")
    for check in _session_checks:
        await check(request, claims, account)
    request.ctx.account = account
    request.ctx.claims = claims
    return account


def require(*roles: Role | str) -> AuthCheck:
    """An `endpoint(auth=...)` check: a valid token, and one of `roles` when given."""
    allowed = frozenset(Role(r) for r in roles)

    async def check(request: Request) -> None:
        account = await authenticate(request)
        if allowed and account.role not in allowed:
            raise Forbidden("当前账号角色无权进行此操作", code="ROLE_FORBIDDEN")

    check.roles = allowed  # type: ignore[attr-defined]
    return check


def current_account(request: Request) -> Account:
    """The authenticated account (only inside an endpoint declared with `auth=`)."""
    account = getattr(request.ctx, "account", None)
    if account is None:
        raise Unauthorized()
    return account


def client_ip(request: Request) -> str:
    """The caller's address: Sanic's `remote_addr` (the PROXIES_COUNT-th X-Forwarded-For entry from
    the right, i.e. the peer our outermost proxy saw), else the socket peer. Entries further left are
    whatever the client claimed and are never read; with PROXIES_COUNT=0 the header is ignored."""
    return request.remote_addr or request.ip or ""


PERSON_ROLES: tuple[Role, ...] = (Role.RESIDENT, Role.LEGAL_PERSON)
ANY_ROLE: Iterable[Role] = tuple(Role)


def _not_found(message: str, code: str) -> NotFound:
    return NotFound(message, code=code)


async def get_owned(model, account: Account, *, owner_field: str = "account_id", message: str = "记录不存在",
                    code: str = "NOT_FOUND", **lookup):
    """The row of `model` matching `lookup` AND owned by `account` (404 otherwise, never 403).

    `model` may also be a queryset (e.g. with `select_related`)."""
    row = await model.filter(**lookup, **{owner_field: account.id}).first()
    if row is None:
        raise _not_found(message, code)
    return row


def ensure_owner(row, account: Account, *, owner_field: str = "account_id", message: str = "记录不存在",
                 code: str = "NOT_FOUND"):
    """`row` when `account` owns it; 404 for a missing row or someone else's."""
    if row is None or str(getattr(row, owner_field)) != str(account.id):
        raise _not_found(message, code)
    return row


# Registers the session check (revoked sessions, staff idle timeout) whenever auth is used.
from app.identity import sessions as _sessions  # noqa: E402,F401
