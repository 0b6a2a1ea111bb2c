"""Identity services: accounts, logins (WeChat, staff password, QR), token refresh and logout.

Real-name verification lives in `app.identity.realname`; the QR ticket store in `app.identity.qr`."""

from __future__ import annotations

import uuid
from datetime import datetime

from app.audit import service as audit
from app.core import clock, runtime
from app.core.crypto import blind_index, encrypt, mask_phone
from app.core.errors import AppError, NotFound, Unauthorized
from app.identity import qr, sessions
from app.identity.device import describe_device, ip_area
from app.identity.limits import limit
from app.identity.models import STAFF_ROLES, Account, AccountStatus, Role
from app.identity.passwords import verify_password
from app.identity.sessions import start_session
from app.wechat import miniapp

MAX_FAILURES = 5
FAILURE_WINDOW = 15 * 60
LOCK_DURATION = 15 * 60


class AccountLocked(AppError):
    status, code, message = 423, "ACCOUNT_LOCKED", "账号已锁定"


async def get_account(*, account_id: str | uuid.UUID) -> Account:
    """The account with this id (404 when unknown)."""
    account = await Account.get_or_none(id=account_id)
    if account is None:
        raise NotFound("账号不存在", code="ACCOUNT_NOT_FOUND")
    return account


async def login_with_wechat(*, code: str, device: str = "", ip: str = "") -> tuple[Account, dict, bool]:
    """Exchange a mini-program login code for a session; the first login creates the account."""
    await limit("login:ip", ip)
    session = await miniapp.code_to_session(code)
    openid = session["openid"]
    await limit("login:account", f"wx:{openid}")
    account = await Account.get_or_none(openid=openid)
    created = False
    if account is None:
        account, created = await Account.get_or_create(
            openid=openid,
            defaults={"role": Role.RESIDENT, "unionid": session.get("unionid"),
                      "display_name": "微信用户", "status": AccountStatus.ACTIVE},
        )
    if account.status != AccountStatus.ACTIVE:
        await audit.record(action="auth.wechat.login", actor_id=account.id, outcome="denied", ip=ip,
                           details={"reason": "disabled"})
        raise Unauthorized("账号已停用", code="ACCOUNT_DISABLED")
    tokens = await start_session(account, channel="miniprogram", device=device, ip=ip)
    await audit.record(action="auth.wechat.login", actor_id=account.id, target_type="account",
                       target_id=account.id, ip=ip, details={"new_account": created})
    return account, tokens, created


async def bind_phone(*, account: Account, code: str, ip: str = "") -> Account:
    """Store the phone number WeChat verified (phone-number button code), encrypted + blind index."""
    await limit("phone:account", str(account.id))
    phone = await miniapp.phone_number(code)
    account.phone_enc = encrypt(phone, context="phone")
    account.phone_index = blind_index(phone, kind="phone")
    await account.save(update_fields=["phone_enc", "phone_index", "updated_at"])
    await audit.record(action="identity.phone.bind", actor_id=account.id, target_type="account",
                       target_id=account.id, ip=ip, details={"phone": mask_phone(phone)})
    return account


# --- staff password login with lockout ------------------------------------------------------------

def _fail_key(username: str) -> str:
    return f"login:fail:{username}"


def _lock_key(username: str) -> str:
    return f"login:lock:{username}"


async def _locked_until(username: str) -> float | None:
    value = await runtime.redis_client().get(_lock_key(username))
    if value is not None and float(value) > clock.now().timestamp():
        return float(value)
    return None


def _locked_error(until: float) -> AccountLocked:
    retry = max(1, int(until - clock.now().timestamp()) + 1)
    unlock_at = datetime.fromtimestamp(until, clock.SHANGHAI)
    return AccountLocked(f"密码错误次数过多，账号已锁定，请于 {unlock_at:%H:%M} 后再试",
                         headers={"Retry-After": str(retry)},
                         details={"unlock_at": unlock_at.isoformat(), "retry_after": retry})


async def _record_failure(username: str) -> tuple[int, float | None]:
    """Count a failure in the sliding 15-minute window; lock at the fifth. (failures, locked until)."""
    redis = runtime.redis_client()
    now = clock.now().timestamp()
    async with redis.pipeline(transaction=True) as pipe:
        pipe.zadd(_fail_key(username), {uuid.uuid4().hex: now})
        pipe.zremrangebyscore(_fail_key(username), "-inf", now - FAILURE_WINDOW)
        pipe.zcard(_fail_key(username))
        pipe.expire(_fail_key(username), FAILURE_WINDOW * 2)
        _, _, failures, _ = await pipe.execute()
    if failures >= MAX_FAILURES:
        until = now + LOCK_DURATION
        await redis.set(_lock_key(username), f"{until:.3f}", ex=LOCK_DURATION * 2)
        await redis.delete(_fail_key(username))
        return failures, until
    return failures, None


