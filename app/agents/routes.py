"""Agents: service points, delegations (QR or offline consent), revocation."""

from __future__ import annotations

import uuid

from sanic import Blueprint, Request

from app.agents import service, workbench
from app.agents.schemas import (
    AssignAgentIn, CaseOut, CasePage, CaseQuery, DueAppointment, DueOut, HandoverIn, ResidentList, ResidentOut,
    StatsOut, DelegationList, DelegationOut, DelegationPreview, DelegationRequestOut, OfflineIn,
    OfflinePending, OfflineVerifyIn, ScopeIn, ServicePointIn, ServicePointList, ServicePointOut,
    ServicePointQuery,
)
from app.core import ratelimit
from app.core.api import endpoint
from app.identity import service as identity
from app.identity.auth import authenticate, client_ip, current_account, require
from app.identity.models import Role

bp = Blueprint("agents")
PERSON = (Role.RESIDENT, Role.LEGAL_PERSON)
_AGENT = require(Role.AGENT)
# Guessing a resident's 6-digit SMS code: each pending consent allows few tries (service), and
# these cap how many codes one address / one agent may try at all. A request without a valid token
# is 401 before anything is counted (it cannot try a code); the address is counted before the role
# check, so other logged-in accounts from that address use up the same allowance.
OFFLINE_VERIFY_IP_LIMIT, OFFLINE_VERIFY_ACCOUNT_LIMIT, OFFLINE_VERIFY_WINDOW = 30, 20, 600


async def _offline_verify_auth(request: Request) -> None:
    await authenticate(request)
    await ratelimit.hit(f"offline-verify:ip:{client_ip(request)}", limit=OFFLINE_VERIFY_IP_LIMIT,
                        window=OFFLINE_VERIFY_WINDOW)
    await _AGENT(request)
    await ratelimit.hit(f"offline-verify:acct:{current_account(request).id}", limit=OFFLINE_VERIFY_ACCOUNT_LIMIT,
                        window=OFFLINE_VERIFY_WINDOW)


_offline_verify_auth.roles = _AGENT.roles  # type: ignore[attr-defined]


async def _out(delegation) -> DelegationOut:
    principal = await identity.get_account(account_id=delegation.principal_id)
    agent = await identity.get_account(account_id=delegation.agent_id)
    from app.core.crypto import mask_name

    return DelegationOut.of(delegation, state=service.state_of(delegation),
                            principal_name=mask_name(principal.real_name or principal.display_name),
                            agent_name=agent.display_name)


@bp.post("/delegations/request")
@endpoint(body=ScopeIn, response=DelegationRequestOut, status=201, summary="代办员生成授权二维码",
          tag="agents", auth=require(Role.AGENT), errors=(404,))
async def request_delegation(request: Request, body: ScopeIn):
    return DelegationRequestOut(**await service.request_delegation(
        agent=current_account(request), items=body.items, days=body.days))


@bp.get("/delegations/requests/<ticket:str>")
@endpoint(response=DelegationPreview, summary="居民扫码后查看授权内容", tag="agents",
          auth=require(*PERSON), errors=(404,))
async def preview(request: Request, ticket: str):
    return DelegationPreview(**await service.describe_request(ticket=ticket))


@bp.post("/delegations/<ticket:str>/confirm")
@endpoint(response=DelegationOut, status=201, summary="居民确认授权代办", tag="agents",
          auth=require(*PERSON), errors=(404, 409))
async def confirm(request: Request, ticket: str):
    return await _out(await service.confirm_delegation(ticket=ticket, resident=current_account(request)))


@bp.post("/delegations/offline")
@endpoint(body=OfflineIn, response=OfflinePending, status=202, summary="线下授权：上传签字授权书并发送短信验证码",
          tag="agents", auth=require(Role.AGENT), errors=(404, 502))
async def offline(request: Request, body: OfflineIn):
    return OfflinePending(**await service.start_offline(
        agent=current_account(request), name=body.name, id_number=body.id_number, phone=body.phone,
        form_file_id=body.form_file_id, items=body.items, days=body.days))


@bp.post("/delegations/offline/<pending_id:str>/verify")
@endpoint(body=OfflineVerifyIn, response=DelegationOut, status=201, summary="线下授权：核对居民短信验证码",
          tag="agents", auth=_offline_verify_auth, errors=(404, 409, 429))
