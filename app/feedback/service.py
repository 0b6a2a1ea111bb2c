"""好差评 (ratings, rectification of bad ratings) and 咨询投诉 (consultations and complaints)."""

from __future__ import annotations

import uuid

from tortoise.expressions import Q
from app.core.transactions import in_transaction

from app.applications import service as applications
from app.applications.review import region_prefix
from app.calendar import service as calendar
from app.catalog import service as catalog
from app.core import clock
from app.core.errors import Conflict, NotFound, ValidationFailed
from app.core.pagination import paginate
from app.feedback.models import Consultation, Evaluation, Rectification

RECTIFICATION_WORKDAYS = 15
BAD_SCORES = frozenset({1, 2})
ANSWER_WORKDAYS = {"consultation": 3, "complaint": 10}
SCORE_LABELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
ASPECTS = ("guidance_clear", "procedure_easy", "fewer_materials", "friendly_ui")


def _scope(reviewer) -> Q | None:
    if not reviewer.department or not reviewer.region_code:
        return None
    return Q(department=reviewer.department, region_code__startswith=region_prefix(reviewer.region_code))


def overdue(row) -> bool:
    """Open past its deadline (rectification or consultation)."""
    return row.status == "open" and clock.today() > row.deadline


async def _notify(account_id, *, title: str, body: str, link: str, ref: str, item: str, status: str) -> None:
    from app.notifications import service as notifications
    from app.notifications.templates import character_string, phrase, thing, time_value

    await notifications.notify(account_id=account_id, kind="feedback", title=title, body=body, link=link, ref=ref,
                               wechat={"template": "application_status", "data": {
                                   "thing1": thing(item), "phrase2": phrase(status),
                                   "character_string3": character_string(ref[:8].upper()),
                                   "time4": time_value(clock.now()), "thing5": thing(body)}})


# ---------------------------------------------------------------- 好差评

async def evaluate(*, application_id: uuid.UUID, applicant_id: uuid.UUID, score: int, comment: str = "",
                   aspects: list[str] | None = None, supplementary: bool = False) -> tuple[Evaluation, Rectification | None]:
    """Rate a completed case once, and add one supplementary rating later; a score of 1–2 opens a
    rectification case for the department (15 working days to respond)."""
    app = await applications.get_own(application_id=application_id, applicant_id=applicant_id)
    if app.status != "completed":
        raise Conflict("办件办结后才能评价", code="NOT_COMPLETED", details={"status": app.status.value})
    kind = "supplementary" if supplementary else "initial"
    has_initial = await Evaluation.exists(application_id=app.id, kind="initial")
    if supplementary and not has_initial:
        raise Conflict("请先进行评价", code="EVALUATION_MISSING")
    if await Evaluation.exists(application_id=app.id, kind=kind):
        raise Conflict("已评价过" if not supplementary else "追加评价只能一次", code="EVALUATION_EXISTS")
    now = clock.now()
    async with in_transaction():
        evaluation = await Evaluation.create(
            application_id=app.id, applicant_id=applicant_id, item_code=app.item_code, department=app.department,
            region_code=app.region_code, kind=kind, score=score, comment=comment, aspects=aspects or [],
            created_at=now)
        rectification = None
        if score in BAD_SCORES and not await Rectification.exists(application_id=app.id, status="open"):
            rectification = await Rectification.create(
                application_id=app.id, evaluation_id=evaluation.id, applicant_id=applicant_id,
                item_name=app.item_name, department=app.department, region_code=app.region_code,
                deadline=await calendar.add_workdays(start=clock.today(), days=RECTIFICATION_WORKDAYS),
                created_at=now)
    return evaluation, rectification


async def evaluation_of(*, application_id: uuid.UUID, applicant_id: uuid.UUID):
    """The applicant's ratings of a case and the rectification cases they opened."""
    app = await applications.get_own(application_id=application_id, applicant_id=applicant_id)
    evaluations = await Evaluation.filter(application_id=app.id).order_by("created_at", "kind")
    rectifications = await Rectification.filter(application_id=app.id).order_by("created_at")
    return evaluations, rectifications


