"""Cases an agent (代办员) handles: the check for acting on a resident's case, the workbench lists,
handover and release when a delegation ends."""

from __future__ import annotations

import uuid

from app.applications import workflow
from app.applications.models import Application, Status
from app.applications.service import get_own
from app.core import clock
from app.core.errors import Conflict, Forbidden, NotFound
from app.core.pagination import paginate
from app.core.transactions import in_transaction


async def get_for_acting(*, application_id: uuid.UUID, acting) -> Application:
    """A case of the person `acting` (agents.Acting) stands for: another person's case is 404, an agent's
    delegation must cover the case's item, and a case another agent handles is theirs (403 CASE_OTHER_AGENT)."""
    app = await get_own(application_id=application_id, applicant_id=acting.principal.id)
    check_acting(app=app, acting=acting)
    return app


def check_acting(*, app: Application, acting) -> None:
    """An agent may act on a case only within their delegation and when no other agent handles it."""
    from app.agents import service as agents

    if acting.on_behalf:
        agents.check_scope(acting, app.item_code)
        if app.agent_id is not None and app.agent_id != acting.actor.id:
            raise Forbidden("该办件由本站点其他代办员办理", code="CASE_OTHER_AGENT")


async def list_by_agent(*, agent_id: uuid.UUID, status: Status | None = None, cursor: str | None = None,
                        limit: int = 20):
    """The cases an agent handles (created on behalf or handed over to them), newest first."""
    qs = Application.filter(agent_id=agent_id)
    if status is not None:
        qs = qs.filter(status=status)
    return await paginate(qs, cursor=cursor, limit=limit)


async def due_for_agent(*, agent_id: uuid.UUID) -> dict[str, list[Application]]:
    """An agent's cases waiting for them: corrections requested, and fees payable but unpaid."""
    corrections = await Application.filter(agent_id=agent_id, status=Status.NEEDS_CORRECTION).order_by("updated_at")
    payments = await Application.filter(agent_id=agent_id, status__in=(Status.ACCEPTED, Status.APPROVED),
                                        fee_fen__gt=0, paid_at=None).order_by("updated_at")
    return {"corrections": corrections, "payments": payments}


async def counts_by_agents(*, agent_ids: list[uuid.UUID], since=None) -> dict[str, int]:
    """Cases handled by these agents by status (created since `since` when given)."""
    qs = Application.filter(agent_id__in=agent_ids)
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    counts: dict[str, int] = {}
    for status in await qs.values_list("status", flat=True):
        key = status.value if isinstance(status, Status) else str(status)
        counts[key] = counts.get(key, 0) + 1
    return counts


async def get_handled(*, application_id: uuid.UUID, agent_ids: list[uuid.UUID]) -> Application:
    """A case handled by one of `agent_ids` (404 otherwise)."""
    app = await Application.get_or_none(id=application_id, agent_id__in=agent_ids)
    if app is None:
        raise NotFound("办件不存在", code="APPLICATION_NOT_FOUND")
    return app


async def reassign_agent(*, application_id: uuid.UUID, from_agent_id: uuid.UUID, to_agent_id: uuid.UUID,
                         by_id: uuid.UUID, note: str = "") -> Application:
    """Hand a case from one agent to another: guarded update, timeline event, the applicant notified."""
    async with in_transaction():
        updated = await Application.filter(id=application_id, agent_id=from_agent_id).update(
            agent_id=to_agent_id, updated_at=clock.now())
        if not updated:
            raise Conflict("办件已被转交或不再由该代办员办理", code="HANDOVER_STALE")
        app = await Application.get(id=application_id)
        await workflow.record_event(app, action="handover", actor_id=by_id, on_behalf_of=None, note=note,
                                    data={"from_agent_id": str(from_agent_id), "to_agent_id": str(to_agent_id)},
                                    notify=True)
    return app


async def release_agent(*, applicant_id: uuid.UUID, agent_id: uuid.UUID,
                        keep_item_codes: list[str] | None = None) -> int:
    """The agent no longer handles the applicant's cases (consent withdrawn or expired): they stay with the
    applicant, unchanged. Cases of `keep_item_codes` (items a live delegation still covers) stay with the agent."""
    qs = Application.filter(applicant_id=applicant_id, agent_id=agent_id)
    if keep_item_codes:
        qs = qs.exclude(item_code__in=keep_item_codes)
    return await qs.update(agent_id=None)
