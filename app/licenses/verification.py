"""亮证 and verification: short-lived signed codes, checks at counters and by registered verifiers
(signature, expiry, single use, live state, minimal disclosure) and the holder's access log."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime, timezone

from app.core import clock, rawsql, runtime
from app.core.errors import Conflict, Forbidden, ValidationFailed
from app.core.pagination import paginate
from app.core.ratelimit import hit
from app.identity.models import Account, Role
from app.licenses import codes, qr, seal
from app.licenses import service as svc
from app.licenses.models import Licence, LicenceStatus, RegisteredVerifier, Verification
from app.licenses.types import PURPOSES

REASONS = {
    "OK": "核验通过",
    "MALFORMED": "二维码内容无法识别，请让持证人重新亮证",
    "BAD_SIGNATURE": "签名校验失败，亮证码可能被篡改或伪造",
    "EXPIRED_CODE": "亮证码已过期，请持证人刷新后重试",
    "REPLAYED": "该亮证码已使用过，请持证人刷新后重试",
    "NOT_FOUND": "证照不存在",
    "REVOKED": "证照已注销",
    "SUSPENDED": "证照已暂停使用",
    "EXPIRED_LICENCE": "证照已超过有效期",
    "PURPOSE_MISMATCH": "核验用途与持证人亮证时选择的用途不一致",
    "PURPOSE_NOT_ALLOWED": "本核验方未登记该核验用途",
}
STATE_REASONS = {LicenceStatus.REVOKED: "REVOKED", LicenceStatus.SUSPENDED: "SUSPENDED",
                 LicenceStatus.EXPIRED: "EXPIRED_LICENCE"}
STAFF_VERIFIERS = (Role.COUNTER, Role.REVIEWER, Role.ADMIN)
CHANNEL_LABELS = {"counter": "窗口扫码核验", "api": "核验方核验", "grant": "授权用证", "material": "办件免提交",
                  "public": "公众扫码核验"}


def _check_purpose(purpose: str | None, field: str = "purpose") -> None:
    if purpose is not None and purpose not in PURPOSES:
        raise ValidationFailed.field(field, "核验用途不在允许范围内", code="PURPOSE_UNKNOWN")


async def show(*, account_id: uuid.UUID | str, licence_id: uuid.UUID | str, purpose: str) -> dict:
    """A fresh 亮证 code (≤ 60 s, single use) and its QR PNG for one of the holder's licences."""
    _check_purpose(purpose)
    licence = await svc.get_wallet_licence(account_id=account_id, licence_id=licence_id)
    status = svc.effective_status(licence)
    if status != LicenceStatus.VALID:
        raise Conflict(f"证照{svc.STATUS_LABELS[status.value]}，不能亮证", code="LICENCE_NOT_VALID",
                       details={"status": status.value})
    await hit(f"lic-show:{account_id}", limit=30, window=60, message="亮证过于频繁，请稍后再试")
    now = clock.now()
    payload, exp, _ = codes.make_code(licence_id=licence.id, holder=licence.holder_mask, purpose=purpose,
                                      now=now.timestamp())
    return {"payload": payload, "qr_png_base64": qr.png_base64(payload), "purpose": purpose,
            "expires_at": datetime.fromtimestamp(exp, timezone.utc), "ttl": exp - int(now.timestamp())}


async def register_verifier(*, account_id: uuid.UUID | str, org_name: str, purposes: list[str]) -> RegisteredVerifier:
    """Register (or update) an account outside the halls as a verifier for some purposes."""
    for p in purposes:
        _check_purpose(p, "purposes")
    row, _ = await RegisteredVerifier.update_or_create(
        account_id=account_id, defaults={"org_name": org_name, "purposes": purposes, "active": True})
    return row


async def _verifier_context(account: Account) -> dict:
    ctx = {"account_id": account.id, "name": account.display_name, "hall_id": None, "purposes": None,
           "organisation": ""}
    if account.role == Role.COUNTER:
        ctx["hall_id"] = account.hall_id
        if account.hall_id:
            from app.catalog import service as catalog

            try:
                ctx["organisation"] = (await catalog.get_hall(hall_id=account.hall_id)).name
            except Exception:  # noqa: BLE001 - a removed hall still leaves a log entry
                ctx["organisation"] = ""
        return ctx
    if account.role in (Role.REVIEWER, Role.ADMIN):
        ctx["organisation"] = account.department or "三晋通平台"
        return ctx
    registered = await RegisteredVerifier.get_or_none(account_id=account.id, active=True)
    if registered is None:
        raise Forbidden("仅窗口工作人员和已登记的核验方可以核验证照", code="VERIFIER_NOT_REGISTERED")
    ctx.update(organisation=registered.org_name, purposes=list(registered.purposes))
    return ctx