async def login_with_password(*, username: str, password: str, device: str = "", ip: str = "") -> tuple[Account, dict]:
    """Staff login (argon2id); five failures within 15 minutes lock the username for 15 minutes."""
    username = username.strip().lower()
    await limit("login:ip", ip)
    await limit("login:account", f"pw:{username}")
    until = await _locked_until(username)
    if until is not None:
        await audit.record(action="auth.password.login", outcome="locked", target_type="username",
                           target_id=username, ip=ip)
        raise _locked_error(until)
    account = await Account.get_or_none(username=username)
    ok = await verify_password(account.password_hash if account else None, password)
    if not ok or account is None or account.role not in STAFF_ROLES or account.status != AccountStatus.ACTIVE:
        failures, until = await _record_failure(username)
        actor = account.id if account else None
        await audit.record(action="auth.password.login", actor_id=actor, outcome="failure", target_type="username",
                           target_id=username, ip=ip, details={"failures": failures})
        if until is not None:
            await audit.record(action="auth.password.lockout", actor_id=actor, outcome="locked",
                               target_type="username", target_id=username, ip=ip,
                               details={"failures": failures, "minutes": LOCK_DURATION // 60})
            raise _locked_error(until)
        raise Unauthorized("用户名或密码错误", code="INVALID_CREDENTIALS",
                           details={"remaining_attempts": MAX_FAILURES - failures})
    await runtime.redis_client().delete(_fail_key(username))
    tokens = await start_session(account, channel="staff", device=device, ip=ip)
    await audit.record(action="auth.password.login", actor_id=account.id, target_type="account",
                       target_id=account.id, ip=ip)
    return account, tokens


async def unlock_username(*, username: str, actor_id: str | None = None, ip: str = "") -> None:
    """Lift a lockout early (an administrator's action)."""
    username = username.strip().lower()
    await runtime.redis_client().delete(_lock_key(username), _fail_key(username))
    await audit.record(action="auth.password.unlock", actor_id=actor_id, target_type="username",
                       target_id=username, ip=ip)


# --- refresh and logout ---------------------------------------------------------------------------

_REFRESH_ERRORS = {
    "unknown": ("登录凭证无效，请重新登录", "REFRESH_TOKEN_INVALID"),
    "reused": ("登录凭证已被使用，为保护账号安全已退出所有相关登录，请重新登录", "REFRESH_TOKEN_REUSED"),
    "revoked": ("登录已退出，请重新登录", "SESSION_REVOKED"),
    "expired": ("登录已过期，请重新登录", "REFRESH_TOKEN_EXPIRED"),
    "idle": ("长时间未操作，请重新登录", "SESSION_IDLE_TIMEOUT"),
    "disabled": ("账号已停用", "ACCOUNT_DISABLED"),
}


async def refresh(*, refresh_token: str, ip: str = "") -> tuple[Account, dict]:
    """Rotate a refresh token; a reused one revokes its whole session family (401 either way)."""
    await limit("refresh:ip", ip)
    outcome = await sessions.rotate(refresh_token, ip=ip)
    if outcome.status == "ok":
        return outcome.account, outcome.tokens
    actor = outcome.account.id if outcome.account else None
    if outcome.status in ("reused", "idle"):
        revoked = await sessions.revoke_family(outcome.family)
        action = "auth.refresh.reuse" if outcome.status == "reused" else "auth.session.idle_timeout"
        await audit.record(action=action, actor_id=actor, outcome="denied", target_type="session",
                           target_id=outcome.family, ip=ip, details={"revoked_tokens": revoked})
    elif outcome.status != "unknown":
        await audit.record(action="auth.refresh", actor_id=actor, outcome="denied", target_type="session",
                           target_id=outcome.family, ip=ip, details={"reason": outcome.status})
    message, code = _REFRESH_ERRORS[outcome.status]
    raise Unauthorized(message, code=code)


async def logout(*, account: Account, session_id: str, ip: str = "") -> int:
    """Revoke the session family: its refresh tokens and (through the session check) its access tokens."""
    revoked = await sessions.revoke_family(session_id)
    await audit.record(action="auth.logout", actor_id=account.id, target_type="session", target_id=session_id,
                       ip=ip)
    return revoked


# --- QR login -------------------------------------------------------------------------------------

async def create_qr_login(*, user_agent: str, ip: str) -> dict:
    """A QR login ticket for a browser (rate limited per IP)."""
    await limit("qr:create:ip", ip)
    return await qr.create_ticket(device=describe_device(user_agent), ip=ip, area=ip_area(ip))


async def poll_qr_login(*, ticket: str, poll_token: str, known: str, wait: float) -> dict:
    """Long-poll a ticket; once confirmed, the first poll claims it and gets the token pair."""
    state = await qr.wait_for_change(ticket=ticket, poll_token=poll_token, known=known, wait=wait)
    if state == "claimed":
        raise qr.state_error("claimed")
    if state != "confirmed":
        return {"state": state}
    account_id = await qr.claim(ticket=ticket, poll_token=poll_token)
    if account_id is None:  # a parallel poll claimed it first
        raise qr.state_error("claimed")
    info = await qr.ticket_info(ticket)
    account = await get_account(account_id=account_id)
    if account.status != AccountStatus.ACTIVE:
        raise Unauthorized("账号已停用", code="ACCOUNT_DISABLED")
    tokens = await start_session(account, channel="h5", device=info.get("device", ""), ip=info.get("ip", ""))
    await audit.record(action="auth.qr.login", actor_id=account.id, target_type="qr_ticket",
                       target_id=ticket[:16], ip=info.get("ip", ""), details={"device": info.get("device", "")})
    return {"state": "confirmed", "tokens": tokens, "account": account}


async def scan_qr_login(*, ticket: str, account: Account, ip: str = "") -> dict:
    """The mini-program scanned a login QR: what is asking to log in, from where and when."""
    await limit("qr:scan:account", str(account.id))
    info = await qr.scan(ticket=qr.parse_ticket(ticket), account_id=str(account.id))
    await audit.record(action="auth.qr.scan", actor_id=account.id, target_type="qr_ticket", target_id=ticket[:16],
                       ip=ip)
    return info


async def decide_qr_login(*, ticket: str, account: Account, approve: bool, ip: str = "") -> str:
    """The scanner confirms or cancels the browser login."""
    await limit("qr:scan:account", str(account.id))
    state = await qr.confirm(ticket=qr.parse_ticket(ticket), account_id=str(account.id), cancel=not approve)
    await audit.record(action="auth.qr.confirm" if approve else "auth.qr.cancel", actor_id=account.id,
                       target_type="qr_ticket", target_id=ticket[:16], ip=ip)
    return state

async def find_by_id_number(*, id_number: str) -> Account | None:
    """The account whose verified ID number is `id_number` (blind-index lookup), if any."""
    from app.core.crypto import blind_index

    return await Account.get_or_none(id_number_index=blind_index(id_number, kind="id_number"))


async def find_or_create_shadow(*, name: str, id_number: str, phone: str) -> tuple[Account, bool]:
    """The resident with this ID number; a shadow account (claimable later) when none exists yet."""
    from app.core import clock
    from app.core.crypto import blind_index, encrypt

    existing = await find_by_id_number(id_number=id_number)
    if existing is not None:
        return existing, False
    account = await Account.create(
        role=Role.RESIDENT, display_name=name, real_name=name, is_shadow=True,
        id_number_enc=encrypt(id_number, context="id_number"),
        id_number_index=blind_index(id_number, kind="id_number"),
        phone_enc=encrypt(phone, context="phone"), phone_index=blind_index(phone, kind="phone"),
        realname_level=2, realname_verified_at=clock.now(),
    )
    return account, True


async def assign_service_point(*, account_id, service_point_id) -> Account:
    """Attach an agent account to a service point."""
    account = await get_account(account_id=account_id)
    account.service_point_id = service_point_id
    await account.save(update_fields=["service_point_id", "updated_at"])
    return account


async def phone_of(*, account: Account) -> str | None:
    """The decrypted phone number of an account (for sending it a text, never for display)."""
    from app.core.crypto import decrypt

    return decrypt(account.phone_enc, context="phone") if account.phone_enc else None


async def find_by_username(*, username: str) -> Account | None:
    """The staff account with this username, if any."""
    return await Account.get_or_none(username=username)

async def verified_identity(*, account_id: str | uuid.UUID) -> dict:
    """What other domains may match an account's identity by: real-name level, the ID-number blind
    index, the organisation's credit code, and display facts (no raw ID number)."""
    account = await get_account(account_id=account_id)
    return {"realname_level": account.realname_level, "id_number_index": account.id_number_index,
            "credit_code": account.credit_code if account.role == Role.LEGAL_PERSON else None,
            "org_name": account.org_name, "real_name": account.real_name, "role": account.role.value}


async def accounts_for_holder(*, id_number_index: str | None = None, credit_code: str | None = None) -> list[Account]:
    """Verified accounts holding this ID number (blind index) or representing this organisation."""
    if id_number_index:
        return await Account.filter(id_number_index=id_number_index, realname_level__gte=2,
                                    status=AccountStatus.ACTIVE)
    if credit_code:
        return await Account.filter(credit_code=credit_code.upper(), role=Role.LEGAL_PERSON,
                                    realname_level__gte=2, status=AccountStatus.ACTIVE)
    return []
