"""Review services for reviewers, scoped by their department and region (GB/T 2260 prefix)."""

from __future__ import annotations

import base64
import uuid
from datetime import date

import orjson
from tortoise.expressions import Q
from app.core.transactions import in_transaction

from app.applications import service, workflow
from app.applications.models import Application, Status
from app.catalog import service as catalog
from app.core import clock
from app.core.errors import Conflict, NotFound, ValidationFailed

QUEUE_DEFAULT = (Status.SUBMITTED, Status.ACCEPTED, Status.APPROVED)


def region_prefix(code: str) -> str:
    """The code prefix every region inside `code` shares: 140000 → 14, 140100 → 1401,
    140121 → 140121, 140121100000 → 140121100."""
    code = (code or "").strip()
    if len(code) == 6:
        if code.endswith("0000"):
            return code[:2]
        if code.endswith("00"):
            return code[:4]
        return code
    if len(code) == 12 and code.endswith("000"):
        return code[:9]
    return code


def scoped(reviewer) -> "Q | None":
    """The filter of what `reviewer` may see, None when the reviewer has no scope."""
    if not reviewer.department or not reviewer.region_code:
        return None
    return Q(department=reviewer.department, region_code__startswith=region_prefix(reviewer.region_code))


def _queryset(reviewer):
    scope = scoped(reviewer)
    if scope is None:
        return Application.filter(id=None)
    return Application.filter(scope).exclude(status=Status.DRAFT)


async def get_for_review(*, application_id: uuid.UUID, reviewer) -> Application:
    """A case inside the reviewer's department and region (404 otherwise, drafts included)."""
    app = await _queryset(reviewer).filter(id=application_id).first()
    if app is None:
        raise NotFound("办件不存在", code="APPLICATION_NOT_FOUND")
    return app


def _encode(deadline: date, row_id) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([deadline.isoformat(), str(row_id)])).decode().rstrip("=")


def _decode(cursor: str) -> tuple[date, str]:
    try:
        day, row_id = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return date.fromisoformat(day), str(uuid.UUID(row_id))
    except Exception as exc:  # noqa: BLE001 - any malformed cursor is the client's error
        raise ValidationFailed.field("cursor", "分页游标无效", code="INVALID_CURSOR") from exc


async def queue(*, reviewer, status: Status | None, cursor: str | None, limit: int):
    """The reviewer's cases by urgency (red overdue, yellow close to the deadline, normal), then deadline.

    Urgency only grows as the deadline nears, so ordering by deadline is ordering by urgency."""
    qs = _queryset(reviewer).filter(deadline__isnull=False)
    qs = qs.filter(status=status) if status is not None else qs.filter(status__in=QUEUE_DEFAULT)
    if cursor:
        day, row_id = _decode(cursor)
        qs = qs.filter(Q(deadline__gt=day) | Q(deadline=day, id__gt=row_id))
    rows = await qs.order_by("deadline", "id").limit(limit + 1)
    next_cursor = _encode(rows[limit - 1].deadline, rows[limit - 1].id) if len(rows) > limit else None
    return rows[:limit], next_cursor


async def accept(*, application_id: uuid.UUID, reviewer, note: str = "") -> Application:
    """受理: receipt number, query code, due date (promised working days from today)."""
    app = await get_for_review(application_id=application_id, reviewer=reviewer)
    if app.status != Status.SUBMITTED:
        raise workflow.illegal(app, "accept")
    changes = await workflow.accept_changes(app, accept_day=clock.today())
    return await workflow.transition(app, action="accept", actor_id=reviewer.id, note=note, changes=changes)


async def request_correction(*, application_id: uuid.UUID, reviewer, items: list[dict], note: str = "") -> Application:
    """一次性告知: the complete list of materials and fields to correct, in one request."""
    app = await get_for_review(application_id=application_id, reviewer=reviewer)
    if app.status != Status.SUBMITTED:
        raise workflow.illegal(app, "request_correction")
    item = await catalog.get_item_by_id(item_id=app.item_id)
    await item.fetch_related("materials")
    names = {m.code: m.name for m in item.materials}
    corrections, problems = [], []
    for i, entry in enumerate(items):
        code, field = entry.get("material_code"), entry.get("field")
        if code and code not in names:
            problems.append({"field": f"items.{i}.material_code", "message": "该事项没有此材料"})
            continue
        corrections.append({"material_code": code, "field": field, "name": names.get(code) if code else field,
                            "reason": entry["reason"]})
    if problems:
        raise ValidationFailed(problems[0]["message"], details={"fields": problems})
    return await workflow.transition(
        app, action="request_correction", actor_id=reviewer.id, note=note, data={"items": corrections},
        changes={"corrections": corrections, "correction_round": app.correction_round + 1})


async def not_accept(*, application_id: uuid.UUID, reviewer, reason: str) -> Application:
    """不予受理 with the reason."""
    app = await get_for_review(application_id=application_id, reviewer=reviewer)
    return await workflow.transition(app, action="not_accept", actor_id=reviewer.id, note=reason,
                                     changes={"decision_reason": reason, "closed_at": clock.now()})


async def approve(*, application_id: uuid.UUID, reviewer, note: str = "") -> Application:
    """审批通过."""
    app = await get_for_review(application_id=application_id, reviewer=reviewer)
    return await workflow.transition(app, action="approve", actor_id=reviewer.id, note=note,
                                     changes={"decided_at": clock.now()})


async def reject(*, application_id: uuid.UUID, reviewer, reason: str) -> Application:
    """不予批准 with the reason."""
    app = await get_for_review(application_id=application_id, reviewer=reviewer)
    return await workflow.transition(app, action="reject", actor_id=reviewer.id, note=reason,
                                     changes={"decision_reason": reason, "decided_at": clock.now()})


async def complete(*, application_id: uuid.UUID, reviewer, note: str = "") -> Application:
    """办结; an approved case with a fee must be paid first. Issues the results (licences at merge)."""
    app = await get_for_review(application_id=application_id, reviewer=reviewer)
    if app.status == Status.APPROVED and app.fee_fen > 0 and app.paid_at is None:
        raise Conflict("该办件尚未缴费，不能办结", code="FEE_UNPAID", details={"fee_fen": app.fee_fen})
    approved = app.status == Status.APPROVED
    async with in_transaction():
        app = await workflow.transition(app, action="complete", actor_id=reviewer.id, note=note,
                                        changes={"completed_at": clock.now()})
        if approved:
            await service.issue_results(app=app)
    return app
