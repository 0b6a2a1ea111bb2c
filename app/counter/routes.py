"""Counter: POST counter/scan — the one box at a service-hall window."""

from __future__ import annotations

from sanic import Blueprint, Request

from app.core.api import endpoint
from app.counter import service
from app.counter.schemas import ScanIn, ScanOut
from app.identity.auth import current_account, require
from app.identity.models import Role

bp = Blueprint("counter")


@bp.post("/counter/scan")
@endpoint(body=ScanIn, response=ScanOut, summary="窗口扫码（预约签到或亮证核验）", tag="counter",
          auth=require(Role.COUNTER), errors=(403, 404, 409))
async def scan(request: Request, body: ScanIn):
    kind, result = await service.scan(payload=body.payload, staff=current_account(request))
    return ScanOut(kind=kind, result=result)
