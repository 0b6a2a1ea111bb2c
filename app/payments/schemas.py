from __future__ import annotations

import base64
import io
from datetime import date, datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field, field_validator

from app.core.pagination import PageQuery


class PaymentIn(BaseModel):
    application_id: UUID = Field(description="办件 id；金额由服务端按事项收费标准计算")
    channel: Literal["jsapi", "native"] = Field(description="jsapi：小程序支付；native：扫码支付")


class RefundIn(BaseModel):
    amount_fen: int | None = Field(None, ge=1, description="退款金额（分），不填则退还全部剩余金额")
    reason: str = Field(min_length=1, max_length=80, description="退款原因")


class RequestPayment(BaseModel):
    """The arguments of `wx.requestPayment`."""

    appId: str
    timeStamp: str
    nonceStr: str
    package: str
    signType: Literal["RSA"]
    paySign: str


class RefundOut(BaseModel):
    id: str
    out_refund_no: str
    amount_fen: int
    reason: str
    state: str
    created_at: datetime
    succeeded_at: datetime | None = None

    @classmethod
    def of(cls, r) -> "RefundOut":
        return cls(id=str(r.id), out_refund_no=r.out_refund_no, amount_fen=r.amount_fen, reason=r.reason,
                   state=r.state.value, created_at=r.created_at, succeeded_at=r.succeeded_at)


def qr_png_base64(text: str) -> str:
    import qrcode

    buf = io.BytesIO()
    qrcode.make(text, box_size=8, border=2).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


class PaymentOut(BaseModel):
    id: str
    application_id: str
    channel: str
    amount_fen: int
    refunded_fen: int
    nontax_code: str
    description: str
    out_trade_no: str
    payer_account_id: str = Field(description="缴费人（办件申请人）")
    actor_account_id: str = Field(description="下单人（本人或代办员）")
    state: Literal["created", "paid", "refunded", "closed", "failed"]
    needs_refund: bool
    transaction_id: str | None = None
    created_at: datetime
    expires_at: datetime
    paid_at: datetime | None = None
    closed_at: datetime | None = None
    request_payment: RequestPayment | None = Field(None, description="JSAPI：传给 wx.requestPayment 的参数")
    code_url: str | None = Field(None, description="Native：二维码内容")
    qr_png_base64: str | None = Field(None, description="Native：二维码 PNG（base64）")
    refunds: list[RefundOut] = []

    @classmethod
    def of(cls, o, *, refunds=(), request_payment: dict | None = None) -> "PaymentOut":
        open_native = o.state.value == "created" and o.code_url
        return cls(id=str(o.id), application_id=str(o.application_id), channel=o.channel, amount_fen=o.amount_fen,
                   refunded_fen=o.refunded_fen, nontax_code=o.nontax_code, description=o.description,
                   out_trade_no=o.out_trade_no,
                   payer_account_id=str(o.payer_account_id), actor_account_id=str(o.actor_account_id),
                   state=o.state.value, needs_refund=o.needs_refund,
                   transaction_id=o.transaction_id, created_at=o.created_at, expires_at=o.expires_at,
                   paid_at=o.paid_at, closed_at=o.closed_at,
                   request_payment=RequestPayment(**request_payment) if request_payment else None,
                   code_url=o.code_url if open_native else None,
                   qr_png_base64=qr_png_base64(o.code_url) if open_native else None,
                   refunds=[RefundOut.of(r) for r in refunds])


class NotifyAnswer(BaseModel):
    code: Literal["SUCCESS", "FAIL"]
    message: str | None = None


class Mismatch(BaseModel):
    kind: str
    out_trade_no: str | None = None
    out_refund_no: str | None = None
    local_fen: int | None = None
    wechat_fen: int | None = None
    local_state: str | None = None


class ReconciliationOut(BaseModel):
    id: str
    bill_date: date
    wechat_rows: int
    local_rows: int
    mismatch_count: int
    mismatches: list[Mismatch]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, r) -> "ReconciliationOut":
        return cls(id=str(r.id), bill_date=r.bill_date, wechat_rows=r.wechat_rows, local_rows=r.local_rows,
                   mismatch_count=r.mismatch_count, mismatches=[Mismatch(**m) for m in r.mismatches],
                   created_at=r.created_at, updated_at=r.updated_at)


class ReconciliationPage(BaseModel):
    items: list[ReconciliationOut]
    next_cursor: str | None = None


class ReconcileIn(BaseModel):
    bill_date: date = Field(description="账单日期（北京时间）")

    @field_validator("bill_date", mode="before")
    @classmethod
    def _iso_text_only(cls, value):
        if not isinstance(value, str):  # pydantic would read a number as a Unix timestamp
            raise ValueError("日期应为 YYYY-MM-DD 格式")
        return value


class ReconciliationQuery(PageQuery):
    pass
