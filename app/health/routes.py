"""Liveness and readiness probes (outside /api/v1, for load balancers and orchestrators)."""

from __future__ import annotations

import asyncio

from pydantic import BaseModel
from sanic import Blueprint, Request

from app.core import runtime
from app.core.api import endpoint, json_response
from app.core.db import ping_db

bp = Blueprint("health", url_prefix="/")
bp.ctx.api_prefix = False


class Health(BaseModel):
    status: str


class Readiness(BaseModel):
    status: str
    database: str
    redis: str


@bp.get("/healthz")
@endpoint(response=Health, summary="进程存活检查", tag="health")
async def healthz(request: Request):
    return Health(status="ok")


@bp.get("/readyz")
@endpoint(response=Readiness, summary="依赖就绪检查（数据库与 Redis）", tag="health", errors=(503,))
async def readyz(request: Request):
    db_state = redis_state = "ok"
    try:
        await asyncio.wait_for(ping_db(), timeout=2)
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        db_state = "down"
    try:
        await asyncio.wait_for(runtime.redis_client().ping(), timeout=2)
    except Exception:  # noqa: BLE001
        redis_state = "down"
    ok = db_state == redis_state == "ok"
    body = Readiness(status="ok" if ok else "degraded", database=db_state, redis=redis_state)
    return json_response(body, status=200 if ok else 503)
