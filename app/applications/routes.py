"""Applications (applicant), review (reviewers) and the public progress query."""

from __future__ import annotations

import uuid

from sanic import Blueprint, HTTPResponse, Request

from app.applications import progress as public
from app.applications import agent_cases, review, service, workflow
from app.applications.schemas import (
    ApplicationOut, ApplicationPage, CorrectionIn, CreatedOut, CreateIn, ListQuery, NoteIn, ProgressOut,
    ProgressQuery, ReasonIn, ReviewQuery, UpdateIn, WithdrawIn,
)
from app.agents import service as agents
from app.core.api import endpoint
from app.identity.auth import PERSON_ROLES, client_ip, current_account, require
from app.identity.models import Role

bp = Blueprint("applications")

APPLICANT = require(*PERSON_ROLES, Role.AGENT)  # agents only with X-On-Behalf-Of
REVIEWER = require(Role.REVIEWER)
PROGRESS_LIMIT, PROGRESS_WINDOW = 30, 60
PER_RECEIPT_LIMIT, PER_RECEIPT_WINDOW = 20, 3600  # guessing one case's query code from many IPs


async def principal(request: Request, *, item_codes: list[str] | None = None) -> tuple[uuid.UUID, uuid.UUID]:
    """(applicant id, actor id): an agent's `X-On-Behalf-Of` delegation must cover every item given."""
    acting = await agents.on_behalf(request)
    for code in item_codes or []:
        agents.check_scope(acting, code)
    return acting.principal.id, acting.actor.id


async def own_case(request: Request, application_id: uuid.UUID):
    """(application, applicant id, actor id) for a case of the applicant; an agent's delegation must cover
    the case's item, and a case another agent handles is theirs (403 CASE_OTHER_AGENT)."""
    acting = await agents.on_behalf(request)
    app = await agent_cases.get_for_acting(application_id=application_id, acting=acting)
    return app, acting.principal.id, acting.actor.id


async def out(app, *, with_timeline: bool = False) -> ApplicationOut:
    events = await service.timeline(application_id=app.id) if with_timeline else None
    return ApplicationOut.of(app, urgency=await workflow.urgency(app), events=events)


@bp.post("/applications")
@endpoint(body=CreateIn, response=CreatedOut, status=201, summary="新建办件草稿（单事项或一件事套餐）",
          tag="applications", auth=APPLICANT, errors=(404, 409))
async def create(request: Request, body: CreateIn):
    codes = [body.item_code] if body.item_code else await service.bundle_item_codes(bundle_code=body.bundle_code)
    applicant_id, actor_id = await principal(request, item_codes=codes)
    group_id, apps = await service.create(applicant_id=applicant_id, actor_id=actor_id, item_code=body.item_code,
                                          bundle_code=body.bundle_code, form=body.form, materials=body.materials)
    return CreatedOut(group_id=str(group_id) if group_id else None, items=[await out(a) for a in apps])


@bp.get("/applications")
@endpoint(query=ListQuery, response=ApplicationPage, summary="我的办件", tag="applications", auth=APPLICANT)
async def list_mine(request: Request, query: ListQuery):
    acting = await agents.on_behalf(request)
    d = acting.delegation
    rows, cursor = await service.list_own(applicant_id=acting.principal.id, status=query.status,
                                          cursor=query.cursor, limit=query.limit,
                                          item_codes=None if d is None or d.scope_all else list(d.scope_items))
    return ApplicationPage(items=[await out(a) for a in rows], next_cursor=cursor)


@bp.get("/applications/<application_id:uuid>")
@endpoint(response=ApplicationOut, summary="办件详情（含办理过程）", tag="applications", auth=APPLICANT,
          errors=(404,))
async def get_one(request: Request, application_id: uuid.UUID):
    acting = await agents.on_behalf(request)
    app, events = await service.get_own_with_timeline(application_id=application_id,
                                                      applicant_id=acting.principal.id)
    agent_cases.check_acting(app=app, acting=acting)
    return ApplicationOut.of(app, urgency=await workflow.urgency(app), events=events)


@bp.patch("/applications/<application_id:uuid>")
@endpoint(body=UpdateIn, response=ApplicationOut, summary="修改草稿或补正材料", tag="applications",
          auth=APPLICANT, errors=(404, 409))
async def update(request: Request, application_id: uuid.UUID, body: UpdateIn):
    _, applicant_id, actor_id = await own_case(request, application_id)
    app = await service.update(application_id=application_id, applicant_id=applicant_id, form=body.form,
                               materials=body.materials, actor_id=actor_id)
    return await out(app)


@bp.post("/applications/<application_id:uuid>/submit")
@endpoint(response=ApplicationOut, summary="提交申请（不完整时一次列出全部问题）", tag="applications",
          auth=APPLICANT, errors=(404, 409, 422))
async def submit(request: Request, application_id: uuid.UUID):
    _, applicant_id, actor_id = await own_case(request, application_id)
    app = await service.submit(application_id=application_id, applicant_id=applicant_id, actor_id=actor_id)
    return await out(app, with_timeline=True)


