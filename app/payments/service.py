"""Payment orders: create (idempotent, amount from the server), apply WeChat's results exactly once
(notify or active query), close unpaid orders, refund."""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from datetime import datetime, timedelta, timezone

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from app.core.transactions import in_transaction

from app.core import clock
from app.core.errors import Conflict, NotFound, UpstreamError, ValidationFailed
from app.payments import ports
from app.payments.models import (IdempotencyRecord, PaymentEvent, PaymentOrder, PaymentState, Refund,
                                 RefundState)
from app.wechat import pay

log = logging.getLogger("sjt.payments")

ORDER_TTL = timedelta(minutes=30)
CREATE_SCOPE = "payments.create"


def new_out_trade_no() -> str:
    return "SJT" + clock.local_now().strftime("%Y%m%d") + secrets.token_hex(8).upper()


async def record_event(*, kind: str, payment_id: uuid.UUID | None = None, **detail) -> PaymentEvent:
    """Append one entry to the payment event log."""
    return await PaymentEvent.create(payment_id=payment_id, kind=kind, detail=detail)


async def get_payment(*, payment_id: uuid.UUID, account_id: uuid.UUID | None = None) -> PaymentOrder:
    """One order; with `account_id`, only the payer's own (another person's is a 404)."""
    qs = PaymentOrder.filter(id=payment_id)
    if account_id is not None:
        qs = qs.filter(payer_account_id=account_id)
    order = await qs.first()
    if order is None:
        raise NotFound("支付订单不存在", code="PAYMENT_NOT_FOUND")
    return order


async def list_refunds(*, payment_id: uuid.UUID) -> list[Refund]:
    """The order's refunds, oldest first."""
    return await Refund.filter(payment_id=payment_id).order_by("created_at")


def _request_hash(application_id: uuid.UUID, channel: str) -> str:
    return hashlib.sha256(f"{application_id}|{channel}".encode()).hexdigest()


async def _replay(account_id: uuid.UUID, key: str, request_hash: str) -> PaymentOrder | None:
    record = await IdempotencyRecord.get_or_none(account_id=account_id, scope=CREATE_SCOPE, key=key)
    if record is None:
        return None
    if record.request_hash != request_hash:
        raise Conflict("该幂等键已用于另一请求", code="IDEMPOTENCY_MISMATCH")
    return await PaymentOrder.get(id=record.result_id)


async def create_order(*, account_id: uuid.UUID, actor_id: uuid.UUID, openid: str | None,
                       application_id: uuid.UUID, channel: str, idempotency_key: str | None) -> PaymentOrder:
    """Open a WeChat Pay order for an application's fee (the amount always comes from the server).
    Same Idempotency-Key and body → the same order; one open order per application."""
    request_hash = _request_hash(application_id, channel)
    if idempotency_key and (replayed := await _replay(account_id, idempotency_key, request_hash)):
        return replayed
    subject = await ports.payment_subject(application_id=application_id, account_id=account_id)
    if channel == "jsapi" and not openid:
        raise ValidationFailed.field("channel", "当前账号未绑定微信，请使用扫码支付", code="OPENID_REQUIRED")
    open_order = await PaymentOrder.get_or_none(open_slot=str(application_id))
    if open_order is not None:
        if open_order.channel == channel and open_order.payer_account_id == account_id:
            return await _remember(account_id, idempotency_key, request_hash, open_order)
        raise Conflict("该办件已有待支付订单", code="PAYMENT_ALREADY_OPEN", details={"payment_id": str(open_order.id)})
    amount = await ports.fee_due(application_id=application_id)
    if not isinstance(amount, int) or amount < 1:
        raise Conflict("该办件无需缴费", code="NO_FEE_DUE")
    now = clock.now()
    try:
        async with in_transaction():
            order = await PaymentOrder.create(
                application_id=application_id, payer_account_id=account_id, actor_account_id=actor_id,
                channel=channel, amount_fen=amount, nontax_code=subject.get("nontax_code") or "",
                description=(subject.get("item_name") or "政务服务费")[:127], out_trade_no=new_out_trade_no(),
                open_slot=str(application_id), expires_at=now + ORDER_TTL)
            if idempotency_key:
                await IdempotencyRecord.create(account_id=account_id, scope=CREATE_SCOPE, key=idempotency_key,
                                               request_hash=request_hash, result_id=order.id)
            await record_event(kind="created", payment_id=order.id, amount_fen=amount, channel=channel)
    except IntegrityError:  # a concurrent request with the same key, or for the same application, won
        if idempotency_key and (replayed := await _replay(account_id, idempotency_key, request_hash)):
            return replayed
        raise Conflict("该办件已有待支付订单", code="PAYMENT_ALREADY_OPEN") from None
    try:
        placed = await pay.place_order(
            channel=channel, out_trade_no=order.out_trade_no, amount_fen=amount, description=order.description,
            openid=openid if channel == "jsapi" else None, attach=str(application_id),
            time_expire=order.expires_at.astimezone(clock.SHANGHAI).isoformat(timespec="seconds"))
    except (pay.WeChatPayError, UpstreamError) as exc:
        async with in_transaction():
            await PaymentOrder.filter(id=order.id, state=PaymentState.CREATED).update(
                state=PaymentState.FAILED, open_slot=None, closed_at=clock.now())
            await IdempotencyRecord.filter(result_id=order.id).delete()  # let the client retry with the key
            await record_event(kind="failed", payment_id=order.id, reason=str(exc)[:200])
        raise UpstreamError("微信支付下单失败，请稍后再试", code="WECHATPAY_ORDER_FAILED") from None
    await PaymentOrder.filter(id=order.id).update(prepay_id=placed.get("prepay_id"), code_url=placed.get("code_url"))
    await order.refresh_from_db()
    return order


