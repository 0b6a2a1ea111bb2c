"""Grants (授权用证): the holder lets a named organisation or verifier account use one licence for
a purpose until a time; the grantee fetches it while the grant lives; every use is logged."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from datetime import datetime, timedelta

from tortoise.expressions import F

from app.core import clock
from app.core.errors import AppError, Conflict, Forbidden, NotFound, ValidationFailed
from app.identity import service as identity
from app.identity.models import Account
from app.licenses import service as svc
from app.licenses.models import Grant, LicenceStatus, Verification
from app.licenses.types import PURPOSES
from app.notifications import service as notifications

MAX_GRANT_DAYS = 366


class Gone(AppError):
    status, code, message = 410, "GONE", "已失效"


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def grant_state(grant: Grant) -> str:
    if grant.revoked_at is not None:
        return "revoked"
    return "expired" if grant.until <= clock.now() else "active"


async def create_grant(*, account_id: uuid.UUID | str, licence_id: uuid.UUID | str, purpose: str,
                       until: datetime, grantee_account_id: uuid.UUID | str | None = None,
                       grantee_name: str | None = None) -> tuple[Grant, str | None]:
    """Grant use of a licence; without a grantee account an access code is returned (once)."""
    if purpose not in PURPOSES:
        raise ValidationFailed.field("purpose", "授权用途不在允许范围内", code="PURPOSE_UNKNOWN")
    licence = await svc.get_wallet_licence(account_id=account_id, licence_id=licence_id)
    if svc.effective_status(licence) != LicenceStatus.VALID:
        raise Conflict("证照当前不可用，不能授权", code="LICENCE_NOT_VALID")
    if until.tzinfo is None:
        until = until.replace(tzinfo=clock.SHANGHAI)
    now = clock.now()
    if until <= now:
        raise ValidationFailed.field("until", "授权截止时间须晚于当前时间")
    if until > now + timedelta(days=MAX_GRANT_DAYS):
        raise ValidationFailed.field("until", "授权期限最长一年")
    code = None
    if grantee_account_id is not None:
        try:
            grantee = await identity.get_account(account_id=grantee_account_id)
        except NotFound:
            raise ValidationFailed.field("grantee_account_id", "被授权账号不存在", code="GRANTEE_NOT_FOUND") from None
        if str(grantee.id) == str(account_id):
            raise ValidationFailed.field("grantee_account_id", "不能授权给自己", code="GRANTEE_IS_HOLDER")
        name = grantee_name or grantee.org_name or grantee.department or grantee.display_name
    else:
        if not grantee_name or not grantee_name.strip():
            raise ValidationFailed.field("grantee_name", "请填写被授权机构名称")
        name = grantee_name.strip()
        code = secrets.token_urlsafe(12)
    grant = await Grant.create(licence=licence, holder_account_id=account_id, grantee_account_id=grantee_account_id,
                               grantee_name=name[:128], purpose=purpose, until=until,
                               code_hash=_hash(code) if code else None)
    if grantee_account_id is not None:
        lt = await svc.get_type(code=licence.type_code)
        await notifications.notify(
            account_id=grantee_account_id, kind="licence_grant", title=f"{licence.holder_mask}授权您使用{lt.name}",
            body=f"用途：{PURPOSES[purpose]}；有效至{until.astimezone(clock.SHANGHAI):%Y-%m-%d %H:%M}",
            link=f"/api/v1/licenses/granted/{grant.id}", ref=str(grant.id))
    return grant, code


async def list_grants(*, account_id: uuid.UUID | str, licence_id: uuid.UUID | str) -> list[Grant]:
    """The holder's grants on one licence, newest first."""
    licence = await svc.get_wallet_licence(account_id=account_id, licence_id=licence_id)
    return await Grant.filter(licence_id=licence.id, holder_account_id=account_id).order_by("-created_at")


async def revoke_grant(*, account_id: uuid.UUID | str, grant_id: uuid.UUID | str) -> Grant:
    """Revoke a grant at any time (idempotent); another person's grant is a 404."""
    grant = await Grant.get_or_none(id=grant_id, holder_account_id=account_id)
    if grant is None:
        raise NotFound("授权不存在", code="GRANT_NOT_FOUND")
    if grant.revoked_at is None:
        grant.revoked_at = clock.now()
        await grant.save(update_fields=["revoked_at"])
    return grant


async def use_grant(*, grant_id: uuid.UUID | str, account: Account | None, code: str | None) -> tuple[Grant, dict]:
    """The grantee fetches the licence (purpose-limited fields) while the grant lives; logged."""
    grant = await Grant.get_or_none(id=grant_id).prefetch_related("licence")
    if grant is None:
        raise NotFound("授权不存在", code="GRANT_NOT_FOUND")
    by_account = account is not None and grant.grantee_account_id is not None and account.id == grant.grantee_account_id
    by_code = bool(code) and grant.code_hash is not None and hmac.compare_digest(grant.code_hash, _hash(code or ""))
    if not (by_account or by_code):
        raise NotFound("授权不存在", code="GRANT_NOT_FOUND")
    state = grant_state(grant)
    licence = grant.licence
    log = {"licence": licence, "channel": "grant", "verifier_account_id": account.id if account else None,
           "verifier_name": account.display_name if account else grant.grantee_name,
           "organisation": grant.grantee_name, "purpose": grant.purpose}
    if state == "revoked":
        await Verification.create(**log, result="GRANT_REVOKED")
        raise Forbidden("持证人已撤销该授权", code="GRANT_REVOKED")
    if state == "expired":
        await Verification.create(**log, result="GRANT_EXPIRED")
        raise Gone("授权已过期", code="GRANT_EXPIRED")
    lt = await svc.get_type(code=licence.type_code)
    status = svc.effective_status(licence)
    keys = svc.disclosed_keys(lt, grant.purpose) if status == LicenceStatus.VALID else []
    result = "OK" if status == LicenceStatus.VALID else {"revoked": "REVOKED", "suspended": "SUSPENDED",
                                                          "expired": "EXPIRED_LICENCE"}[status.value]
    await Verification.create(**log, result=result, disclosed=keys)
    await Grant.filter(id=grant.id).update(uses=F("uses") + 1, last_used_at=clock.now())
    return grant, svc.summary(lt, licence, keys=keys)
