from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, model_validator

from app.core.crypto import mask_name, mask_phone
from app.delivery.models import STATUS_LABELS, DeliveryStatus, Method


class AddressIn(BaseModel):
    recipient: str = Field(min_length=1, max_length=30, description="收件人")
    phone: str = Field(min_length=11, max_length=11, pattern=r"^1[3-9]\d{9}$", description="收件人手机号")
    region_code: str = Field(min_length=6, max_length=12, pattern=r"^\d+$", description="区划代码（GB/T 2260）")
    detail: str = Field(min_length=1, max_length=200, description="详细地址")


class DeliveryIn(BaseModel):
    method: Method = Field(description="pickup 窗口领取 · mail 邮寄")
    hall_code: str | None = Field(None, min_length=1, max_length=32, description="领取大厅（默认事项的第一个大厅）")
    address: AddressIn | None = Field(None, description="邮寄地址（method=mail 时必填）")

    @model_validator(mode="after")
    def address_for_mail(self) -> "DeliveryIn":
        if self.method == Method.MAIL and self.address is None:
            raise ValueError("邮寄须填写收件地址")
        return self


class PickupIn(BaseModel):
    pickup_code: str = Field(min_length=6, max_length=8, pattern=r"^\d+$", description="取件码")


class AdvanceIn(BaseModel):
    tracking_no: str = Field(min_length=1, max_length=32, pattern=r"^[0-9A-Za-z]+$")


class AddressOut(BaseModel):
    recipient: str = Field(description="收件人（脱敏）")
    phone: str = Field(description="手机号（脱敏）")
    region_code: str
    detail: str


class DeliveryEventOut(BaseModel):
    status: DeliveryStatus
    label: str
    note: str
    at: datetime


class DeliveryOut(BaseModel):
    id: str
    application_id: str
    item_name: str
    method: Method
    status: DeliveryStatus
    status_label: str
    changeable: bool = Field(description="结果寄出前可修改取件方式")
    hall_name: str
    pickup_code: str | None = Field(description="取件码（仅申请人可见，待领取时）")
    address: AddressOut | None
    courier: str | None
    tracking_no: str | None
    dispatched_at: datetime | None
    finished_at: datetime | None
    events: list[DeliveryEventOut]

    @classmethod
    def of(cls, d, *, address: dict | None, events, show_code: bool = True) -> "DeliveryOut":
        from app.delivery.models import CHANGEABLE

        return cls(
            id=str(d.id), application_id=str(d.application_id), item_name=d.item_name, method=d.method,
            status=d.status, status_label=STATUS_LABELS[d.status], changeable=d.status in CHANGEABLE,
            hall_name=d.hall_name, pickup_code=d.pickup_code if show_code else None,
            address=AddressOut(recipient=mask_name(address["recipient"]) or "", phone=mask_phone(address["phone"]) or "",
                               region_code=address["region_code"], detail=address["detail"]) if address else None,
            courier=d.courier, tracking_no=d.tracking_no, dispatched_at=d.dispatched_at, finished_at=d.finished_at,
            events=[DeliveryEventOut(status=e.status, label=STATUS_LABELS[DeliveryStatus(e.status)], note=e.note,
                                     at=e.created_at) for e in events])