async def _remember(account_id, key, request_hash, order: PaymentOrder) -> PaymentOrder:
    if key:
        try:
            await IdempotencyRecord.create(account_id=account_id, scope=CREATE_SCOPE, key=key,
                                           request_hash=request_hash, result_id=order.id)
        except IntegrityError:
            return await _replay(account_id, key, request_hash) or order
    return order


def _parse_time(value: str | None) -> datetime:
    if value:
        try:
            return datetime.fromisoformat(value).astimezone(timezone.utc)
        except ValueError:
            pass
    return clock.now()


async def apply_paid(*, order: PaymentOrder, transaction_id: str, paid_at: datetime, source: str) -> str:
    """Record WeChat's success exactly once: 'paid' the first time, 'duplicate' after, 'late' when
    the order had been closed (the money is flagged for refund)."""
    async with in_transaction():
        updated = await PaymentOrder.filter(id=order.id, state=PaymentState.CREATED).update(
            state=PaymentState.PAID, transaction_id=transaction_id, paid_at=paid_at, open_slot=None)
        if updated:
            await record_event(kind="paid", payment_id=order.id, source=source, transaction_id=transaction_id)
            await ports.on_payment_paid(application_id=order.application_id, payment_id=order.id)
            await _tell_payer(order, status="缴费成功", fen=order.amount_fen, at=paid_at)
            return "paid"
        late = await PaymentOrder.filter(id=order.id, state__in=[PaymentState.CLOSED, PaymentState.FAILED],
                                         transaction_id=None).update(
            transaction_id=transaction_id, paid_at=paid_at, needs_refund=True)
        if late:
            await record_event(kind="late_paid", payment_id=order.id, source=source, transaction_id=transaction_id)
            log.warning("payment %s paid after it was closed; flagged for refund", order.id,
                        extra={"code": "PAYMENT_LATE_PAID"})
            return "late"
    return "duplicate"


async def _tell_payer(order: PaymentOrder, *, status: str, fen: int, at: datetime) -> None:
    from app.notifications import service as notifications
    from app.notifications.templates import amount, phrase, thing, time_value

    await notifications.notify(
        account_id=order.payer_account_id, kind="payment", title=f"{status}：{order.description}"[:64],
        body=f"{order.description}，金额 {fen // 100}.{fen % 100:02d} 元，{status}。", link=f"/payments/{order.id}",
        ref=str(order.id), wechat={"template": "payment", "data": {
            "thing1": thing(order.description), "amount2": amount(fen), "phrase3": phrase(status),
            "time4": time_value(at)}})


