"""Service points, delegations with recorded consent, and acting on behalf of a resident."""

from __future__ import annotations

import base64
import hmac
import io
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta

import orjson
import qrcode
from sanic import Request
from tortoise.expressions import Q
from app.core.transactions import in_transaction

from app.agents.models import ConsentMethod, Delegation, ServicePoint
from app.catalog import service as catalog
from app.core import clock, runtime
from app.core.crypto import blind_index, mask_phone
from app.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.identity import service as identity
from app.identity.idcard import id_number_problem
from app.identity.models import Account, Role
from app.notifications import service as notifications
from app.notifications.sms import send_sms
from app.notifications.templates import phrase, thing, time_value

REQUEST_TTL = 600  # a delegation QR stays valid for 10 minutes
SMS_TTL = 300
SMS_MAX_ATTEMPTS = 5
MAX_DAYS = 365
ON_BEHALF_HEADER = "x-on-behalf-of"


# --- service points -------------------------------------------------------------------------

async def get_point(*, point_id: uuid.UUID | str) -> ServicePoint:
    """A service point by id (404 when unknown)."""
    point = await ServicePoint.get_or_none(id=point_id)
    if point is None:
        raise NotFound("服务站点不存在", code="SERVICE_POINT_NOT_FOUND")
    return point


async def list_points(*, region: str | None) -> list[ServicePoint]:
    """Service points, optionally within a region (and its sub-regions)."""
    qs = ServicePoint.all()
    if region:
        qs = qs.filter(region_code__startswith=region.rstrip("0") or region)
    return await qs.order_by("code")


async def create_point(*, code: str, name: str, kind: str, region_code: str, address: str,
                       phone: str = "", opening_hours: dict | None = None) -> ServicePoint:
    """Create a service point (admin)."""
    if not await catalog.region_exists(code=region_code):
        raise ValidationFailed.field("region_code", "行政区划代码不存在")
    if await ServicePoint.exists(code=code):
        raise Conflict("站点编码已存在", code="SERVICE_POINT_EXISTS")
    return await ServicePoint.create(code=code, name=name, kind=kind, region_code=region_code,
                                     address=address, phone=phone, opening_hours=opening_hours or {})


async def assign_agent(*, point_id: uuid.UUID, account_id: uuid.UUID, lead: bool = False) -> ServicePoint:
    """Attach an agent account to a point (optionally as its lead agent)."""
    point = await get_point(point_id=point_id)
    account = await identity.get_account(account_id=account_id)
    if account.role != Role.AGENT:
        raise ValidationFailed.field("account_id", "只能为代办员账号分配站点")
    await identity.assign_service_point(account_id=account.id, service_point_id=point.id)
    if lead:
        point.lead_agent_id = account.id
        await point.save(update_fields=["lead_agent_id"])
    return point


def _require_point(agent: Account) -> uuid.UUID:
    if agent.role != Role.AGENT or agent.service_point_id is None:
        raise Forbidden("代办员尚未分配服务站点", code="AGENT_WITHOUT_POINT")
    return agent.service_point_id


# --- delegation by QR -----------------------------------------------------------------------

async def _validate_scope(items: list[str] | None) -> list[str]:
    if not items:
        return []
    unique = list(dict.fromkeys(items))
    for code in unique:
        await catalog.get_item(code=code, with_materials=False)
    return unique


