"""Payments: create an order, query it, refund it, receive WeChat Pay notifies, receipts, reconciliation."""

from __future__ import annotations

import asyncio
import logging
import re
import uuid

from sanic import Blueprint, HTTPResponse, Request

from sanic_ext.extensions.openapi.builders import OperationStore
from sanic_ext.extensions.openapi.types import Schema

from app.core.api import endpoint, json_response
from app.core.openapi_schema import component
from app.core.errors import Conflict, ValidationFailed
from app.identity.auth import current_account, require
from app.identity.models import Role
from app.payments import notify, reconcile, receipt, service
from app.payments.models import PaymentState, RefundState
from app.payments.schemas import (NotifyAnswer, PaymentIn, PaymentOut, ReconcileIn, ReconciliationOut,
                                  ReconciliationPage, ReconciliationQuery, RefundIn, RefundOut)
from app.wechat import pay

log = logging.getLogger("sjt.payments")
bp = Blueprint("payments")

_KEY = re.compile(r"^[\x21-\x7e]{1,64}$")
NOTIFY_BUDGET = 4.5  # WeChat waits 5 s for the answer
STAFF_VIEWERS = frozenset({Role.REVIEWER, Role.ADMIN})


def _idempotency_key(request: Request) -> str | None:
    key = request.headers.get("idempotency-key")
    if key is None:
        return None
    if not _KEY.match(key):
        raise ValidationFailed.field("Idempotency-Key", "幂等键应为 1–64 个可见 ASCII 字符")
    return key


async def _out(order, *, for_payer: bool) -> PaymentOut:
    params = None
    if for_payer and order.state == PaymentState.CREATED and order.channel == "jsapi" and order.prepay_id:
        params = pay.jsapi_params(order.prepay_id)
    return PaymentOut.of(order, refunds=await service.list_refunds(payment_id=order.id), request_payment=params)


async def _acting(request: Request, *, application_id: uuid.UUID | None = None):
    """Who pays (the principal) and who acts (an agent under `X-On-Behalf-Of`, or the payer): the
    delegation must cover the case's item."""
    from app.agents import service as agents
    from app.applications import service as applications

    acting = await agents.on_behalf(request)
    if acting.on_behalf and application_id is not None:
        case = await applications.get_own(application_id=application_id, applicant_id=acting.principal.id)
        agents.check_scope(acting, case.item_code)
    return acting


@bp.post("/payments")
@endpoint(body=PaymentIn, response=PaymentOut, status=201, summary="为办件缴费下单（微信支付）", tag="payments",
          auth=require(), errors=(404, 409, 502))
async def create_payment(request: Request, body: PaymentIn):
    acting = await _acting(request, application_id=body.application_id)
    account = acting.actor
    order = await service.create_order(account_id=acting.principal.id, actor_id=account.id, openid=account.openid,
                                       application_id=body.application_id, channel=body.channel,
                                       idempotency_key=_idempotency_key(request))
    return await _out(order, for_payer=True)


@bp.get("/payments/<payment_id:uuid>")
@endpoint(response=PaymentOut, summary="查询支付订单（未支付时主动向微信查询）", tag="payments", auth=require(),
          errors=(404,))
async def get_payment(request: Request, payment_id: uuid.UUID):
    account = current_account(request)
    staff = account.role in STAFF_VIEWERS
    if request.headers.get("x-on-behalf-of") or account.role == Role.AGENT:
        acting = await _acting(request)
        order = await service.get_payment(payment_id=payment_id, account_id=acting.principal.id)
        await _acting(request, application_id=order.application_id)
    else:
        order = await service.get_payment(payment_id=payment_id, account_id=None if staff else account.id)
    if order.state == PaymentState.CREATED or any(
            r.state == RefundState.PROCESSING for r in await service.list_refunds(payment_id=order.id)):
        order = await service.sync_with_wechat(order=order)
    return await _out(order, for_payer=account.id in (order.payer_account_id, order.actor_account_id))