async def sync_with_wechat(*, order: PaymentOrder) -> PaymentOrder:
    """Ask WeChat about an unpaid order (and processing refunds) and apply what it says, the same
    exactly-once way as a notify. WeChat being unreachable leaves the local state as it is."""
    try:
        if order.state == PaymentState.CREATED:
            remote = await pay.query_order(out_trade_no=order.out_trade_no)
            if remote and remote.get("trade_state") in ("SUCCESS", "REFUND"):
                if (remote.get("amount") or {}).get("total") == order.amount_fen:
                    await apply_paid(order=order, transaction_id=remote["transaction_id"],
                                     paid_at=_parse_time(remote.get("success_time")), source="query")
                else:
                    await record_event(kind="amount_mismatch", payment_id=order.id, source="query",
                                       wechat_fen=(remote.get("amount") or {}).get("total"))
            elif remote and remote.get("trade_state") in ("CLOSED", "REVOKED", "PAYERROR"):
                await _close_locally(order, reason=f"wechat:{remote['trade_state']}")
        for refund in await Refund.filter(payment_id=order.id, state=RefundState.PROCESSING):
            remote = await pay.query_refund(out_refund_no=refund.out_refund_no)
            await apply_refund_result(refund=refund, status=remote.get("status", ""),
                                      refund_id=remote.get("refund_id"), source="query")
    except (UpstreamError, pay.WeChatPayError) as exc:
        log.warning("could not query WeChat Pay for %s: %s", order.id, exc)
    await order.refresh_from_db()
    return order


async def _close_locally(order: PaymentOrder, *, reason: str) -> bool:
    async with in_transaction():
        closed = await PaymentOrder.filter(id=order.id, state=PaymentState.CREATED).update(
            state=PaymentState.CLOSED, open_slot=None, closed_at=clock.now())
        if closed:
            await record_event(kind="closed", payment_id=order.id, reason=reason)
    return bool(closed)


async def close_expired(*, limit: int = 200) -> dict[str, int]:
    """Close orders left unpaid past 30 minutes, at WeChat first (an order WeChat reports paid is
    applied as paid instead)."""
    counts = {"closed": 0, "paid": 0, "skipped": 0}
    due = await PaymentOrder.filter(state=PaymentState.CREATED, expires_at__lte=clock.now()).limit(limit)
    for order in due:
        try:
            await pay.close_order(out_trade_no=order.out_trade_no)
        except pay.WeChatPayError as exc:
            if exc.code == "ORDERPAID":
                await sync_with_wechat(order=order)
                await order.refresh_from_db()
                counts["paid" if order.state == PaymentState.PAID else "skipped"] += 1
                continue
            if exc.code not in ("ORDER_NOT_EXIST", "ORDERCLOSED"):
                counts["skipped"] += 1
                continue
        except UpstreamError:
            counts["skipped"] += 1  # the next run tries again
            continue
        counts["closed" if await _close_locally(order, reason="timeout") else "skipped"] += 1
    return counts


# --- refunds ------------------------------------------------------------------------------------------
REFUND_SCOPE = "payments.refund"


