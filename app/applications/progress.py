"""Public progress (免登录进度查询) by receipt number and query code.

The answer is kept in Redis for PROGRESS_TTL seconds under the receipt number and dropped after
every timeline event of the case commits (`forget`), so the morning crowd of residents re-checking
their cases is served without the database and a new step shows at once. The query code is kept
only as a hash and checked on every read."""

from __future__ import annotations

import hashlib
import hmac
import logging

import orjson

from app.applications import service, workflow
from app.applications.schemas import ProgressOut, ProgressStep
from app.core import ratelimit, runtime
from app.core.cache import REDIS_DOWN
from app.core.errors import NotFound

log = logging.getLogger("sjt.applications.progress")
PROGRESS_TTL = 60


def _key(receipt_no: str) -> str:
    return f"progress:view:{receipt_no}"


def _code_hash(receipt_no: str, query_code: str) -> str:
    return hashlib.sha256(f"{receipt_no}:{query_code.strip().upper()}".encode()).hexdigest()


async def public_progress(*, receipt_no: str, query_code: str,
                          limits: tuple[tuple[str, int, int, str | None], ...] = ()) -> bytes:
    """The rendered progress of an accepted case (404 unless receipt number and query code match).
    `limits` (ratelimit.hit_many's) are counted in the same Redis round trip that reads the kept answer;
    while Redis is unreachable they are counted per worker and the answer comes from the database."""
    receipt_no = receipt_no.strip().upper()
    wanted = _code_hash(receipt_no, query_code)
    cached = await ratelimit.hit_many(*limits, read=_key(receipt_no), local_fallback=True)
    if cached is not None:
        entry = orjson.loads(cached)
        if not hmac.compare_digest(entry["code"], wanted):
            raise NotFound("受理编号或查询码不正确", code="PROGRESS_NOT_FOUND")
        return orjson.dumps(entry["view"])
    app, events, applicant = await service.progress(receipt_no=receipt_no, query_code=query_code)
    steps = [ProgressStep(label=workflow.ACTION_LABELS.get(e.action, e.action), status=e.to_status, at=e.created_at)
             for e in events if e.action != "created"]
    view = ProgressOut(receipt_no=app.receipt_no, item_name=app.item_name, applicant=applicant, status=app.status,
                       status_label=workflow.label(app.status), accepted_at=app.accepted_at, due_date=app.due_date,
                       completed_at=app.completed_at, steps=steps).model_dump(mode="json")
    try:
        await runtime.redis_client().set(_key(receipt_no), orjson.dumps({"code": wanted, "view": view}),
                                         ex=PROGRESS_TTL)
    except REDIS_DOWN:
        log.warning("progress cache unavailable on write")
    return orjson.dumps(view)


async def forget(*, receipt_no: str | None) -> None:
    """Drop the kept answer of a case (after a timeline event commits)."""
    if not receipt_no:
        return
    try:
        await runtime.redis_client().delete(_key(receipt_no))
    except REDIS_DOWN:
        log.warning("progress cache unavailable on delete; it expires within %s s", PROGRESS_TTL)
