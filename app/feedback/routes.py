"""好差评 and 咨询投诉: residents rate and ask, departments respond."""

from __future__ import annotations

import uuid

from sanic import Blueprint, Request

from app.core.api import endpoint
from app.feedback import service
from app.feedback.schemas import (
    AnswerIn, ConsultationIn, ConsultationOut, ConsultationPage, ConsultationQuery, EvaluationIn, EvaluationOut,
    EvaluationsOut, HotlineTicketIn, RateIn, RectificationOut, RectificationPage, RectificationQuery, RespondIn,
)
from app.identity.auth import PERSON_ROLES, current_account, require
from app.identity.models import Role

bp = Blueprint("feedback")

PERSON = require(*PERSON_ROLES)
REVIEWER = require(Role.REVIEWER)


async def _evaluate(request: Request, application_id: uuid.UUID, body: EvaluationIn, supplementary: bool):
    account = current_account(request)
    await service.evaluate(application_id=application_id, applicant_id=account.id, score=body.score,
                           comment=body.comment, aspects=list(body.aspects), supplementary=supplementary)
    evaluations, rectifications = await service.evaluation_of(application_id=application_id, applicant_id=account.id)
    return EvaluationsOut(evaluations=[EvaluationOut.of(e) for e in evaluations],
                          rectifications=[RectificationOut.of(r) for r in rectifications])


@bp.post("/applications/<application_id:uuid>/evaluation")
@endpoint(body=EvaluationIn, response=EvaluationsOut, status=201, summary="好差评（办结后一次）", tag="feedback",
          auth=PERSON, errors=(404, 409))
async def evaluate(request: Request, application_id: uuid.UUID, body: EvaluationIn):
    return await _evaluate(request, application_id, body, supplementary=False)


@bp.post("/applications/<application_id:uuid>/evaluation/supplement")
@endpoint(body=EvaluationIn, response=EvaluationsOut, status=201, summary="追加评价（一次）", tag="feedback",
          auth=PERSON, errors=(404, 409))
async def supplement(request: Request, application_id: uuid.UUID, body: EvaluationIn):
    return await _evaluate(request, application_id, body, supplementary=True)


@bp.get("/applications/<application_id:uuid>/evaluation")
@endpoint(response=EvaluationsOut, summary="我的评价与整改答复", tag="feedback", auth=PERSON, errors=(404,))
async def my_evaluation(request: Request, application_id: uuid.UUID):
    evaluations, rectifications = await service.evaluation_of(application_id=application_id,
                                                              applicant_id=current_account(request).id)
    return EvaluationsOut(evaluations=[EvaluationOut.of(e) for e in evaluations],
                          rectifications=[RectificationOut.of(r) for r in rectifications])


@bp.get("/review/rectifications")
@endpoint(query=RectificationQuery, response=RectificationPage, summary="差评整改", tag="feedback", auth=REVIEWER)
async def rectifications(request: Request, query: RectificationQuery):
    rows, cursor = await service.rectification_queue(reviewer=current_account(request), status=query.status,
                                                     cursor=query.cursor, limit=query.limit)
    return RectificationPage(items=[RectificationOut.of(r) for r in rows], next_cursor=cursor)


@bp.post("/review/rectifications/<rectification_id:uuid>/respond")
@endpoint(body=RespondIn, response=RectificationOut, summary="整改答复", tag="feedback", auth=REVIEWER,
          errors=(404, 409))
async def respond(request: Request, rectification_id: uuid.UUID, body: RespondIn):
    row = await service.respond_rectification(rectification_id=rectification_id, reviewer=current_account(request),
                                              response=body.response)
    return RectificationOut.of(row)


@bp.post("/consultations")
@endpoint(body=ConsultationIn, response=ConsultationOut, status=201, summary="咨询或投诉", tag="feedback",
          auth=PERSON, errors=(404,))
async def ask(request: Request, body: ConsultationIn):
    row = await service.ask(applicant_id=current_account(request).id, kind=body.kind, title=body.title,
                            content=body.content, item_code=body.item_code, application_id=body.application_id)
    return ConsultationOut.of(row)


@bp.get("/consultations")
@endpoint(query=ConsultationQuery, response=ConsultationPage, summary="我的咨询投诉", tag="feedback", auth=PERSON)
async def mine(request: Request, query: ConsultationQuery):
    account = current_account(request)
    rows, cursor = await service.list_mine(applicant_id=account.id, phone_index=account.phone_index,
                                           cursor=query.cursor, limit=query.limit)
    return ConsultationPage(items=[ConsultationOut.of(r) for r in rows], next_cursor=cursor)


@bp.get("/consultations/<consultation_id:uuid>")
@endpoint(response=ConsultationOut, summary="咨询投诉详情", tag="feedback", auth=PERSON, errors=(404,))
async def one(request: Request, consultation_id: uuid.UUID):
    account = current_account(request)
    return ConsultationOut.of(await service.get_mine(consultation_id=consultation_id, applicant_id=account.id,
                                                     phone_index=account.phone_index))


@bp.post("/consultations/<consultation_id:uuid>/rating")
@endpoint(body=RateIn, response=ConsultationOut, summary="评价答复", tag="feedback", auth=PERSON, errors=(404, 409))
async def rate(request: Request, consultation_id: uuid.UUID, body: RateIn):
    account = current_account(request)
    return ConsultationOut.of(await service.rate_answer(consultation_id=consultation_id, applicant_id=account.id,
                                                        score=body.score, comment=body.comment,
                                                        phone_index=account.phone_index))


@bp.post("/hotline/tickets")
@endpoint(body=HotlineTicketIn, response=ConsultationOut, status=201, summary="热线工单转入（12345/96303）",
          tag="feedback", auth=require(Role.ADMIN), errors=(404,))
async def hotline(request: Request, body: HotlineTicketIn):
    row = await service.hotline_ticket(ticket_no=body.ticket_no, source=body.source, kind=body.kind, title=body.title,
                                       content=body.content, item_code=body.item_code, caller_phone=body.caller_phone)
    return ConsultationOut.of(row)


@bp.get("/review/consultations")
@endpoint(query=ConsultationQuery, response=ConsultationPage, summary="待答复咨询投诉（超期在前）", tag="feedback",
          auth=REVIEWER)
async def queue(request: Request, query: ConsultationQuery):
    rows, cursor = await service.consultation_queue(reviewer=current_account(request), status=query.status,
                                                    cursor=query.cursor, limit=query.limit)
    return ConsultationPage(items=[ConsultationOut.of(r) for r in rows], next_cursor=cursor)


@bp.post("/review/consultations/<consultation_id:uuid>/answer")
@endpoint(body=AnswerIn, response=ConsultationOut, summary="答复咨询投诉", tag="feedback", auth=REVIEWER,
          errors=(404, 409))
async def answer(request: Request, consultation_id: uuid.UUID, body: AnswerIn):
    return ConsultationOut.of(await service.answer(consultation_id=consultation_id, reviewer=current_account(request),
                                                   text=body.answer))
