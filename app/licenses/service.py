"""Licence services: types, issuing with the issuer's seal, the wallet and its PDF, reuse in
applications, public checks of printed codes and administration. 亮证/verification and grants
live in `verification.py` and `grants.py` and are re-exported here."""

from __future__ import annotations

import asyncio
import calendar as _calendar
import json
import secrets
import uuid
from datetime import date, timedelta

from tortoise.exceptions import IntegrityError
from app.core.transactions import in_transaction

from app.core import clock, localcache, runtime
from app.core.crypto import blind_index, decrypt, encrypt, mask_id_number, mask_name
from app.core.errors import Conflict, NotFound, ValidationFailed
from app.core.pagination import paginate
from app.identity import service as identity
from app.identity.idcard import id_number_problem, uscc_problem
from app.licenses import identifier as ids
from app.licenses import seal
from app.licenses.models import HolderKind, Issuer, Licence, LicenceStatus, LicenceType, Verification
from app.licenses.types import PURPOSES
from app.notifications import service as notifications
from app.notifications.templates import phrase, thing, time_value

STATUS_LABELS = {"valid": "有效", "suspended": "已暂停", "revoked": "已注销", "expired": "已过期"}


# --- types and issuers --------------------------------------------------------------------------

async def list_types() -> list[LicenceType]:
    """Every licence type, by numeric code."""
    return await LicenceType.all().order_by("numeric_code")


TYPE_CACHE_SECONDS = 30  # licence types change only when the platform is seeded


async def get_type(*, code: str) -> LicenceType:
    """One licence type (404 when unknown); read-only, shared within the worker for a few seconds."""

    async def load() -> LicenceType:
        lt = await LicenceType.get_or_none(code=code) if len(code) <= 32 else None
        if lt is None:
            raise NotFound("证照类型不存在", code="LICENCE_TYPE_NOT_FOUND")
        return lt

    return await localcache.cached("licenses.type", code, ttl=TYPE_CACHE_SECONDS, load=load)


async def key_document() -> dict:
    """The public key document: every issuer's seal keys and the wallet's code key."""
    names = {i.credit_code: i.name for i in await Issuer.all()}
    return seal.key_document(names)


# --- state and display --------------------------------------------------------------------------

def effective_status(licence: Licence, today: date | None = None) -> LicenceStatus:
    """Stored state, or `expired` once valid_until has passed (revocation wins over expiry)."""
    if licence.status in (LicenceStatus.REVOKED, LicenceStatus.SUSPENDED):
        return licence.status
    if licence.valid_until is not None and licence.valid_until < (today or clock.today()):
        return LicenceStatus.EXPIRED
    return LicenceStatus.VALID


def _sensitive(licence: Licence) -> dict:
    return json.loads(decrypt(licence.sensitive_enc, context="licence")) if licence.sensitive_enc else {}


def display_fields(lt: LicenceType, licence: Licence, keys: list[str] | None = None) -> list[dict]:
    """[{key, label, value, sensitive}] in schema order; sensitive values masked; `keys` filters."""
    secret = _sensitive(licence) if licence.sensitive_enc else {}
    out = []
    for spec in lt.field_schema:
        key = spec["key"]
        if keys is not None and key not in keys:
            continue
        if spec.get("sensitive"):
            value = mask_id_number(secret.get(key)) if secret.get(key) else None
        else:
            value = licence.fields_public.get(key)
        if value is None:
            continue
        out.append({"key": key, "label": spec["label"], "value": str(value), "sensitive": bool(spec.get("sensitive"))})
    return out


def disclosed_keys(lt: LicenceType, purpose: str) -> list[str]:
    """Non-sensitive fields a verifier with `purpose` may see (minimal disclosure)."""
    sensitive = {s["key"] for s in lt.field_schema if s.get("sensitive")}
    return [k for k in lt.disclosure.get(purpose, []) if k not in sensitive]


def summary(lt: LicenceType, licence: Licence, *, keys: list[str] | None = None) -> dict:
    status = effective_status(licence)
    return {"id": str(licence.id), "identifier": licence.identifier, "type": lt.code, "type_name": lt.name,
            "holder": licence.holder_mask, "issuer_name": licence.issuer_name, "issuer_code": licence.issuer_code,
            "valid_from": licence.valid_from.isoformat(),
            "valid_until": licence.valid_until.isoformat() if licence.valid_until else None,
            "status": status.value, "status_label": STATUS_LABELS[status.value],
            "fields": display_fields(lt, licence, keys)}


# --- issuing ------------------------------------------------------------------------------------