async def _licence(licence_id: uuid.UUID) -> Licence | None:
    return await rawsql.select_one(Licence, 'SELECT * FROM "licence" WHERE "id" = $1', licence_id)


def _wallet_keys(payload: str) -> list[dict]:
    kid = payload.strip()[len(codes.PREFIX):].split(".", 1)[0]
    key = seal.lookup(kid) if kid else None
    return [key.public_jwk()] if key is not None and key.owner == seal.WALLET_KEY_OWNER else []


async def verify(*, payload: str, verifier: Account, purpose: str | None = None, channel: str = "api") -> dict:
    """Check a 亮证 code: signature, expiry, single use, licence state; disclose only what the
    purpose needs; record the check (also when it fails)."""
    _check_purpose(purpose)
    ctx = await _verifier_context(verifier)
    now = clock.now()
    licence: Licence | None = None
    claims = None
    reason = "OK"
    try:
        claims = codes.verify_code(payload, _wallet_keys(payload), now=now.timestamp())
    except codes.CodeError as exc:
        reason = exc.reason
    if claims is not None:
        licence = await _licence(claims.licence_id)
        if licence is None:
            reason = "NOT_FOUND"
        elif purpose is not None and purpose != claims.purpose:
            reason = "PURPOSE_MISMATCH"
        elif ctx["purposes"] is not None and claims.purpose not in ctx["purposes"]:
            reason = "PURPOSE_NOT_ALLOWED"
        else:
            ttl = max(1, claims.exp - int(now.timestamp()) + 5)
            fresh = await runtime.redis_client().set(f"lic:nonce:{claims.nonce}", "1", nx=True, ex=ttl)
            if not fresh:
                reason = "REPLAYED"
            else:
                reason = STATE_REASONS.get(svc.effective_status(licence), "OK")
    used_purpose = claims.purpose if claims else (purpose or "")
    lt = await svc.get_type(code=licence.type_code) if licence is not None else None
    keys = svc.disclosed_keys(lt, used_purpose) if lt is not None and reason == "OK" else []
    record = await Verification.create(
        licence=licence, channel=channel, verifier_account_id=ctx["account_id"], verifier_name=ctx["name"],
        organisation=ctx["organisation"], hall_id=ctx["hall_id"], purpose=used_purpose, result=reason,
        disclosed=keys)
    result = {"valid": reason == "OK", "reason": None if reason == "OK" else reason, "message": REASONS[reason],
              "purpose": used_purpose, "purpose_label": PURPOSES.get(used_purpose, ""),
              "verification_id": str(record.id), "checked_at": now.isoformat(), "licence": None}
    if licence is not None and lt is not None and reason in ("OK", "REVOKED", "SUSPENDED", "EXPIRED_LICENCE"):
        facts = svc.summary(lt, licence, keys=keys)
        facts["holder"] = claims.holder
        result["licence"] = facts
    return result


async def verify_by_scan(*, payload: str, staff: Account) -> tuple[str, dict]:
    """The counter scan box's licence branch (`SJT1:L:` payloads)."""
    return "licence", await verify(payload=payload, verifier=staff, channel="counter")


async def list_verifications(*, account_id: uuid.UUID | str, licence_id: uuid.UUID | str,
                             cursor: str | None, limit: int):
    """The holder's access log of one licence: every verification and grant use, newest first."""
    licence = await svc.get_wallet_licence(account_id=account_id, licence_id=licence_id)
    return await paginate(Verification.filter(licence_id=licence.id), cursor=cursor, limit=limit)


async def verifications_csv(*, account_id: uuid.UUID | str, licence_id: uuid.UUID | str) -> str:
    """The access log as CSV (UTF-8 with BOM so spreadsheet software shows the Chinese)."""
    licence = await svc.get_wallet_licence(account_id=account_id, licence_id=licence_id)
    rows = await Verification.filter(licence_id=licence.id).order_by("-created_at").limit(10000)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["时间", "方式", "核验方", "机构/大厅", "用途", "结果", "披露字段"])
    for r in rows:
        writer.writerow([r.created_at.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M:%S"),
                         CHANNEL_LABELS.get(r.channel, r.channel), r.verifier_name, r.organisation,
                         PURPOSES.get(r.purpose, r.purpose), REASONS.get(r.result, r.result),
                         " ".join(r.disclosed or [])])
    return out.getvalue()
