from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints, model_validator

from app.applications.models import Status
from app.applications.privacy import mask_text, mask_values
from app.applications.workflow import ACTION_LABELS, label
from app.core.pagination import PageQuery

MaterialCode = Annotated[str, StringConstraints(min_length=1, max_length=32)]


class MaterialRef(BaseModel):
    """Uploaded file ids, or a wallet licence that stands in for the material (免提交); both empty
    removes the material from a draft."""

    file_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20)
    license_id: str | None = Field(None, min_length=1, max_length=64)

    @model_validator(mode="after")
    def one_kind(self) -> "MaterialRef":
        if self.file_ids and self.license_id:
            raise ValueError("文件与电子证照只能选择一种")
        return self


class CreateIn(BaseModel):
    item_code: str | None = Field(None, min_length=1, max_length=64, description="事项编码")
    bundle_code: str | None = Field(None, min_length=1, max_length=64, description="一件事主题编码")
    form: dict[str, Any] | None = None
    materials: dict[MaterialCode, MaterialRef] | None = Field(None, max_length=50)

    @model_validator(mode="after")
    def one_target(self) -> "CreateIn":
        if bool(self.item_code) == bool(self.bundle_code):
            raise ValueError("请指定事项编码或主题套餐编码之一")
        return self


class UpdateIn(BaseModel):
    form: dict[str, Any] | None = None
    materials: dict[MaterialCode, MaterialRef] | None = Field(None, max_length=50)


class WithdrawIn(BaseModel):
    reason: str = Field("", max_length=200)


class ListQuery(PageQuery):
    status: Status | None = None


class EventOut(BaseModel):
    action: str
    label: str
    from_status: str | None
    to_status: str
    actor_id: str | None
    on_behalf_of: str | None
    note: str
    data: dict[str, Any]
    at: datetime

    @classmethod
    def of(cls, e) -> "EventOut":
        return cls(action=e.action, label=ACTION_LABELS.get(e.action, e.action), from_status=e.from_status,
                   to_status=e.to_status, actor_id=str(e.actor_id) if e.actor_id else None,
                   on_behalf_of=str(e.on_behalf_of) if e.on_behalf_of else None, note=mask_text(e.note),
                   data=mask_values(e.data or {}), at=e.created_at)


class CorrectionOut(BaseModel):
    material_code: str | None
    field: str | None
    name: str | None
    reason: str


class ApplicationOut(BaseModel):
    id: str
    item_code: str
    item_name: str
    department: str
    region_code: str
    status: Status
    status_label: str
    applicant_id: str
    actor_id: str
    agent_id: str | None = Field(None, description="办理该件的代办员（代办件；转交后为新代办员）")
    form: dict[str, Any]
    materials: dict[str, dict[str, Any]]
    receipt_no: str | None
    query_code: str | None
    accept_deadline: date | None
    due_date: date | None
    urgency: str = Field(description="red 已超期 · yellow 临近期限（2个工作日内）· normal · none 不计时")
    fee_fen: int
    paid: bool
    group_id: str | None
    bundle_code: str | None
    corrections: list[CorrectionOut]
    decision_reason: str
    submitted_at: datetime | None
    accepted_at: datetime | None
    decided_at: datetime | None
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    timeline: list[EventOut] | None = None

    @classmethod
    def of(cls, a, *, urgency: str, events=None) -> "ApplicationOut":
        return cls(
            id=str(a.id), item_code=a.item_code, item_name=a.item_name, department=a.department,
            region_code=a.region_code, status=a.status, status_label=label(a.status),
            applicant_id=str(a.applicant_id), actor_id=str(a.actor_id),
            agent_id=str(a.agent_id) if a.agent_id else None, form=mask_values(a.form),
            materials=a.materials or {}, receipt_no=a.receipt_no, query_code=a.query_code,
            accept_deadline=a.accept_deadline, due_date=a.due_date, urgency=urgency, fee_fen=a.fee_fen,
            paid=a.paid_at is not None, group_id=str(a.group_id) if a.group_id else None,
            bundle_code=a.bundle_code, corrections=[CorrectionOut(**mask_values(c)) for c in a.corrections or []],
            decision_reason=mask_text(a.decision_reason), submitted_at=a.submitted_at, accepted_at=a.accepted_at,
            decided_at=a.decided_at, completed_at=a.completed_at, created_at=a.created_at,
            updated_at=a.updated_at,
            timeline=[EventOut.of(e) for e in events] if events is not None else None)


class CreatedOut(BaseModel):
    group_id: str | None
    items: list[ApplicationOut]


class ApplicationPage(BaseModel):
    items: list[ApplicationOut]
    next_cursor: str | None = None


class CorrectionItemIn(BaseModel):
    material_code: str | None = Field(None, min_length=1, max_length=32)
    field: str | None = Field(None, min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def one_target(self) -> "CorrectionItemIn":
        if bool(self.material_code) == bool(self.field):
            raise ValueError("每一项须指定材料编码或表单字段之一")
        return self


class CorrectionIn(BaseModel):
    items: list[CorrectionItemIn] = Field(min_length=1, max_length=50)
    note: str = Field("", max_length=500)


class ReasonIn(BaseModel):
    reason: str = Field(min_length=1, max_length=500)


class NoteIn(BaseModel):
    note: str = Field("", max_length=500)


class ReviewQuery(PageQuery):
    status: Status | None = Field(None, description="默认：已提交、已受理、审批通过（计时中）")


class ProgressQuery(BaseModel):
    receipt_no: str = Field(min_length=1, max_length=32, description="受理编号")
    query_code: str = Field(min_length=1, max_length=16, description="查询码")


class ProgressStep(BaseModel):
    label: str
    status: str
    at: datetime


class ProgressOut(BaseModel):
    receipt_no: str
    item_name: str
    applicant: str = Field(description="申请人（脱敏）")
    status: Status
    status_label: str
    accepted_at: datetime | None
    due_date: date | None
    completed_at: datetime | None
    steps: list[ProgressStep]