async def rectification_queue(*, reviewer, status: str | None, cursor: str | None, limit: int):
    """Rectification cases of the reviewer's department and region, newest first."""
    scope = _scope(reviewer)
    qs = Rectification.filter(scope) if scope is not None else Rectification.filter(id=None)
    if status:
        qs = qs.filter(status=status)
    return await paginate(qs, cursor=cursor, limit=limit)


async def respond_rectification(*, rectification_id: uuid.UUID, reviewer, response: str) -> Rectification:
    """The department's required response to a bad rating; the applicant is told."""
    scope = _scope(reviewer)
    row = await Rectification.filter(scope).filter(id=rectification_id).first() if scope is not None else None
    if row is None:
        raise NotFound("整改记录不存在", code="RECTIFICATION_NOT_FOUND")
    async with in_transaction():
        updated = await Rectification.filter(id=row.id, status="open").update(
            status="responded", response=response, responder_id=reviewer.id, responded_at=clock.now())
        if not updated:
            raise Conflict("该整改已答复", code="ALREADY_RESPONDED")
        row = await Rectification.get(id=row.id)
        await _notify(row.applicant_id, title=f"{row.item_name[:40]}：差评整改已答复", body=response[:200],
                      link=f"/pages/applications/detail?id={row.application_id}", ref=str(row.application_id),
                      item=row.item_name, status="已答复")
    return row


# ---------------------------------------------------------------- 咨询投诉

async def _route(*, item_code: str | None, application_id: uuid.UUID | None,
                 applicant_id: uuid.UUID | None) -> tuple[str, str, str | None]:
    """(department, region, item code) responsible for a question about an item or a complaint on a case."""
    if application_id is not None:
        if applicant_id is None:
            raise ValidationFailed.field("application_id", "热线工单请指定事项")
        app = await applications.get_own(application_id=application_id, applicant_id=applicant_id)
        return app.department, app.region_code, app.item_code
    if item_code:
        item = await catalog.get_item(code=item_code, with_materials=False)
        return item.department, item.region_code, item.code
    raise ValidationFailed.field("item_code", "请指定事项或办件")


async def ask(*, applicant_id: uuid.UUID | None, kind: str, title: str, content: str, item_code: str | None = None,
              application_id: uuid.UUID | None = None, source: str = "online", hotline_ticket_no: str | None = None,
              contact_phone: str | None = None) -> Consultation:
    """A consultation or complaint routed to the responsible department with an answer deadline."""
    from app.core.crypto import blind_index, encrypt

    if kind == "complaint" and source == "online" and application_id is None and not item_code:
        raise ValidationFailed.field("application_id", "投诉请指定办件或事项")
    if hotline_ticket_no and await Consultation.exists(hotline_ticket_no=hotline_ticket_no):
        return await Consultation.get(hotline_ticket_no=hotline_ticket_no)  # the hotline may resend
    department, region, code = await _route(item_code=item_code, application_id=application_id,
                                            applicant_id=applicant_id)
    deadline = await calendar.add_workdays(start=clock.today(), days=ANSWER_WORKDAYS[kind])
    return await Consultation.create(
        kind=kind, source=source, applicant_id=applicant_id, hotline_ticket_no=hotline_ticket_no,
        contact_phone_enc=encrypt(contact_phone, context="phone") if contact_phone else None,
        contact_phone_index=blind_index(contact_phone, kind="phone") if contact_phone else None,
        item_code=code, application_id=application_id, department=department, region_code=region,
        title=title, content=content, deadline=deadline, created_at=clock.now())


async def hotline_ticket(*, ticket_no: str, source: str, kind: str, title: str, content: str, item_code: str,
                         caller_phone: str) -> Consultation:
    """A 12345/96303 hotline ticket; the caller sees it in the app when logged in with that phone."""
    return await ask(applicant_id=None, kind=kind, title=title, content=content, item_code=item_code,
                     source=source, hotline_ticket_no=ticket_no, contact_phone=caller_phone)


def _mine(applicant_id: uuid.UUID, phone_index: str | None) -> Q:
    return Q(applicant_id=applicant_id) | Q(contact_phone_index=phone_index) if phone_index else \
        Q(applicant_id=applicant_id)


