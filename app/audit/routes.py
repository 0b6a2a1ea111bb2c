"""Audit reader for administrators: events (filtered, cursor-paginated) and the chain check."""

from __future__ import annotations

from sanic import Blueprint, Request

from app.audit import service
from app.audit.schemas import AuditEventOut, AuditPage, AuditQuery, ChainReport
from app.core.api import endpoint
from app.identity.auth import require
from app.identity.models import Role

bp = Blueprint("audit")


@bp.get("/audit/events")
@endpoint(query=AuditQuery, response=AuditPage, summary="审计日志（管理员）", tag="audit",
          auth=require(Role.ADMIN))
async def list_events(request: Request, query: AuditQuery):
    rows, next_cursor = await service.list_events(
        actor_id=query.actor_id, action=query.action, target_id=query.target_id, outcome=query.outcome,
        since=query.since, until=query.until, cursor=query.cursor, limit=query.limit)
    return AuditPage(items=[AuditEventOut.of(e) for e in rows], next_cursor=next_cursor)


@bp.get("/audit/verify")
@endpoint(response=ChainReport, summary="校验审计日志哈希链（管理员）", tag="audit", auth=require(Role.ADMIN))
async def verify(request: Request):
    return ChainReport(**await service.verify_chain())