async def request_refund(*, payment_id: uuid.UUID, amount_fen: int | None, reason: str,
                         reviewer_id: uuid.UUID, idempotency_key: str | None = None) -> Refund:
    """Refund all that is left (or `amount_fen` of it) of a paid order, or of one paid after closing.
    A repeated Idempotency-Key with the same body gives the same refund."""
    request_hash = hashlib.sha256(f"{payment_id}|{amount_fen}|{reason}".encode()).hexdigest()
    if idempotency_key:
        record = await IdempotencyRecord.get_or_none(account_id=reviewer_id, scope=REFUND_SCOPE, key=idempotency_key)
        if record is not None:
            if record.request_hash != request_hash:
                raise Conflict("该幂等键已用于另一请求", code="IDEMPOTENCY_MISMATCH")
            return await Refund.get(id=record.result_id)
    async with in_transaction():
        order = await PaymentOrder.filter(id=payment_id).select_for_update().first()
        if order is None:
            raise NotFound("支付订单不存在", code="PAYMENT_NOT_FOUND")
        refundable = order.state == PaymentState.PAID or (order.needs_refund and order.transaction_id)
        if not refundable:
            raise Conflict("该订单当前不能退款", code="PAYMENT_NOT_REFUNDABLE")
        pending = sum(r.amount_fen for r in await Refund.filter(
            payment_id=order.id, state__in=[RefundState.PROCESSING, RefundState.SUCCESS]))
        left = order.amount_fen - pending
        amount = amount_fen if amount_fen is not None else left
        if amount < 1 or amount > left:
            raise Conflict("退款金额超过可退金额", code="REFUND_EXCEEDS_PAID", details={"refundable_fen": left})
        refund = await Refund.create(payment_id=order.id, out_refund_no="R" + order.out_trade_no[3:11]
                                     + secrets.token_hex(8).upper(), amount_fen=amount, reason=reason[:80],
                                     requested_by=reviewer_id)
        await record_event(kind="refund_requested", payment_id=order.id, refund_id=str(refund.id), amount_fen=amount)
        if idempotency_key:
            try:
                async with in_transaction():  # savepoint: a concurrent twin with the same key wins
                    await IdempotencyRecord.create(account_id=reviewer_id, scope=REFUND_SCOPE, key=idempotency_key,
                                                   request_hash=request_hash, result_id=refund.id)
            except IntegrityError:
                raise Conflict("相同的退款请求正在处理", code="IDEMPOTENCY_IN_PROGRESS") from None
    try:
        remote = await pay.refund(out_trade_no=order.out_trade_no, out_refund_no=refund.out_refund_no,
                                  refund_fen=amount, total_fen=order.amount_fen, reason=reason)
    except pay.WeChatPayError as exc:
        await apply_refund_result(refund=refund, status="FAILED", refund_id=None, source=f"api:{exc.code}")
        raise Conflict("微信支付拒绝退款：" + (exc.message or exc.code), code="REFUND_REJECTED") from None
    except UpstreamError:
        await refund.refresh_from_db()
        return refund  # still processing: the refund notify or a later query settles it
    await apply_refund_result(refund=refund, status=remote.get("status", ""), refund_id=remote.get("refund_id"),
                              source="api")
    await refund.refresh_from_db()
    return refund


async def apply_refund_result(*, refund: Refund, status: str, refund_id: str | None, source: str) -> str:
    """Apply a refund's outcome exactly once ('refunded', 'failed', 'duplicate' or 'pending')."""
    if status == "PROCESSING":
        if refund_id:
            await Refund.filter(id=refund.id, wechat_refund_id=None).update(wechat_refund_id=refund_id)
        return "pending"
    async with in_transaction():
        if status == "SUCCESS":
            done = await Refund.filter(id=refund.id, state=RefundState.PROCESSING).update(
                state=RefundState.SUCCESS, succeeded_at=clock.now(), wechat_refund_id=refund_id)
            if not done:
                return "duplicate"
            await PaymentOrder.filter(id=refund.payment_id).update(refunded_fen=F("refunded_fen") + refund.amount_fen)
            await PaymentOrder.filter(id=refund.payment_id, state=PaymentState.PAID,
                                      refunded_fen__gte=F("amount_fen")).update(state=PaymentState.REFUNDED)
            await PaymentOrder.filter(id=refund.payment_id, needs_refund=True,
                                      refunded_fen__gte=F("amount_fen")).update(needs_refund=False)
            await record_event(kind="refunded", payment_id=refund.payment_id, refund_id=str(refund.id),
                               amount_fen=refund.amount_fen, source=source)
            await _tell_payer(await PaymentOrder.get(id=refund.payment_id), status="退款成功", fen=refund.amount_fen,
                              at=clock.now())
            return "refunded"
        new_state = RefundState.ABNORMAL if status == "ABNORMAL" else RefundState.FAILED
        done = await Refund.filter(id=refund.id, state=RefundState.PROCESSING).update(state=new_state)
        if done:
            await record_event(kind="refund_failed", payment_id=refund.payment_id, refund_id=str(refund.id),
                               status=status, source=source)
        return "failed" if done else "duplicate"


async def list_events(*, payment_id: uuid.UUID | None = None, kind: str | None = None) -> list[PaymentEvent]:
    """Payment events, oldest first (for audits and tests)."""
    qs = PaymentEvent.all()
    if payment_id is not None:
        qs = qs.filter(payment_id=payment_id)
    if kind is not None:
        qs = qs.filter(kind=kind)
    return await qs.order_by("created_at")