def licence_fields_from_application(lt: LicenceType, form: dict, *, holder_number: str, holder_name: str,
                                    application_id: str) -> dict:
    """The licence's fields from an approved application: form values under the licence's own keys,
    the holder's verified identity, and the certificate number and dates the issuer assigns now."""
    today = clock.today().isoformat()
    serial = application_id.replace("-", "")[:10].upper()
    derived = {"holder_name": holder_name, "name": holder_name, "id_number": holder_number,
               "credit_code": holder_number, "legal_representative": holder_name}
    out = {}
    for spec in lt.field_schema:
        key = spec["key"]
        value = form.get(key)
        if value in (None, ""):
            value = derived.get(key)
        if value in (None, "") and spec.get("required"):
            if key.endswith("_on") or key.endswith("date"):
                value = today
            elif key.endswith("_no"):
                value = f"{lt.numeric_code}-{serial}"
            else:
                value = "详见办件材料"
        if value not in (None, ""):
            out[key] = str(value)
    return out


def _split_fields(lt: LicenceType, values: dict) -> tuple[dict, dict]:
    known = {s["key"]: s for s in lt.field_schema}
    for key in values:
        if key not in known:
            raise ValidationFailed.field(f"fields.{key}", f"{lt.name}没有该字段", code="UNKNOWN_FIELD")
    public, sensitive = {}, {}
    for key, spec in known.items():
        value = values.get(key)
        if value is None or str(value).strip() == "":
            if spec.get("required"):
                raise ValidationFailed.field(f"fields.{key}", f"缺少{spec['label']}", code="FIELD_REQUIRED")
            continue
        (sensitive if spec.get("sensitive") else public)[key] = str(value).strip()
    return public, sensitive


def _add_years(start: date, years: int) -> date:
    year = start.year + years
    day = min(start.day, _calendar.monthrange(year, start.month)[1])
    return date(year, start.month, day) - timedelta(days=1)


