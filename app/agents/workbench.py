"""The agent workbench (my residents, my cases, due actions, point statistics) and case handover."""

from __future__ import annotations

import uuid

from app.agents.models import Delegation, ServicePoint
from app.agents.service import _require_point, active_delegation, get_point, release_expired, state_of
from app.applications import agent_cases
from app.applications.workflow import label
from app.appointments import service as appointments
from app.audit import service as audit
from app.core import clock
from app.core.crypto import mask_name, mask_phone
from app.core.errors import Conflict, Forbidden, NotFound
from app.identity import service as identity
from app.identity.models import Account, Role
from app.notifications import service as notifications


async def _masked_name(account_id) -> str | None:
    account = await identity.get_account(account_id=account_id)
    return mask_name(account.real_name or account.display_name)


async def residents(*, agent: Account) -> list[dict]:
    """The people who delegated to this agent (masked), one row per delegation, newest first."""
    rows = []
    for d in await Delegation.filter(agent_id=agent.id).order_by("-created_at"):
        principal = await identity.get_account(account_id=d.principal_id)
        rows.append({
            "delegation_id": str(d.id), "principal_id": str(d.principal_id),
            "name": mask_name(principal.real_name or principal.display_name),
            "phone": mask_phone(await identity.phone_of(account=principal)), "state": state_of(d),
            "scope_all": d.scope_all, "scope_items": d.scope_items, "consent_method": d.consent_method.value,
            "expires_at": d.expires_at})
    return rows


async def case_row(app) -> dict:
    """The workbench view of a case (no form, no materials: the agent opens the case for those)."""
    return {"id": str(app.id), "item_code": app.item_code, "item_name": app.item_name,
            "status": app.status.value, "status_label": label(app.status), "applicant_id": str(app.applicant_id),
            "applicant_name": await _masked_name(app.applicant_id), "receipt_no": app.receipt_no,
            "fee_fen": app.fee_fen, "paid": app.paid_at is not None, "created_at": app.created_at,
            "updated_at": app.updated_at}


async def cases(*, agent: Account, status: str | None, cursor: str | None, limit: int) -> tuple[list[dict], str | None]:
    """The cases this agent handles, newest first (never those of a delegation that has ended)."""
    await release_expired(agent_id=agent.id)
    rows, next_cursor = await agent_cases.list_by_agent(agent_id=agent.id, status=status, cursor=cursor,
                                                         limit=limit)
    return [await case_row(a) for a in rows], next_cursor


async def due(*, agent: Account) -> dict:
    """What waits for the agent: corrections requested, fees due, and today's appointments of the
    residents who currently delegate to them."""
    await release_expired(agent_id=agent.id)
    lists = await agent_cases.due_for_agent(agent_id=agent.id)
    principals = list({d.principal_id for d in await Delegation.filter(
        agent_id=agent.id, revoked_at=None, expires_at__gt=clock.now())})
    today = []
    for appt in await appointments.booked_on(principal_ids=principals, day=clock.today()):
        today.append({"id": str(appt.id), "principal_id": str(appt.principal_id),
                      "principal_name": await _masked_name(appt.principal_id), "item_code": appt.item_code,
                      "item_name": appt.item_name, "hall_id": str(appt.hall_id), "starts_at": appt.starts_at,
                      "queue_no": appt.queue_no})
    return {"corrections": [await case_row(a) for a in lists["corrections"]],
            "payments": [await case_row(a) for a in lists["payments"]], "appointments_today": today}


async def _point_agents(point: ServicePoint) -> list[uuid.UUID]:
    ids = set(await Delegation.filter(service_point_id=point.id).distinct().values_list("agent_id", flat=True))
    if point.lead_agent_id:
        ids.add(point.lead_agent_id)
    return [uuid.UUID(str(i)) for i in ids]


async def stats(*, agent: Account) -> dict:
    """Per service point: active delegations, cases by status, and this month's numbers."""
    point = await get_point(point_id=_require_point(agent))
    month_start = clock.local_now().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    now = clock.now()
    agent_ids = await _point_agents(point)
    for agent_id in agent_ids:
        await release_expired(agent_id=agent_id)
    return {
        "service_point_id": str(point.id), "service_point": point.name,
        "delegations_active": await Delegation.filter(service_point_id=point.id, revoked_at=None,
                                                      expires_at__gt=now).count(),
        "delegations_this_month": await Delegation.filter(service_point_id=point.id,
                                                          created_at__gte=month_start).count(),
        "cases_by_status": await agent_cases.counts_by_agents(agent_ids=agent_ids),
        "cases_this_month": await agent_cases.counts_by_agents(agent_ids=agent_ids, since=month_start),
    }


async def handover(*, lead: Account, application_id: uuid.UUID, to_agent_id: uuid.UUID, note: str = "",
                   ip: str = ""):
    """The point's lead agent moves a case to another agent of the point. The resident must have
    delegated to the receiving agent too (consent is never carried over): 409 otherwise."""
    point = await get_point(point_id=_require_point(lead))
    if point.lead_agent_id != lead.id:
        raise Forbidden("只有站点负责人可以转交办件", code="NOT_LEAD_AGENT")
    app = await agent_cases.get_handled(application_id=application_id, agent_ids=await _point_agents(point))
    try:
        receiver = await identity.get_account(account_id=to_agent_id)
    except NotFound:
        receiver = None
    if receiver is None or receiver.role != Role.AGENT or receiver.service_point_id != point.id:
        raise Conflict("接收人不是本站点的代办员", code="HANDOVER_AGENT_OTHER_POINT")
    if app.agent_id == receiver.id:
        raise Conflict("该办件已由该代办员办理", code="HANDOVER_SAME_AGENT")
    if await active_delegation(principal_id=app.applicant_id, agent_id=receiver.id, item_code=app.item_code) is None:
        raise Conflict("居民尚未授权接收的代办员办理该事项，请先请居民授权", code="HANDOVER_NEEDS_DELEGATION")
    from_agent_id = app.agent_id
    app = await agent_cases.reassign_agent(
        application_id=app.id, from_agent_id=from_agent_id, to_agent_id=receiver.id, by_id=lead.id,
        note=f"办件转由代办员{receiver.display_name}继续办理" + (f"：{note}" if note else ""))
    await audit.record(action="agents.case_handover", actor_id=lead.id, target_type="application",
                       target_id=app.id, ip=ip, details={"from_agent_id": str(from_agent_id),
                                                         "to_agent_id": str(receiver.id),
                                                         "service_point_id": str(point.id)})
    for agent_id, text in ((receiver.id, "您接手了一件代办办件"), (from_agent_id, "您的一件代办办件已转交")):
        await notifications.notify(account_id=agent_id, kind="agent_case", title=text,
                                   body=f"{text}：{app.item_name}", ref=str(app.id))
    return app