def qr_png_base64(payload: str) -> str:
    image = qrcode.make(payload, error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


async def request_delegation(*, agent: Account, items: list[str] | None, days: int) -> dict:
    """The agent's tablet asks for consent: a short-lived `SJT1:D:` ticket for the resident to scan."""
    point_id = _require_point(agent)
    scope = await _validate_scope(items)
    ticket = secrets.token_urlsafe(18)
    body = {"agent_id": str(agent.id), "point_id": str(point_id), "items": scope, "days": days}
    await runtime.redis_client().set(f"deleg:req:{ticket}", orjson.dumps(body), ex=REQUEST_TTL)
    payload = f"SJT1:D:{ticket}"
    return {"ticket": ticket, "payload": payload, "qr_png": qr_png_base64(payload), "expires_in": REQUEST_TTL}


async def _load_request(ticket: str, *, consume: bool) -> dict:
    redis = runtime.redis_client()
    raw = await (redis.getdel if consume else redis.get)(f"deleg:req:{ticket}")
    if raw is None:
        raise NotFound("授权码已失效，请让代办员重新生成", code="DELEGATION_REQUEST_EXPIRED")
    return orjson.loads(raw)


async def describe_request(*, ticket: str) -> dict:
    """What the resident sees before confirming: who asks, from which point, for what, until when."""
    body = await _load_request(ticket, consume=False)
    agent = await identity.get_account(account_id=body["agent_id"])
    point = await get_point(point_id=body["point_id"])
    items = [await catalog.get_item(code=c, with_materials=False) for c in body["items"]]
    return {
        "agent_name": agent.display_name, "service_point": point.name, "address": point.address,
        "scope_all": not body["items"], "items": [{"code": i.code, "name": i.name} for i in items],
        "expires_at": clock.now() + timedelta(days=body["days"]),
    }


def _check_principal(resident: Account) -> None:
    if resident.role not in (Role.RESIDENT, Role.LEGAL_PERSON):
        raise Forbidden("只有居民本人可以授权代办", code="ROLE_FORBIDDEN")
    if resident.realname_level < 2:
        raise Forbidden("请先完成实名认证再授权代办", code="REALNAME_REQUIRED")


async def confirm_delegation(*, ticket: str, resident: Account) -> Delegation:
    """The resident confirms the scanned request: the delegation starts (single use)."""
    _check_principal(resident)
    body = await _load_request(ticket, consume=True)
    if body["agent_id"] == str(resident.id):
        raise Conflict("不能授权给自己", code="SELF_DELEGATION")
    async with in_transaction():
        delegation = await Delegation.create(
            principal_id=resident.id, agent_id=body["agent_id"], service_point_id=body["point_id"],
            scope_all=not body["items"], scope_items=body["items"], consent_method=ConsentMethod.QR,
            consent_at=clock.now(), expires_at=clock.now() + timedelta(days=body["days"]))
        await _notify_started(delegation)
    return delegation


# --- delegation with offline consent (signed form + SMS code) -------------------------------

async def start_offline(*, agent: Account, name: str, id_number: str, phone: str, form_file_id: uuid.UUID,
                        items: list[str] | None, days: int) -> dict:
    """Record the signed form and text the resident a code; the agent enters it to finish."""
    point_id = _require_point(agent)
    problem = id_number_problem(id_number, today=clock.today())
    if problem:
        raise ValidationFailed.field("id_number", problem)
    from app.agents import ports

    await ports.check_form_photo(file_id=form_file_id, owner_id=agent.id)
    scope = await _validate_scope(items)
    code = f"{secrets.randbelow(10**6):06d}"
    pending_id = secrets.token_urlsafe(12)
    body = {"agent_id": str(agent.id), "point_id": str(point_id), "items": scope, "days": days,
            "name": name, "id_number": id_number, "phone": phone, "form_file_id": str(form_file_id),
            "code_hash": blind_index(code, kind=f"sms:{pending_id}"), "attempts": 0}
    await runtime.redis_client().set(f"deleg:sms:{pending_id}", orjson.dumps(body), ex=SMS_TTL)
    await send_sms(phone=phone, text=(
        f"【三晋通】验证码{code}。{agent.display_name}申请为您代办政务服务，有效期{days}天。"
        f"如同意请将验证码告知代办员，5分钟内有效；如非本人申请请勿告知。"))
    return {"pending_id": pending_id, "phone": mask_phone(phone), "expires_in": SMS_TTL}


_ATTEMPT_SCRIPT = """
local raw = redis.call('GET', KEYS[1])
if not raw then return nil end
local body = cjson.decode(raw)
body['attempts'] = body['attempts'] + 1
local ttl = redis.call('TTL', KEYS[1])
if ttl < 1 then ttl = 1 end
redis.call('SET', KEYS[1], cjson.encode(body), 'EX', ttl)
return raw
"""


async def verify_offline(*, agent: Account, pending_id: str, code: str) -> Delegation:
    """Check the SMS code the resident read out; right → the delegation starts, wrong → counted."""
    redis = runtime.redis_client()
    key = f"deleg:sms:{pending_id}"
    raw = await redis.eval(_ATTEMPT_SCRIPT, 1, key)
    if raw is None:
        raise Conflict("验证码已失效或已使用，请重新发送", code="SMS_CODE_EXPIRED")
    body = orjson.loads(raw)
    if body["agent_id"] != str(agent.id):
        raise NotFound("授权申请不存在", code="DELEGATION_REQUEST_EXPIRED")
    if body["attempts"] + 1 > SMS_MAX_ATTEMPTS:
        await redis.delete(key)
        raise Conflict("验证码错误次数过多，请重新发送", code="SMS_CODE_LOCKED")
    if not hmac.compare_digest(blind_index(code, kind=f"sms:{pending_id}"), body["code_hash"]):
        raise ValidationFailed.field("code", "验证码不正确", code="SMS_CODE_WRONG")
    if not await redis.delete(key):  # single use, even under a concurrent second submission
        raise Conflict("验证码已失效或已使用，请重新发送", code="SMS_CODE_EXPIRED")
    async with in_transaction():
        principal, _ = await identity.find_or_create_shadow(
            name=body["name"], id_number=body["id_number"], phone=body["phone"])
        delegation = await Delegation.create(
            principal_id=principal.id, agent_id=agent.id, service_point_id=body["point_id"],
            scope_all=not body["items"], scope_items=body["items"], consent_method=ConsentMethod.OFFLINE_SMS,
            consent_file_id=body["form_file_id"], consent_phone_index=blind_index(body["phone"], kind="phone"),
            consent_at=clock.now(), expires_at=clock.now() + timedelta(days=body["days"]))
        await _notify_started(delegation)
    return delegation


# --- lists, revocation, state ---------------------------------------------------------------

def state_of(delegation: Delegation) -> str:
    if delegation.revoked_at is not None:
        return "revoked"
    if delegation.expires_at <= clock.now():
        return "expired"
    return "active"


async def list_delegations(*, account: Account) -> list[Delegation]:
    """Delegations the account gave (resident) or received (agent), newest first."""
    qs = Delegation.filter(agent_id=account.id) if account.role == Role.AGENT else \
        Delegation.filter(principal_id=account.id)
    return await qs.order_by("-created_at")


async def revoke(*, account: Account, delegation_id: uuid.UUID) -> Delegation:
    """The resident withdraws consent (or the agent gives the delegation back); effective at once."""
    delegation = await Delegation.get_or_none(
        Q(principal_id=account.id) | Q(agent_id=account.id), id=delegation_id)
    if delegation is None:
        raise NotFound("授权不存在", code="DELEGATION_NOT_FOUND")
    if state_of(delegation) != "active":
        raise Conflict("授权已撤销或已过期", code="DELEGATION_NOT_ACTIVE")
    async with in_transaction():
        updated = await Delegation.filter(id=delegation.id, revoked_at=None).update(
            revoked_at=clock.now(), revoked_by=account.id)
        if not updated:
            raise Conflict("授权已撤销", code="DELEGATION_NOT_ACTIVE")
        await delegation.refresh_from_db()
        await release_cases(delegation=delegation)
        other = delegation.agent_id if account.id == delegation.principal_id else delegation.principal_id
        await notifications.notify(account_id=other, kind="delegation", title="代办授权已撤销",
                                   body="代办授权已撤销，代办员不能再以您的名义办理事项。", ref=str(delegation.id))
    return delegation


async def release_cases(*, delegation: Delegation) -> int:
    """When a delegation ends (revoked or expired) its agent stops handling the principal's cases, except
    those whose item another live delegation from the principal to that agent still covers; the cases stay
    with the principal, unchanged. Marks the delegation done; returns how many cases were released."""
    from app.applications import agent_cases

    live = await Delegation.filter(principal_id=delegation.principal_id, agent_id=delegation.agent_id,
                                   revoked_at=None, expires_at__gt=clock.now())
    released = 0
    if not any(d.scope_all for d in live):
        keep = sorted({code for d in live for code in d.scope_items})
        released = await agent_cases.release_agent(applicant_id=delegation.principal_id,
                                                     agent_id=delegation.agent_id, keep_item_codes=keep)
    await Delegation.filter(id=delegation.id).update(cases_released_at=clock.now())
    return released


async def release_expired(*, agent_id: uuid.UUID | None = None) -> int:
    """Release the cases of every delegation that has expired since the last run (scheduled; the workbench
    runs it for one agent before listing, so an expired delegation's cases never show there)."""
    qs = Delegation.filter(revoked_at=None, expires_at__lte=clock.now(), cases_released_at=None)
    if agent_id is not None:
        qs = qs.filter(agent_id=agent_id)
    released = 0
    for delegation in await qs.order_by("expires_at"):
        async with in_transaction():
            released += await release_cases(delegation=delegation)
    return released


async def _notify_started(delegation: Delegation) -> None:
    agent = await identity.get_account(account_id=delegation.agent_id)
    await notifications.notify(
        account_id=delegation.principal_id, kind="delegation", title="代办授权已生效",
        body=f"您已授权{agent.display_name}为您代办，有效期至"
             f"{delegation.expires_at.astimezone(clock.SHANGHAI):%Y-%m-%d}。可随时在“我的授权”中撤销。",
        link="/pages/me/delegations", ref=str(delegation.id),
        wechat={"template": "delegation", "data": {
            "thing1": thing(agent.display_name), "phrase2": phrase("已生效"),
            "time3": time_value(delegation.consent_at), "thing4": thing("可随时撤销授权")}})


# --- acting on behalf -----------------------------------------------------------------------

@dataclass(frozen=True)
class Acting:
    """Who a request is for (principal) and who does it (actor); delegation set when they differ."""

    principal: Account
    actor: Account
    delegation: Delegation | None = None

    @property
    def on_behalf(self) -> bool:
        return self.delegation is not None


async def acting_for(*, actor: Account, delegation_id: str | None, item_code: str | None = None) -> Acting:
    """Resolve `X-On-Behalf-Of`: without it the actor acts for themself; with it the delegation
    must be the actor's own, active, at the actor's point, and cover `item_code` (403 otherwise)."""
    if not delegation_id:
        return Acting(principal=actor, actor=actor)
    if actor.role != Role.AGENT:
        raise Forbidden("只有代办员可以代他人办理", code="NOT_AN_AGENT")
    try:
        delegation_uuid = uuid.UUID(str(delegation_id))
    except ValueError:
        raise Forbidden("代办授权无效", code="DELEGATION_INVALID") from None
    delegation = await Delegation.get_or_none(id=delegation_uuid)
    if delegation is None or delegation.agent_id != actor.id:
        raise Forbidden("代办授权无效或不属于您", code="DELEGATION_INVALID")
    if delegation.service_point_id != actor.service_point_id:
        raise Forbidden("该授权属于其他服务站点", code="DELEGATION_OTHER_POINT")
    state = state_of(delegation)
    if state == "revoked":
        raise Forbidden("居民已撤销代办授权", code="DELEGATION_REVOKED")
    if state == "expired":
        raise Forbidden("代办授权已过期", code="DELEGATION_EXPIRED")
    if item_code is not None and not delegation.scope_all and item_code not in delegation.scope_items:
        raise Forbidden("该事项不在授权范围内", code="DELEGATION_OUT_OF_SCOPE")
    principal = await identity.get_account(account_id=delegation.principal_id)
    return Acting(principal=principal, actor=actor, delegation=delegation)


async def acting_from_request(request: Request, *, item_code: str | None = None) -> Acting:
    """`acting_for` with the authenticated account and the request's `X-On-Behalf-Of` header."""
    from app.identity.auth import current_account

    return await acting_for(actor=current_account(request),
                            delegation_id=request.headers.get(ON_BEHALF_HEADER), item_code=item_code)


def check_scope(acting: Acting, item_code: str | None) -> None:
    """403 DELEGATION_OUT_OF_SCOPE when an on-behalf request touches an item the delegation does not cover."""
    d = acting.delegation
    if d is not None and item_code is not None and not d.scope_all and item_code not in d.scope_items:
        raise Forbidden("该事项不在授权范围内", code="DELEGATION_OUT_OF_SCOPE")


async def on_behalf(request: Request, *, item_code: str | None = None, agents_must_delegate: bool = True) -> Acting:
    """`acting_from_request`, and an agent without `X-On-Behalf-Of` is refused (403 ON_BEHALF_REQUIRED)
    on paths where an agent has nothing of their own to do."""
    acting = await acting_from_request(request, item_code=item_code)
    if agents_must_delegate and not acting.on_behalf and acting.actor.role == Role.AGENT:
        raise Forbidden("代办员请通过 X-On-Behalf-Of 指定被代办人", code="ON_BEHALF_REQUIRED")
    return acting


async def resolve_on_behalf(*, actor: Account, delegation_id: str, scope: str = "",
                            item_code: str | None = None) -> tuple[uuid.UUID, uuid.UUID]:
    """(principal id, delegation id) for a domain's on-behalf hook (e.g. appointments); 403 like `acting_for`."""
    acting = await acting_for(actor=actor, delegation_id=delegation_id, item_code=item_code)
    if acting.delegation is None:
        raise Forbidden("代办授权无效", code="DELEGATION_INVALID")
    return acting.principal.id, acting.delegation.id


async def active_delegation(*, principal_id: uuid.UUID, agent_id: uuid.UUID,
                            item_code: str | None = None) -> Delegation | None:
    """The principal's active delegation to `agent_id` covering `item_code`, if any."""
    rows = await Delegation.filter(principal_id=principal_id, agent_id=agent_id, revoked_at=None,
                                   expires_at__gt=clock.now()).order_by("-created_at")
    for d in rows:
        if item_code is None or d.scope_all or item_code in d.scope_items:
            return d
    return None