@bp.post("/payments/<payment_id:uuid>/refund")
@endpoint(body=RefundIn, response=RefundOut, status=201, summary="退款（全额或部分）", tag="payments",
          auth=require(Role.REVIEWER), errors=(404, 409, 502))
async def refund_payment(request: Request, payment_id: uuid.UUID, body: RefundIn):
    refund = await service.request_refund(payment_id=payment_id, amount_fen=body.amount_fen, reason=body.reason,
                                          reviewer_id=current_account(request).id,
                                          idempotency_key=_idempotency_key(request))
    return RefundOut.of(refund)


@bp.get("/payments/<payment_id:uuid>/receipt.pdf")
@endpoint(summary="电子缴费凭证（PDF）", tag="payments", auth=require(), errors=(404, 409))
async def payment_receipt(request: Request, payment_id: uuid.UUID):
    from app.identity import service as identity

    account = current_account(request)
    order = await service.get_payment(payment_id=payment_id, account_id=account.id)
    if order.state not in (PaymentState.PAID, PaymentState.REFUNDED):
        raise Conflict("订单未支付，暂无缴费凭证", code="RECEIPT_UNAVAILABLE")
    payer = await identity.get_account(account_id=order.payer_account_id)
    pdf = await asyncio.to_thread(receipt.render, order, payer_name=payer.display_name)
    return HTTPResponse(pdf, content_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="receipt-{order.out_trade_no}.pdf"'})


@bp.post("/payments/wechat/notify")
@endpoint(response=NotifyAnswer, summary="微信支付结果通知（由微信支付调用）", tag="payments")
async def wechat_notify(request: Request):
    try:
        async with asyncio.timeout(NOTIFY_BUDGET):
            outcome = await notify.handle(headers=request.headers, body=request.body or b"")
    except notify.NotifyFailed as exc:
        return json_response({"code": "FAIL", "message": exc.message}, status=exc.status)
    except TimeoutError:
        log.warning("WeChat Pay notify took too long; WeChat will resend it")
        return json_response({"code": "FAIL", "message": "处理超时"}, status=500)
    except Exception:  # noqa: BLE001 - WeChat resends on any failure; never lose the notify silently
        log.exception("WeChat Pay notify failed")
        return json_response({"code": "FAIL", "message": "系统繁忙"}, status=500)
    log.info("WeChat Pay notify: %s", outcome)
    return NotifyAnswer(code="SUCCESS")


@bp.get("/payments/reconciliations")
@endpoint(query=ReconciliationQuery, response=ReconciliationPage, summary="对账报告", tag="payments",
          auth=require(Role.ADMIN))
async def list_reconciliations(request: Request, query: ReconciliationQuery):
    rows, cursor = await reconcile.list_reports(cursor=query.cursor, limit=query.limit)
    return ReconciliationPage(items=[ReconciliationOut.of(r) for r in rows], next_cursor=cursor)


@bp.post("/payments/reconciliations")
@endpoint(body=ReconcileIn, response=ReconciliationOut, status=201, summary="重新对账（指定日期）", tag="payments",
          auth=require(Role.ADMIN), errors=(502,))
async def run_reconciliation(request: Request, body: ReconcileIn):
    return ReconciliationOut.of(await reconcile.reconcile(bill_date=body.bill_date))


for _status, _text in ((400, "通知内容与订单不符"), (401, "签名或时间戳验证失败"), (404, "订单不存在"), (500, "处理失败，微信将重发")):
    OperationStore()[wechat_notify].response(_status, {"application/json": component(NotifyAnswer)}, _text)

for _handler in (create_payment, refund_payment):  # documented: phones may retry these
    OperationStore()[_handler].parameter(
        "Idempotency-Key", Schema(type="string", maxLength=64, pattern="^[\\x21-\\x7e]{1,64}$"), "header",
        required=False, description="幂等键：相同的键与相同的请求体返回同一结果")

from app.agents.docs import on_behalf_header  # noqa: E402

on_behalf_header(create_payment, get_payment)
