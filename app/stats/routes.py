"""Statistics for administrators."""

from __future__ import annotations

from sanic import Blueprint, Request

from app.core.api import endpoint
from app.identity.auth import require
from app.identity.models import Role
from app.stats import service
from app.stats.schemas import OverviewOut

bp = Blueprint("stats")


@bp.get("/stats/overview")
@endpoint(response=OverviewOut, summary="统计概览（网办比例、办件、时效、满意度、整改）", tag="stats",
          auth=require(Role.ADMIN))
async def overview(request: Request):
    return await service.overview()
