from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.applications.privacy import mask_text
from app.core.pagination import PageQuery
from app.feedback.service import SCORE_LABELS, overdue

Aspect = Literal["guidance_clear", "procedure_easy", "fewer_materials", "friendly_ui"]


class EvaluationIn(BaseModel):
    score: int = Field(ge=1, le=5, description="5 非常满意 · 4 满意 · 3 基本满意 · 2 不满意 · 1 非常不满意")
    comment: str = Field("", max_length=500)
    aspects: list[Aspect] = Field(default_factory=list, max_length=4,
                                  description="指南清晰 · 流程简便 · 材料减少 · 界面友好")


class EvaluationOut(BaseModel):
    id: str
    kind: str
    score: int
    score_label: str
    comment: str
    aspects: list[str]
    created_at: datetime

    @classmethod
    def of(cls, e) -> "EvaluationOut":
        return cls(id=str(e.id), kind=e.kind, score=e.score, score_label=SCORE_LABELS[e.score],
                   comment=mask_text(e.comment), aspects=e.aspects or [], created_at=e.created_at)


class RectificationOut(BaseModel):
    id: str
    application_id: str
    item_name: str
    department: str
    status: str
    deadline: date
    overdue: bool
    response: str
    responded_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, r) -> "RectificationOut":
        return cls(id=str(r.id), application_id=str(r.application_id), item_name=r.item_name,
                   department=r.department, status=r.status, deadline=r.deadline, overdue=overdue(r),
                   response=mask_text(r.response), responded_at=r.responded_at, created_at=r.created_at)


class EvaluationsOut(BaseModel):
    evaluations: list[EvaluationOut]
    rectifications: list[RectificationOut]


class RectificationPage(BaseModel):
    items: list[RectificationOut]
    next_cursor: str | None = None


class RectificationQuery(PageQuery):
    status: Literal["open", "responded"] | None = None


class RespondIn(BaseModel):
    response: str = Field(min_length=1, max_length=2000)


class ConsultationIn(BaseModel):
    kind: Literal["consultation", "complaint"] = "consultation"
    title: str = Field(min_length=1, max_length=100)
    content: str = Field(min_length=1, max_length=2000)
    item_code: str | None = Field(None, min_length=1, max_length=64)
    application_id: uuid.UUID | None = None


class HotlineTicketIn(BaseModel):
    ticket_no: str = Field(min_length=1, max_length=64, description="热线工单号（重复推送返回同一记录）")
    source: Literal["12345", "96303"]
    kind: Literal["consultation", "complaint"] = "consultation"
    title: str = Field(min_length=1, max_length=100)
    content: str = Field(min_length=1, max_length=2000)
    item_code: str = Field(min_length=1, max_length=64)
    caller_phone: str = Field(pattern=r"^1[0-9]{10}$")


class ConsultationOut(BaseModel):
    id: str
    kind: str
    source: str
    item_code: str | None
    application_id: str | None
    department: str
    title: str
    content: str
    status: str
    deadline: date
    overdue: bool
    answer: str
    answered_at: datetime | None
    rating: int | None
    created_at: datetime

    @classmethod
    def of(cls, c) -> "ConsultationOut":
        return cls(id=str(c.id), kind=c.kind, source=c.source, item_code=c.item_code,
                   application_id=str(c.application_id) if c.application_id else None, department=c.department,
                   title=mask_text(c.title), content=mask_text(c.content), status=c.status, deadline=c.deadline,
                   overdue=overdue(c), answer=mask_text(c.answer), answered_at=c.answered_at, rating=c.rating,
                   created_at=c.created_at)


class ConsultationPage(BaseModel):
    items: list[ConsultationOut]
    next_cursor: str | None = None


class ConsultationQuery(PageQuery):
    status: Literal["open", "answered"] | None = None


class AnswerIn(BaseModel):
    answer: str = Field(min_length=1, max_length=2000)


class RateIn(BaseModel):
    score: int = Field(ge=1, le=5)
    comment: str = Field("", max_length=500)
