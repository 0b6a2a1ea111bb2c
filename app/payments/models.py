"""Payment orders, refunds, idempotency records, the payment event log and reconciliation reports."""

from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model


class PaymentState(str, Enum):
    CREATED = "created"
    PAID = "paid"
    REFUNDED = "refunded"
    CLOSED = "closed"
    FAILED = "failed"


class RefundState(str, Enum):
    PROCESSING = "processing"
    SUCCESS = "success"
    FAILED = "failed"
    ABNORMAL = "abnormal"


class PaymentOrder(Model):
    """A WeChat Pay order for the fee of one application (amounts in fen)"""

    id = fields.UUIDField(primary_key=True)
    application_id = fields.UUIDField(db_index=True)
    payer_account_id = fields.UUIDField(db_index=True)
    actor_account_id = fields.UUIDField()
    channel = fields.CharField(max_length=8)  # jsapi|native
    amount_fen = fields.IntField()
    refunded_fen = fields.IntField(default=0)
    nontax_code = fields.CharField(max_length=32, default="")  # 非税收入项目编码
    description = fields.CharField(max_length=127)
    out_trade_no = fields.CharField(max_length=32, unique=True)
    prepay_id = fields.CharField(max_length=64, null=True)
    code_url = fields.CharField(max_length=255, null=True)
    state = fields.CharEnumField(PaymentState, max_length=16, default=PaymentState.CREATED, db_index=True)
    # Holds application_id while the order is open, NULL otherwise: one open order per application.
    open_slot = fields.CharField(max_length=36, null=True, unique=True)
    transaction_id = fields.CharField(max_length=64, null=True)
    paid_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)
    expires_at = fields.DatetimeField()
    needs_refund = fields.BooleanField(default=False)  # paid after it was closed: money to give back
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "payment_order"

    @property
    def refundable_fen(self) -> int:
        return self.amount_fen - self.refunded_fen


class Refund(Model):
    """A full or partial refund of a payment order"""

    id = fields.UUIDField(primary_key=True)
    payment = fields.ForeignKeyField("models.PaymentOrder", related_name="refunds", on_delete=fields.RESTRICT)
    out_refund_no = fields.CharField(max_length=64, unique=True)
    amount_fen = fields.IntField()
    reason = fields.CharField(max_length=80)
    state = fields.CharEnumField(RefundState, max_length=16, default=RefundState.PROCESSING, db_index=True)
    wechat_refund_id = fields.CharField(max_length=64, null=True)
    requested_by = fields.UUIDField()
    succeeded_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "payment_refund"


class IdempotencyRecord(Model):
    """A client's Idempotency-Key and what it produced (same key and same body give the same result)"""

    id = fields.UUIDField(primary_key=True)
    account_id = fields.UUIDField()
    scope = fields.CharField(max_length=32)
    key = fields.CharField(max_length=64)
    request_hash = fields.CharField(max_length=64)
    result_id = fields.UUIDField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "idempotency_record"
        unique_together = (("account_id", "scope", "key"),)


class PaymentEvent(Model):
    """Append-only log of what happened to payments, including rejected notifies"""

    id = fields.UUIDField(primary_key=True)
    payment_id = fields.UUIDField(null=True, db_index=True)
    kind = fields.CharField(max_length=32)  # created|paid|late_paid|closed|refund_requested|refunded|notify_rejected…
    detail = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "payment_event"


class ReconciliationReport(Model):
    """The comparison of one day's WeChat Pay trade bill with local orders"""

    id = fields.UUIDField(primary_key=True)
    bill_date = fields.DateField(unique=True)
    wechat_rows = fields.IntField(default=0)
    local_rows = fields.IntField(default=0)
    mismatch_count = fields.IntField(default=0)
    mismatches = fields.JSONField(default=list)  # [{kind, out_trade_no, out_refund_no, local_fen, wechat_fen}]
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "payment_reconciliation"
