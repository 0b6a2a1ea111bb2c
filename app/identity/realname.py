"""Real-name verification (实名认证): level 2 = name + ID number checked against the population
registry, level 3 = face verification; legal persons bind an enterprise by its credit code.

Both verifiers are pluggable: REALNAME_REGISTRY / FACE_VERIFIER name "demo" (embedded default) or
a "package.module:factory" returning an object with the async `verify(...)` below; tests may call
`use_registry()` / `use_face_verifier()`. The demo registry accepts every valid ID number except the
ones in DEMO_UNKNOWN and REALNAME_DEMO_REJECT (as if the registry had no such person)."""

from __future__ import annotations

import importlib
import logging
import re
from typing import Protocol

from tortoise.exceptions import IntegrityError
from app.core.transactions import in_transaction

from app.audit import service as audit
from app.core import clock, runtime
from app.core.crypto import blind_index, decrypt, encrypt, mask_id_number, mask_name
from app.core.errors import Conflict, Forbidden, ValidationFailed
from app.identity.idcard import id_number_problem, uscc_problem
from app.identity.limits import limit
from app.identity.models import Account, AccountStatus, Role

log = logging.getLogger("sjt.identity.realname")

DEMO_UNKNOWN = frozenset({"140105198001010011"})
_NAME = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff·•]{2,32}$|^[A-Za-z][A-Za-z .'-]{1,63}$")


class PopulationRegistry(Protocol):
    async def verify(self, *, name: str, id_number: str) -> bool: ...


class FaceVerifier(Protocol):
    async def verify(self, *, name: str, id_number: str, liveness_token: str) -> bool: ...


class DemoPopulationRegistry:
    """Accepts every valid number except the configured ones (embedded mode and tests)."""

    def __init__(self, reject: set[str]) -> None:
        self.reject = {r.strip().upper() for r in reject if r.strip()}

    async def verify(self, *, name: str, id_number: str) -> bool:
        return id_number.upper() not in self.reject


class DemoFaceVerifier:
    """Simulated face check: a liveness token starting with `fail` is a mismatch."""

    async def verify(self, *, name: str, id_number: str, liveness_token: str) -> bool:
        return not liveness_token.lower().startswith("fail")


_overrides: dict[str, object] = {}


def _load(spec: str):
    module, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module), attr)()


def registry() -> PopulationRegistry:
    if "registry" in _overrides:
        return _overrides["registry"]  # type: ignore[return-value]
    settings = runtime.settings()
    if settings.realname_registry == "demo":
        return DemoPopulationRegistry(set(DEMO_UNKNOWN) | set(settings.realname_demo_reject.split(",")))
    return _load(settings.realname_registry)


def face_verifier() -> FaceVerifier:
    if "face" in _overrides:
        return _overrides["face"]  # type: ignore[return-value]
    spec = runtime.settings().face_verifier
    return DemoFaceVerifier() if spec == "demo" else _load(spec)


def use_registry(value: PopulationRegistry | None) -> None:
    """Plug a registry in at run time (None restores the configured one)."""
    _overrides.pop("registry", None) if value is None else _overrides.__setitem__("registry", value)


def use_face_verifier(value: FaceVerifier | None) -> None:
    _overrides.pop("face", None) if value is None else _overrides.__setitem__("face", value)


def _taken() -> Conflict:
    return Conflict("该证件号码已被其他账号实名认证", code="ID_NUMBER_TAKEN",
                    details={"fields": [{"field": "id_number", "message": "该证件号码已被其他账号实名认证"}]})


async def verify_real_name(*, account: Account, name: str, id_number: str, ip: str = "") -> Account:
    """Check name + ID number (GB 11643, then the registry) and raise the account to level 2."""
    await limit("realname:ip", ip)
    await limit("realname:account", str(account.id))
    name = name.strip()
    if not _NAME.match(name):
        raise ValidationFailed.field("name", "姓名格式不正确", code="INVALID_NAME")
    id_number = id_number.strip().upper()
    problem = id_number_problem(id_number, today=clock.today())
    if problem:
        raise ValidationFailed.field("id_number", problem, code="INVALID_ID_NUMBER")
    index = blind_index(id_number, kind="id_number")
    masked = mask_id_number(id_number)
    if account.realname_level >= 2 and account.id_number_index and account.id_number_index != index:
        raise Conflict("账号已完成实名认证，不能更换证件号码", code="REALNAME_ALREADY_BOUND")
    holder = await Account.filter(id_number_index=index).exclude(id=account.id).first()
    claimable = holder is not None and holder.is_shadow and holder.openid is None and account.openid
    if holder is not None and not claimable:
        await audit.record(action="identity.realname", actor_id=account.id, outcome="conflict",
                           target_type="account", target_id=account.id, ip=ip, details={"id_number": masked})
        raise _taken()
    if not await registry().verify(name=name, id_number=id_number):
        await audit.record(action="identity.realname", actor_id=account.id, outcome="failure",
                           target_type="account", target_id=account.id, ip=ip, details={"id_number": masked})
        raise ValidationFailed("姓名与证件号码不一致或查无此人，请核对后重试", code="REALNAME_MISMATCH",
                               details={"fields": [{"field": "id_number", "message": "姓名与证件号码核验未通过"}]})
    if claimable:
        return await _claim_shadow(shadow=holder, account=account, name=name, ip=ip)
    account.real_name = name
    account.id_number_enc = encrypt(id_number, context="id_number")
    account.id_number_index = index
    account.realname_level = max(account.realname_level, 2)
    account.realname_verified_at = clock.now()
    try:
        await account.save(update_fields=["real_name", "id_number_enc", "id_number_index", "realname_level",
                                          "realname_verified_at", "updated_at"])
    except IntegrityError:  # another account won the same number in parallel
        raise _taken() from None
    await audit.record(action="identity.realname", actor_id=account.id, target_type="account",
                       target_id=account.id, ip=ip,
                       details={"level": account.realname_level, "id_number": masked, "name": mask_name(name)})
    return account