async def offline_verify(request: Request, pending_id: str, body: OfflineVerifyIn):
    return await _out(await service.verify_offline(agent=current_account(request), pending_id=pending_id,
                                                   code=body.code))


@bp.get("/delegations")
@endpoint(response=DelegationList, summary="我的代办授权（居民：我授权的；代办员：授权给我的）", tag="agents",
          auth=require(*PERSON, Role.AGENT))
async def list_delegations(request: Request):
    rows = await service.list_delegations(account=current_account(request))
    return DelegationList(items=[await _out(d) for d in rows])


@bp.delete("/delegations/<delegation_id:uuid>")
@endpoint(response=DelegationOut, summary="撤销代办授权", tag="agents", auth=require(*PERSON, Role.AGENT),
          errors=(404, 409))
async def revoke(request: Request, delegation_id: uuid.UUID):
    return await _out(await service.revoke(account=current_account(request), delegation_id=delegation_id))


@bp.get("/service-points")
@endpoint(query=ServicePointQuery, response=ServicePointList, summary="便民服务站点", tag="agents")
async def list_points(request: Request, query: ServicePointQuery):
    return ServicePointList(items=[ServicePointOut.of(p) for p in await service.list_points(region=query.region)])


@bp.post("/service-points")
@endpoint(body=ServicePointIn, response=ServicePointOut, status=201, summary="新建服务站点（管理员）",
          tag="agents", auth=require(Role.ADMIN), errors=(409,))
async def create_point(request: Request, body: ServicePointIn):
    return ServicePointOut.of(await service.create_point(**body.model_dump()))


@bp.post("/service-points/<point_id:uuid>/agents")
@endpoint(body=AssignAgentIn, response=ServicePointOut, summary="为站点分配代办员（管理员）", tag="agents",
          auth=require(Role.ADMIN), errors=(404,))
async def assign(request: Request, point_id: uuid.UUID, body: AssignAgentIn):
    return ServicePointOut.of(await service.assign_agent(point_id=point_id, account_id=body.account_id,
                                                         lead=body.lead))


# --- agent workbench ------------------------------------------------------------------------

AGENT = require(Role.AGENT)


@bp.get("/agent/residents")
@endpoint(response=ResidentList, summary="代办员工作台：我代办的居民（脱敏）及授权状态", tag="agent-workbench",
          auth=AGENT)
async def my_residents(request: Request):
    return ResidentList(items=[ResidentOut(**r) for r in await workbench.residents(agent=current_account(request))])


@bp.get("/agent/cases")
@endpoint(query=CaseQuery, response=CasePage, summary="代办员工作台：我办理的办件", tag="agent-workbench", auth=AGENT)
async def my_cases(request: Request, query: CaseQuery):
    rows, cursor = await workbench.cases(agent=current_account(request), status=query.status, cursor=query.cursor,
                                         limit=query.limit)
    return CasePage(items=[CaseOut(**r) for r in rows], next_cursor=cursor)


@bp.get("/agent/due")
@endpoint(response=DueOut, summary="代办员工作台：待办（待补正、待缴费、今日预约）", tag="agent-workbench", auth=AGENT)
async def due(request: Request):
    data = await workbench.due(agent=current_account(request))
    return DueOut(corrections=[CaseOut(**r) for r in data["corrections"]],
                  payments=[CaseOut(**r) for r in data["payments"]],
                  appointments_today=[DueAppointment(**r) for r in data["appointments_today"]])


@bp.get("/agent/stats")
@endpoint(response=StatsOut, summary="代办员工作台：本站点统计", tag="agent-workbench", auth=AGENT, errors=(403,))
async def stats(request: Request):
    return StatsOut(**await workbench.stats(agent=current_account(request)))


@bp.post("/agent/cases/<application_id:uuid>/handover")
@endpoint(body=HandoverIn, response=CaseOut, summary="站点负责人转交办件给本站点其他代办员", tag="agent-workbench",
          auth=AGENT, errors=(403, 404, 409))
async def handover(request: Request, application_id: uuid.UUID, body: HandoverIn):
    app = await workbench.handover(lead=current_account(request), application_id=application_id,
                                   to_agent_id=body.to_agent_id, note=body.note, ip=client_ip(request))
    return CaseOut(**await workbench.case_row(app))