def _document(lt: LicenceType, *, identifier: str, holder_index: str, issuer: Issuer, public: dict,
              sensitive: dict, valid_from: date, valid_until: date | None, version: int) -> dict:
    digest = blind_index(seal.canonical(sensitive).decode(), kind="licence_sensitive") if sensitive else ""
    return {"id": identifier, "type": lt.code, "type_code": lt.numeric_code, "type_name": lt.name,
            "issuer": {"code": issuer.credit_code, "name": issuer.name}, "holder": holder_index,
            "fields": public, "sensitive_digest": digest, "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat() if valid_until else None, "version": version}


async def seal_document(document: dict, issuer: Issuer) -> dict:
    """The issuer's seal; SM2 (pure Python) runs off the event loop."""
    if issuer.suite == seal.SM2:
        return await asyncio.to_thread(seal.seal, document, owner=issuer.credit_code, suite_name=issuer.suite)
    return seal.seal(document, owner=issuer.credit_code, suite_name=issuer.suite)


async def verify_licence_seal(licence: Licence) -> bool:
    """Check the stored seal against the stored document with the published keys."""
    key = seal.lookup(str(licence.seal.get("kid", "")))
    keys = [key.public_jwk()] if key is not None else []
    if licence.seal.get("alg") == seal.ALG[seal.SM2]:
        return await asyncio.to_thread(seal.verify_seal, licence.sealed_document, licence.seal, keys)
    return seal.verify_seal(licence.sealed_document, licence.seal, keys)


async def issue(*, type_code: str, holder_number: str, fields: dict, holder_name: str | None = None,
                issuer_code: str | None = None, valid_from: date | None = None, valid_until: date | None = None,
                application_id: uuid.UUID | str | None = None, notify: bool = True) -> Licence:
    """Issue and seal a licence to the holder's ID number or credit code; notify the holder."""
    lt = await get_type(code=type_code)
    issuer = await Issuer.get_or_none(credit_code=issuer_code or lt.issuer_code)
    if issuer is None:
        raise ValidationFailed.field("issuer_code", "发证机关不存在", code="ISSUER_NOT_FOUND")
    public, sensitive = _split_fields(lt, fields)
    number = holder_number.strip().upper()
    problem = id_number_problem(number) if lt.holder_kind == HolderKind.PERSON else uscc_problem(number)
    if problem:
        raise ValidationFailed.field("holder_number", problem, code="HOLDER_NUMBER_INVALID")
    if lt.holder_kind == HolderKind.PERSON:
        holder_index = blind_index(number, kind="id_number")
        mask = mask_name(holder_name or public.get("holder_name") or public.get("mother_name") or "") or mask_id_number(number)
    else:
        holder_index = blind_index(number, kind="credit_code")
        mask = holder_name or public.get("name") or public.get("operator_name") or mask_id_number(number)
    valid_from = valid_from or clock.today()
    for name, value in (("valid_from", valid_from), ("valid_until", valid_until)):
        if value is not None and not 1900 <= value.year <= 2199:
            raise ValidationFailed.field(name, "日期超出允许范围")
    if valid_until is None and lt.validity_years:
        valid_until = _add_years(valid_from, lt.validity_years)
    if valid_until is not None and valid_until < valid_from:
        raise ValidationFailed.field("valid_until", "有效期截止日期早于起始日期")
    licence = None
    for _ in range(5):
        serial = f"{valid_from.year}{secrets.randbelow(10**8):08d}"
        identifier = ids.build(type_code=lt.numeric_code, issuer_code=issuer.credit_code, serial=serial)
        document = _document(lt, identifier=identifier, holder_index=holder_index, issuer=issuer, public=public,
                             sensitive=sensitive, valid_from=valid_from, valid_until=valid_until, version=1)
        sealed = await seal_document(document, issuer)
        try:
            async with in_transaction():
                licence = await Licence.create(
                    identifier=identifier, type_code=lt.code, holder_kind=lt.holder_kind, holder_index=holder_index,
                    holder_enc=encrypt(number, context="licence_holder"), holder_mask=mask[:64],
                    fields_public=public,
                    sensitive_enc=encrypt(json.dumps(sensitive, ensure_ascii=False), context="licence") if sensitive else None,
                    issuer_code=issuer.credit_code, issuer_name=issuer.name, serial=serial, version=1,
                    valid_from=valid_from, valid_until=valid_until, seal=sealed, sealed_document=document,
                    public_token=secrets.token_urlsafe(16), application_id=application_id)
            break
        except IntegrityError:
            continue
    if licence is None:
        raise Conflict("证照编号生成冲突，请重试", code="IDENTIFIER_CONFLICT")
    if notify:
        await notify_holder(licence, lt=lt, title=f"您的{lt.name}已签发",
                            body=f"{issuer.name}已向您签发{lt.name}，可在电子证照中查看和亮证。", state="已签发")
    return licence


async def issue_from_application(*, application_id: uuid.UUID | str, license_type: str,
                                 holder_account_id: uuid.UUID | str, fields: dict,
                                 issuer_department: str | None = None) -> Licence:
    """Issue the licence an application produces (once per application and type); notify the holder."""
    existing = await Licence.get_or_none(application_id=application_id, type_code=license_type)
    if existing is not None:
        return existing
    lt = await get_type(code=license_type)
    account = await identity.get_account(account_id=holder_account_id)
    if lt.holder_kind == HolderKind.ORGANISATION:
        if not account.credit_code:
            raise ValidationFailed.field("holder_account_id", "该证照须发给法人，申请人没有统一社会信用代码",
                                         code="HOLDER_NOT_ORGANISATION")
        number, name = account.credit_code, account.org_name
    else:
        if not account.id_number_enc or account.realname_level < 2:
            raise ValidationFailed.field("holder_account_id", "申请人尚未实名认证，无法签发证照", code="REALNAME_REQUIRED")
        number, name = decrypt(account.id_number_enc, context="id_number"), account.real_name
    issuer = await Issuer.get_or_none(name=issuer_department) if issuer_department and len(issuer_department) <= 128 else None
    fields = licence_fields_from_application(lt, fields, holder_number=number, holder_name=name or "",
                                             application_id=str(application_id))
    return await issue(type_code=lt.code, holder_number=number, holder_name=name, fields=fields,
                       issuer_code=issuer.credit_code if issuer else None, application_id=application_id)


async def holder_accounts(licence: Licence) -> list:
    """Verified accounts of the licence's holder (the person, or the organisation's legal person)."""
    number = decrypt(licence.holder_enc, context="licence_holder")
    if licence.holder_kind == HolderKind.PERSON:
        return await identity.accounts_for_holder(id_number_index=licence.holder_index)
    return await identity.accounts_for_holder(credit_code=number)


async def notify_holder(licence: Licence, *, lt: LicenceType, title: str, body: str, state: str) -> None:
    """Inbox + WeChat subscribe message to every account of the holder."""
    for account in await holder_accounts(licence):
        await notifications.notify(
            account_id=account.id, kind="licence", title=title, body=body,
            link=f"/pages/licenses/detail?id={licence.id}", ref=str(licence.id),
            wechat={"template": "licence", "data": {"thing1": thing(lt.name), "phrase2": phrase(state),
                                                    "time3": time_value(clock.now()), "thing4": thing(body)}})


# --- wallet -------------------------------------------------------------------------------------

async def holder_indexes(*, account_id: uuid.UUID | str) -> list[str]:
    """Blind indexes the account holds licences under (403 REALNAME_REQUIRED below level 2)."""
    from app.core.errors import Forbidden

    ident = await identity.verified_identity(account_id=account_id)
    if ident["realname_level"] < 2 or not (ident["id_number_index"] or ident["credit_code"]):
        raise Forbidden("请先完成实名认证（二级及以上）后使用电子证照", code="REALNAME_REQUIRED")
    found = [ident["id_number_index"]] if ident["id_number_index"] else []
    if ident["credit_code"]:
        found.append(blind_index(ident["credit_code"], kind="credit_code"))
    return found


async def list_wallet(*, account_id: uuid.UUID | str, cursor: str | None = None, limit: int = 50):
    """Every licence issued to the account's verified identity (and its organisation)."""
    indexes = await holder_indexes(account_id=account_id)
    return await paginate(Licence.filter(holder_index__in=indexes), cursor=cursor, limit=limit)


async def get_wallet_licence(*, account_id: uuid.UUID | str, licence_id: uuid.UUID | str) -> Licence:
    """One of the account's licences; anyone else's is a 404."""
    indexes = await holder_indexes(account_id=account_id)
    licence = await Licence.get_or_none(id=licence_id, holder_index__in=indexes)
    if licence is None:
        raise NotFound("证照不存在", code="LICENCE_NOT_FOUND")
    return licence


def public_url(licence: Licence) -> str:
    base = runtime.settings().public_base_url.rstrip("/")
    return f"{base}/api/v1/licenses/public/{licence.public_token}"


async def licence_pdf(*, account_id: uuid.UUID | str, licence_id: uuid.UUID | str) -> tuple[Licence, bytes]:
    """The holder's PDF version of a licence (masked content, seal, verification QR)."""
    from app.licenses import pdf

    licence = await get_wallet_licence(account_id=account_id, licence_id=licence_id)
    lt = await get_type(code=licence.type_code)
    status = effective_status(licence)
    data = await asyncio.to_thread(
        pdf.render, title=lt.name, identifier=licence.identifier, holder=licence.holder_mask,
        issuer=licence.issuer_name, valid_from=licence.valid_from.isoformat(),
        valid_until=licence.valid_until.isoformat() if licence.valid_until else "长期",
        status=STATUS_LABELS[status.value], fields=display_fields(lt, licence), seal=licence.seal,
        verify_url=public_url(licence), generated_at=clock.local_now())
    return licence, data


# --- reuse in applications (免提交) ---------------------------------------------------------------

async def verify_for_material(*, license_id: uuid.UUID | str, holder_account_id: uuid.UUID | str,
                              license_type: str) -> dict:
    """Check that a wallet licence is the applicant's, of the material's type and valid; returns the
    verified summary the reviewer sees instead of a photo (and logs the use for the holder)."""
    try:
        licence = await get_wallet_licence(account_id=holder_account_id, licence_id=license_id)
    except ValueError:
        raise NotFound("证照不存在", code="LICENCE_NOT_FOUND") from None
    if licence.type_code != license_type:
        lt_expected = await get_type(code=license_type)
        raise ValidationFailed.field("license_id", f"所选证照不是{lt_expected.name}", code="LICENCE_TYPE_MISMATCH")
    status = effective_status(licence)
    if status != LicenceStatus.VALID:
        raise Conflict(f"所选证照{STATUS_LABELS[status.value]}，不能作为申请材料", code="LICENCE_NOT_VALID",
                       details={"status": status.value})
    if not await verify_licence_seal(licence):
        raise Conflict("证照电子印章校验失败", code="SEAL_INVALID")
    lt = await get_type(code=licence.type_code)
    await Verification.create(licence=licence, channel="material", verifier_name="办件受理", purpose="government_service",
                              result="OK", organisation=licence.issuer_name, disclosed=[s["key"] for s in lt.field_schema])
    return {**summary(lt, licence), "seal_valid": True, "seal_kid": licence.seal.get("kid"),
            "verified_at": clock.now().isoformat()}


# --- public check of a printed QR ---------------------------------------------------------------

async def public_check(*, token: str) -> dict:
    """Validity and masked facts of the licence behind a printed QR (no login)."""
    licence = await Licence.get_or_none(public_token=token) if 0 < len(token) <= 32 else None
    if licence is None:
        raise NotFound("证照不存在或二维码无效", code="LICENCE_NOT_FOUND")
    lt = await get_type(code=licence.type_code)
    status = effective_status(licence)
    seal_valid = await verify_licence_seal(licence)
    await Verification.create(licence=licence, channel="public", verifier_name="公众扫码", purpose="validity",
                              result="OK" if seal_valid and status == LicenceStatus.VALID else
                              ("BAD_SEAL" if not seal_valid else status.value.upper()))
    return {"identifier": licence.identifier, "type_name": lt.name, "holder": licence.holder_mask,
            "issuer_name": licence.issuer_name, "valid_from": licence.valid_from.isoformat(),
            "valid_until": licence.valid_until.isoformat() if licence.valid_until else None,
            "status": status.value, "status_label": STATUS_LABELS[status.value], "seal_valid": seal_valid,
            "valid": seal_valid and status == LicenceStatus.VALID, "checked_at": clock.now().isoformat()}


# --- administration -----------------------------------------------------------------------------

TRANSITIONS = {
    "suspend": ({LicenceStatus.VALID}, LicenceStatus.SUSPENDED, "已暂停"),
    "revoke": ({LicenceStatus.VALID, LicenceStatus.SUSPENDED}, LicenceStatus.REVOKED, "已注销"),
    "reinstate": ({LicenceStatus.SUSPENDED}, LicenceStatus.VALID, "已恢复"),
}


async def get_licence(*, licence_id: uuid.UUID | str) -> Licence:
    """Any licence by id (administration)."""
    licence = await Licence.get_or_none(id=licence_id)
    if licence is None:
        raise NotFound("证照不存在", code="LICENCE_NOT_FOUND")
    return licence


async def change_status(*, licence_id: uuid.UUID | str, action: str, reason: str = "") -> Licence:
    """Suspend, revoke (with a reason) or reinstate a licence; the holder is notified."""
    allowed, target, label = TRANSITIONS[action]
    if action == "revoke" and not reason.strip():
        raise ValidationFailed.field("reason", "注销证照须填写原因", code="REASON_REQUIRED")
    async with in_transaction():
        licence = await Licence.select_for_update().get_or_none(id=licence_id)
        if licence is None:
            raise NotFound("证照不存在", code="LICENCE_NOT_FOUND")
        if licence.status not in allowed:
            raise Conflict(f"证照当前状态（{STATUS_LABELS[licence.status.value]}）不能{label[1:]}",
                           code="LICENCE_STATE_CONFLICT", details={"status": licence.status.value})
        licence.status = target
        licence.status_reason = reason.strip()[:255]
        await licence.save(update_fields=["status", "status_reason", "updated_at"])
    lt = await get_type(code=licence.type_code)
    body = f"您的{lt.name}{label}" + (f"，原因：{reason.strip()}" if reason.strip() else "")
    await notify_holder(licence, lt=lt, title=f"您的{lt.name}{label}", body=body, state=label)
    return licence


async def remind_expiring(*, days: int = 30) -> int:
    """Tell holders once that a licence expires within `days` (the daily task calls this)."""
    today = clock.today()
    due = await Licence.filter(status=LicenceStatus.VALID, expiry_reminded_at=None, valid_until__gte=today,
                               valid_until__lte=today + timedelta(days=days))
    sent = 0
    for licence in due:
        claimed = await Licence.filter(id=licence.id, expiry_reminded_at=None).update(expiry_reminded_at=clock.now())
        if not claimed:
            continue
        lt = await get_type(code=licence.type_code)
        await notify_holder(licence, lt=lt, title=f"您的{lt.name}即将到期",
                            body=f"您的{lt.name}将于{licence.valid_until.isoformat()}到期，请及时办理换领。",
                            state="即将到期")
        sent += 1
    return sent


def purposes() -> dict[str, str]:
    """Verification and grant purposes (code → label)."""
    return dict(PURPOSES)


_SPLIT = {"create_grant": "grants", "list_grants": "grants", "revoke_grant": "grants", "use_grant": "grants",
          "list_verifications": "verification", "register_verifier": "verification", "show": "verification",
          "verifications_csv": "verification", "verify": "verification", "verify_by_scan": "verification"}


def __getattr__(name: str):
    # 亮证/verification and grants live in their own modules; reached through this one as well.
    if name in _SPLIT:
        import importlib

        return getattr(importlib.import_module(f"app.licenses.{_SPLIT[name]}"), name)
    raise AttributeError(name)