@bp.post("/applications/<application_id:uuid>/withdraw")
@endpoint(body=WithdrawIn, response=ApplicationOut, summary="撤回申请（受理前）", tag="applications",
          auth=APPLICANT, errors=(404, 409))
async def withdraw(request: Request, application_id: uuid.UUID, body: WithdrawIn):
    _, applicant_id, actor_id = await own_case(request, application_id)
    app = await service.withdraw(application_id=application_id, applicant_id=applicant_id, actor_id=actor_id,
                                 reason=body.reason)
    return await out(app, with_timeline=True)


# ---------------------------------------------------------------- review

@bp.get("/review/applications")
@endpoint(query=ReviewQuery, response=ApplicationPage, summary="待审办件（按紧急程度排序）", tag="review",
          auth=REVIEWER)
async def review_queue(request: Request, query: ReviewQuery):
    rows, cursor = await review.queue(reviewer=current_account(request), status=query.status,
                                      cursor=query.cursor, limit=query.limit)
    return ApplicationPage(items=[await out(a) for a in rows], next_cursor=cursor)


@bp.get("/review/applications/<application_id:uuid>")
@endpoint(response=ApplicationOut, summary="审查办件详情", tag="review", auth=REVIEWER, errors=(404,))
async def review_one(request: Request, application_id: uuid.UUID):
    app = await review.get_for_review(application_id=application_id, reviewer=current_account(request))
    return await out(app, with_timeline=True)


@bp.post("/review/applications/<application_id:uuid>/accept")
@endpoint(body=NoteIn, response=ApplicationOut, summary="受理", tag="review", auth=REVIEWER, errors=(404, 409))
async def accept(request: Request, application_id: uuid.UUID, body: NoteIn):
    app = await review.accept(application_id=application_id, reviewer=current_account(request), note=body.note)
    return await out(app, with_timeline=True)


@bp.post("/review/applications/<application_id:uuid>/request-correction")
@endpoint(body=CorrectionIn, response=ApplicationOut, summary="一次性告知补正", tag="review", auth=REVIEWER,
          errors=(404, 409))
async def request_correction(request: Request, application_id: uuid.UUID, body: CorrectionIn):
    app = await review.request_correction(application_id=application_id, reviewer=current_account(request),
                                          items=[i.model_dump() for i in body.items], note=body.note)
    return await out(app, with_timeline=True)


@bp.post("/review/applications/<application_id:uuid>/not-accept")
@endpoint(body=ReasonIn, response=ApplicationOut, summary="不予受理", tag="review", auth=REVIEWER,
          errors=(404, 409))
async def not_accept(request: Request, application_id: uuid.UUID, body: ReasonIn):
    app = await review.not_accept(application_id=application_id, reviewer=current_account(request),
                                  reason=body.reason)
    return await out(app, with_timeline=True)


@bp.post("/review/applications/<application_id:uuid>/approve")
@endpoint(body=NoteIn, response=ApplicationOut, summary="审批通过", tag="review", auth=REVIEWER, errors=(404, 409))
async def approve(request: Request, application_id: uuid.UUID, body: NoteIn):
    app = await review.approve(application_id=application_id, reviewer=current_account(request), note=body.note)
    return await out(app, with_timeline=True)


@bp.post("/review/applications/<application_id:uuid>/reject")
@endpoint(body=ReasonIn, response=ApplicationOut, summary="不予批准", tag="review", auth=REVIEWER,
          errors=(404, 409))
async def reject(request: Request, application_id: uuid.UUID, body: ReasonIn):
    app = await review.reject(application_id=application_id, reviewer=current_account(request), reason=body.reason)
    return await out(app, with_timeline=True)


@bp.post("/review/applications/<application_id:uuid>/complete")
@endpoint(body=NoteIn, response=ApplicationOut, summary="办结", tag="review", auth=REVIEWER, errors=(404, 409))
async def complete(request: Request, application_id: uuid.UUID, body: NoteIn):
    app = await review.complete(application_id=application_id, reviewer=current_account(request), note=body.note)
    return await out(app, with_timeline=True)


# ---------------------------------------------------------------- public progress

@bp.get("/progress")
@endpoint(query=ProgressQuery, response=ProgressOut, summary="办件进度查询（免登录）", tag="applications",
          errors=(404, 429))
async def progress(request: Request, query: ProgressQuery):
    limits = ((f"progress:{client_ip(request)}", PROGRESS_LIMIT, PROGRESS_WINDOW, "查询过于频繁，请稍后再试"),
              (f"progress:receipt:{query.receipt_no.strip().upper()}", PER_RECEIPT_LIMIT, PER_RECEIPT_WINDOW,
               "该受理编号查询过于频繁，请稍后再试"))
    data = await public.public_progress(receipt_no=query.receipt_no, query_code=query.query_code, limits=limits)
    return HTTPResponse(data, content_type="application/json")


from app.agents.docs import on_behalf_header  # noqa: E402

on_behalf_header(create, list_mine, get_one, update, submit, withdraw)