async def _claim_shadow(*, shadow: Account, account: Account, name: str, ip: str) -> Account:
    """A resident whose agent opened a shadow account for them (offline consent) claims it: the
    WeChat identity moves onto the shadow account, which keeps its cases and delegations, and the
    empty account the first WeChat login made is closed."""
    async with in_transaction():
        openid, unionid = account.openid, account.unionid
        account.openid, account.unionid, account.status = None, None, AccountStatus.DISABLED
        await account.save(update_fields=["openid", "unionid", "status", "updated_at"])
        shadow.openid, shadow.unionid, shadow.is_shadow = openid, unionid, False
        shadow.real_name = name
        if not shadow.phone_enc and account.phone_enc:
            shadow.phone_enc, shadow.phone_index = account.phone_enc, account.phone_index
        await shadow.save(update_fields=["openid", "unionid", "is_shadow", "real_name", "phone_enc",
                                         "phone_index", "updated_at"])
    await audit.record(action="identity.shadow.claim", actor_id=shadow.id, target_type="account",
                       target_id=shadow.id, ip=ip, details={"closed_account": str(account.id)})
    return shadow


async def verify_face(*, account: Account, liveness_token: str, ip: str = "") -> Account:
    """Face verification against the verified identity: level 2 → 3."""
    await limit("realname:ip", ip)
    await limit("realname:account", str(account.id))
    if account.realname_level < 2 or not account.id_number_enc:
        raise Forbidden("请先完成姓名和证件号码实名认证", code="REALNAME_REQUIRED")
    id_number = decrypt(account.id_number_enc, context="id_number")
    ok = await face_verifier().verify(name=account.real_name or "", id_number=id_number,
                                      liveness_token=liveness_token)
    await audit.record(action="identity.realname.face", actor_id=account.id, outcome="success" if ok else "failure",
                       target_type="account", target_id=account.id, ip=ip)
    if not ok:
        raise ValidationFailed("人脸核验未通过，请在光线充足处重试", code="FACE_MISMATCH",
                               details={"fields": [{"field": "liveness_token", "message": "人脸核验未通过"}]})
    account.realname_level = 3
    account.realname_verified_at = clock.now()
    await account.save(update_fields=["realname_level", "realname_verified_at", "updated_at"])
    return account


async def bind_enterprise(*, account: Account, credit_code: str, org_name: str, ip: str = "") -> Account:
    """A verified person binds an enterprise (GB 32100 credit code) and becomes its legal-person account."""
    await limit("realname:account", str(account.id))
    if account.realname_level < 2:
        raise Forbidden("请先完成实名认证", code="REALNAME_REQUIRED")
    credit_code = credit_code.strip().upper()
    problem = uscc_problem(credit_code)
    if problem:
        raise ValidationFailed.field("credit_code", problem, code="INVALID_CREDIT_CODE")
    org_name = org_name.strip()
    if not org_name:
        raise ValidationFailed.field("org_name", "请填写单位名称")
    if account.credit_code and account.credit_code != credit_code:
        raise Conflict("账号已绑定其他单位", code="ENTERPRISE_ALREADY_BOUND")
    if await Account.filter(credit_code=credit_code).exclude(id=account.id).exists():
        raise Conflict("该单位已由其他账号绑定", code="ENTERPRISE_TAKEN",
                       details={"fields": [{"field": "credit_code", "message": "该单位已由其他账号绑定"}]})
    account.credit_code, account.org_name, account.role = credit_code, org_name[:128], Role.LEGAL_PERSON
    await account.save(update_fields=["credit_code", "org_name", "role", "updated_at"])
    await audit.record(action="identity.enterprise.bind", actor_id=account.id, target_type="enterprise",
                       target_id=credit_code, ip=ip, details={"org_name": org_name[:64]})
    return account
