"""WeChat Pay notifies: verified, decrypted, checked against the order, applied exactly once."""

from __future__ import annotations

import logging

from app.payments import service
from app.payments.models import PaymentOrder, Refund
from app.wechat import pay

log = logging.getLogger("sjt.payments.notify")


class NotifyFailed(Exception):
    """The notify is not accepted (WeChat gets `status` and {"code": "FAIL", "message"})."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(reason)
        self.status, self.reason, self.message = status, reason, message


async def _reject(status: int, reason: str, message: str, *, payment_id=None, **detail) -> NotifyFailed:
    await service.record_event(kind="notify_rejected", payment_id=payment_id, reason=reason, **detail)
    log.warning("WeChat Pay notify rejected: %s", reason, extra={"code": "PAYMENT_NOTIFY_REJECTED"})
    return NotifyFailed(status, reason, message)


async def handle(*, headers, body: bytes) -> str:
    """Apply one notify; returns what happened ('paid', 'duplicate', 'late', 'refunded', …)."""
    try:
        notify = pay.open_notify(headers, body)
    except pay.NotifyRejected as exc:
        raise await _reject(401, exc.reason, "签名验证失败") from None
    resource, event_type = notify["resource"], str(notify.get("event_type", ""))
    cfg = pay.config()
    if resource.get("mchid") != cfg.mchid:
        raise await _reject(400, "mchid mismatch", "商户号不匹配", notify_id=notify.get("id"))
    if event_type.startswith("REFUND."):
        return await _refund(resource, notify.get("id"))
    if resource.get("appid") != cfg.appid:
        raise await _reject(400, "appid mismatch", "应用号不匹配", notify_id=notify.get("id"))
    order = await PaymentOrder.get_or_none(out_trade_no=str(resource.get("out_trade_no", "")))
    if order is None:
        raise await _reject(404, "unknown order", "订单不存在", notify_id=notify.get("id"),
                            out_trade_no=str(resource.get("out_trade_no", ""))[:64])
    total = (resource.get("amount") or {}).get("total")
    if total != order.amount_fen:
        raise await _reject(400, "amount mismatch", "金额不一致", payment_id=order.id, notify_id=notify.get("id"),
                            wechat_fen=total, local_fen=order.amount_fen)
    if resource.get("trade_state") != "SUCCESS" or not resource.get("transaction_id"):
        await service.record_event(kind="notify_ignored", payment_id=order.id, trade_state=resource.get("trade_state"))
        return "ignored"
    return await service.apply_paid(order=order, transaction_id=str(resource["transaction_id"]),
                                    paid_at=service._parse_time(resource.get("success_time")), source="notify")


async def _refund(resource: dict, notify_id) -> str:
    refund = await Refund.get_or_none(out_refund_no=str(resource.get("out_refund_no", "")))
    if refund is None:
        raise await _reject(404, "unknown refund", "退款单不存在", notify_id=notify_id)
    order = await PaymentOrder.get(id=refund.payment_id)
    amount = resource.get("amount") or {}
    if resource.get("out_trade_no") != order.out_trade_no or amount.get("refund") != refund.amount_fen:
        raise await _reject(400, "refund mismatch", "退款信息不一致", payment_id=order.id, notify_id=notify_id)
    return await service.apply_refund_result(refund=refund, status=str(resource.get("refund_status", "")),
                                             refund_id=resource.get("refund_id"), source="notify")
