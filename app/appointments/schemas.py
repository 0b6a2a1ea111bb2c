from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator

_HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"


class Period(BaseModel):
    start: str = Field(pattern=_HHMM, examples=["09:00"])
    end: str = Field(pattern=_HHMM, examples=["12:00"])

    @field_validator("end")
    @classmethod
    def _after_start(cls, v: str, info) -> str:
        if info.data.get("start") and v <= info.data["start"]:
            raise ValueError("结束时间应晚于开始时间")
        return v


class RuleIn(BaseModel):
    window_group: str = Field(min_length=1, max_length=8, pattern=r"^[A-Z]{1,2}$", description="窗口分组，如 A")
    name: str = Field("", max_length=64)
    item_codes: list[str] = Field(default_factory=list, max_length=200, description="为空表示该大厅全部可预约事项")
    weekdays: list[int] = Field(min_length=1, max_length=7, description="0=周一 … 6=周日")
    periods: list[Period] = Field(min_length=1, max_length=8)
    slot_minutes: int = Field(30, ge=10, le=240)
    capacity: int = Field(ge=1, le=10_000)

    @field_validator("weekdays")
    @classmethod
    def _weekdays(cls, v: list[int]) -> list[int]:
        if any(d < 0 or d > 6 for d in v):
            raise ValueError("星期取值应在 0–6 之间")
        return sorted(set(v))

    def data(self) -> dict:
        d = self.model_dump()
        d["periods"] = [p.model_dump() for p in self.periods]
        return d


class RuleOut(BaseModel):
    id: uuid.UUID
    hall_id: uuid.UUID
    window_group: str
    name: str
    item_codes: list[str]
    weekdays: list[int]
    periods: list[Period]
    slot_minutes: int
    capacity: int
    active: bool

    @classmethod
    def of(cls, r) -> "RuleOut":
        return cls(id=r.id, hall_id=r.hall_id, window_group=r.window_group, name=r.name, item_codes=r.item_codes,
                   weekdays=r.weekdays, periods=r.periods, slot_minutes=r.slot_minutes, capacity=r.capacity,
                   active=r.active)


class RuleList(BaseModel):
    items: list[RuleOut]


class GenerateOut(BaseModel):
    created: int
    closed: int


class ClosureIn(BaseModel):
    date: date
    reason: str = Field(min_length=2, max_length=100, examples=["系统升级停止办理"])


class ClosureOut(BaseModel):
    slots: int = Field(description="关闭的时段数")
    cancelled: int = Field(description="取消并已通知的预约数")
    waitlist_cancelled: int


class SlotQuery(BaseModel):
    item: str | None = Field(None, max_length=64, description="事项编码")
    date: date


class SlotOut(BaseModel):
    id: uuid.UUID
    window_group: str
    window_name: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    remaining: int
    status: Literal["open", "closed"]
    bookable: bool


class SlotList(BaseModel):
    hall_id: uuid.UUID
    date: date
    items: list[SlotOut]


class BookIn(BaseModel):
    hall_id: uuid.UUID
    item_code: str = Field(min_length=1, max_length=64)
    slot_id: uuid.UUID


class WaitlistIn(BaseModel):
    item_code: str = Field(min_length=1, max_length=64)


class HallBrief(BaseModel):
    id: uuid.UUID
    name: str
    address: str
    phone: str


class ItemBrief(BaseModel):
    code: str
    name: str


class MaterialToBring(BaseModel):
    name: str
    format: str
    copies: int
    original: str
    required: bool
    condition: str


class TicketOut(BaseModel):
    payload: str = Field(description="二维码内容（SJT1:A:…），窗口扫码签到")
    png_base64: str | None = Field(None, description="二维码 PNG（base64），仅详情返回")


class AppointmentOut(BaseModel):
    id: uuid.UUID
    status: Literal["booked", "checked_in", "served", "cancelled", "no_show"]
    hall: HallBrief
    item: ItemBrief
    window_group: str
    window_names: list[str]
    date: date
    starts_at: datetime
    ends_at: datetime
    queue_no: str | None
    principal_id: uuid.UUID = Field(description="预约人（被代办人）")
    actor_id: uuid.UUID = Field(description="操作人（本人或代办员）")
    delegation_id: uuid.UUID | None
    cancellable_until: datetime
    cancel_reason: str | None
    checked_in_at: datetime | None
    served_at: datetime | None
    created_at: datetime
    ticket: TicketOut | None = Field(None, description="仅有效预约（booked）返回")
    materials: list[MaterialToBring] = Field(default_factory=list, description="需携带的材料（详情返回）")


class AppointmentList(BaseModel):
    items: list[AppointmentOut]
    next_cursor: str | None = None


class AppointmentListQuery(BaseModel):
    status: Literal["booked", "checked_in", "served", "cancelled", "no_show"] | None = None
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(20, ge=1, le=100)


class WaitlistOut(BaseModel):
    id: uuid.UUID
    slot_id: uuid.UUID
    item_code: str
    status: Literal["waiting", "offered", "confirmed", "expired", "cancelled"]
    position: int = Field(description="排队位置（仅 waiting 时大于 0）")
    offer_expires_at: datetime | None
    appointment_id: uuid.UUID | None
    created_at: datetime

    @classmethod
    def of(cls, e, position: int = 0) -> "WaitlistOut":
        return cls(id=e.id, slot_id=e.slot_id, item_code=e.item_code, status=e.status.value, position=position,
                   offer_expires_at=e.offer_expires_at, appointment_id=e.appointment_id, created_at=e.created_at)


class WaitlistList(BaseModel):
    items: list[WaitlistOut]


class DeskItem(BaseModel):
    id: uuid.UUID
    status: str
    queue_no: str | None
    item_code: str
    item_name: str
    window_group: str
    starts_at: datetime
    ends_at: datetime
    person: str = Field(description="办事人姓名（脱敏）")
    checked_in_at: datetime | None


class QueueOut(BaseModel):
    date: date
    items: list[DeskItem]
