from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from app.agents.models import Delegation, ServicePoint


class ScopeIn(BaseModel):
    items: list[str] | None = Field(None, max_length=50, description="授权事项编码；不填表示全部事项")
    days: int = Field(30, ge=1, le=365, description="授权天数")


class DelegationRequestOut(BaseModel):
    ticket: str
    payload: str = Field(description="SJT1:D: 二维码内容")
    qr_png: str = Field(description="二维码 PNG（base64）")
    expires_in: int


class ScopeItem(BaseModel):
    code: str
    name: str


class DelegationPreview(BaseModel):
    agent_name: str
    service_point: str
    address: str
    scope_all: bool
    items: list[ScopeItem]
    expires_at: datetime


class OfflineIn(ScopeIn):
    name: str = Field(min_length=2, max_length=32)
    id_number: str = Field(min_length=18, max_length=18)
    phone: str = Field(pattern=r"^1[3-9]\d{9}$")
    form_file_id: uuid.UUID = Field(description="签字授权书照片（POST files 上传后的 id）")

    @field_validator("id_number")
    @classmethod
    def upper(cls, v: str) -> str:
        return v.upper()


class OfflinePending(BaseModel):
    pending_id: str
    phone: str = Field(description="脱敏手机号")
    expires_in: int


class OfflineVerifyIn(BaseModel):
    code: str = Field(pattern=r"^\d{6}$")


class DelegationOut(BaseModel):
    id: str
    principal_id: str
    principal_name: str | None = None
    agent_id: str
    agent_name: str | None = None
    service_point_id: str
    scope_all: bool
    scope_items: list[str]
    consent_method: str
    consent_at: datetime
    expires_at: datetime
    state: str
    revoked_at: datetime | None = None

    @classmethod
    def of(cls, d: Delegation, *, state: str, principal_name: str | None = None,
           agent_name: str | None = None) -> "DelegationOut":
        return cls(id=str(d.id), principal_id=str(d.principal_id), principal_name=principal_name,
                   agent_id=str(d.agent_id), agent_name=agent_name, service_point_id=str(d.service_point_id),
                   scope_all=d.scope_all, scope_items=d.scope_items, consent_method=d.consent_method.value,
                   consent_at=d.consent_at, expires_at=d.expires_at, state=state, revoked_at=d.revoked_at)


class DelegationList(BaseModel):
    items: list[DelegationOut]


class ServicePointIn(BaseModel):
    code: str = Field(min_length=2, max_length=32, pattern=r"^[A-Za-z0-9-]+$")
    name: str = Field(min_length=2, max_length=128)
    kind: str = Field("village", pattern="^(village|community)$")
    region_code: str = Field(pattern=r"^\d{6}(\d{3}(\d{3})?)?$")
    address: str = Field(min_length=2, max_length=255)
    phone: str = Field("", max_length=32)


class ServicePointOut(BaseModel):
    id: str
    code: str
    name: str
    kind: str
    region_code: str
    address: str
    phone: str
    opening_hours: dict
    lead_agent_id: str | None = None

    @classmethod
    def of(cls, p: ServicePoint) -> "ServicePointOut":
        return cls(id=str(p.id), code=p.code, name=p.name, kind=p.kind, region_code=p.region_code,
                   address=p.address, phone=p.phone, opening_hours=p.opening_hours,
                   lead_agent_id=str(p.lead_agent_id) if p.lead_agent_id else None)


class ServicePointList(BaseModel):
    items: list[ServicePointOut]


class ServicePointQuery(BaseModel):
    region: str | None = Field(None, pattern=r"^\d{6,12}$")


class AssignAgentIn(BaseModel):
    account_id: uuid.UUID
    lead: bool = False


# --- agent workbench ------------------------------------------------------------------------

class ResidentOut(BaseModel):
    delegation_id: str
    principal_id: str
    name: str | None = Field(None, description="脱敏姓名")
    phone: str | None = Field(None, description="脱敏手机号")
    state: str = Field(description="active · expired · revoked")
    scope_all: bool
    scope_items: list[str]
    consent_method: str
    expires_at: datetime


class ResidentList(BaseModel):
    items: list[ResidentOut]


class CaseOut(BaseModel):
    id: str
    item_code: str
    item_name: str
    status: str
    status_label: str
    applicant_id: str
    applicant_name: str | None = Field(None, description="脱敏姓名")
    receipt_no: str | None = None
    fee_fen: int
    paid: bool
    created_at: datetime
    updated_at: datetime


class CaseQuery(BaseModel):
    status: Literal["draft", "submitted", "needs_correction", "accepted", "approved", "rejected", "completed",
                    "withdrawn", "not_accepted"] | None = None
    cursor: str | None = Field(None, max_length=512)
    limit: int = Field(20, ge=1, le=100)


class CasePage(BaseModel):
    items: list[CaseOut]
    next_cursor: str | None = None


class DueAppointment(BaseModel):
    id: str
    principal_id: str
    principal_name: str | None = None
    item_code: str
    item_name: str
    hall_id: str
    starts_at: datetime
    queue_no: int | None = None


class DueOut(BaseModel):
    corrections: list[CaseOut] = Field(description="待补正")
    payments: list[CaseOut] = Field(description="待缴费")
    appointments_today: list[DueAppointment] = Field(description="今日预约")


class StatsOut(BaseModel):
    service_point_id: str
    service_point: str
    delegations_active: int
    delegations_this_month: int
    cases_by_status: dict[str, int]
    cases_this_month: dict[str, int]


class HandoverIn(BaseModel):
    to_agent_id: uuid.UUID
    note: str = Field("", max_length=200)