async def list_mine(*, applicant_id: uuid.UUID, phone_index: str | None = None, cursor: str | None, limit: int):
    """The resident's consultations and complaints (and hotline tickets from their phone), newest first."""
    return await paginate(Consultation.filter(_mine(applicant_id, phone_index)), cursor=cursor, limit=limit)


async def get_mine(*, consultation_id: uuid.UUID, applicant_id: uuid.UUID,
                   phone_index: str | None = None) -> Consultation:
    """One of the resident's consultations (404 for anyone else's)."""
    row = await Consultation.filter(_mine(applicant_id, phone_index)).filter(id=consultation_id).first()
    if row is None:
        raise NotFound("咨询记录不存在", code="CONSULTATION_NOT_FOUND")
    return row


async def consultation_queue(*, reviewer, status: str | None, cursor: str | None, limit: int):
    """The department's consultations, oldest deadline first (overdue at the top)."""
    scope = _scope(reviewer)
    qs = Consultation.filter(scope) if scope is not None else Consultation.filter(id=None)
    if status:
        qs = qs.filter(status=status)
    offset = _offset(cursor)
    rows = await qs.order_by("deadline", "created_at", "id").offset(offset).limit(limit + 1)
    return rows[:limit], (str(offset + limit) if len(rows) > limit else None)


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    if not cursor.isdigit() or len(cursor) > 9:
        raise ValidationFailed.field("cursor", "分页游标无效", code="INVALID_CURSOR")
    return int(cursor)


async def answer(*, consultation_id: uuid.UUID, reviewer, text: str) -> Consultation:
    """The department's answer; the resident is told."""
    scope = _scope(reviewer)
    row = await Consultation.filter(scope).filter(id=consultation_id).first() if scope is not None else None
    if row is None:
        raise NotFound("咨询记录不存在", code="CONSULTATION_NOT_FOUND")
    async with in_transaction():
        updated = await Consultation.filter(id=row.id, status="open").update(
            status="answered", answer=text, answerer_id=reviewer.id, answered_at=clock.now())
        if not updated:
            raise Conflict("该咨询已答复", code="ALREADY_ANSWERED")
        row = await Consultation.get(id=row.id)
        if row.applicant_id:  # hotline callers are answered by the hotline itself
            label = "投诉" if row.kind == "complaint" else "咨询"
            await _notify(row.applicant_id, title=f"您的{label}已答复：{row.title[:30]}", body=text[:200],
                          link=f"/pages/consultations/detail?id={row.id}", ref=str(row.id), item=row.title,
                          status="已答复")
    return row


async def rate_answer(*, consultation_id: uuid.UUID, applicant_id: uuid.UUID, score: int, comment: str = "",
                      phone_index: str | None = None) -> Consultation:
    """Rate an answered consultation once."""
    row = await get_mine(consultation_id=consultation_id, applicant_id=applicant_id, phone_index=phone_index)
    if row.status != "answered":
        raise Conflict("答复后才能评价", code="NOT_ANSWERED")
    updated = await Consultation.filter(id=row.id, rating=None).update(rating=score, rating_comment=comment)
    if not updated:
        raise Conflict("已评价过", code="EVALUATION_EXISTS")
    return await Consultation.get(id=row.id)


# ---------------------------------------------------------------- aggregates for statistics

async def rating_counts() -> dict[int, int]:
    """Initial ratings (one per case) by score 1–5."""
    from app.feedback.models import Evaluation

    counts = {score: 0 for score in range(1, 6)}
    for score in await Evaluation.filter(kind="initial").values_list("score", flat=True):
        counts[int(score)] = counts.get(int(score), 0) + 1
    return counts


async def rectification_counts(*, today=None) -> dict[str, int]:
    """Rectification cases: open, responded, and open past their deadline (overdue)."""
    from app.feedback.models import Rectification

    today = today or clock.today()
    out = {"open": 0, "responded": 0, "overdue": 0}
    for status, deadline in await Rectification.all().values_list("status", "deadline"):
        out[status] = out.get(status, 0) + 1
        if status == "open" and deadline < today:
            out["overdue"] += 1
    return out
