from __future__ import annotations

import asyncio

from app.identity.models import Role
from app.payments import service
from app.payments.models import PaymentEvent, PaymentOrder, Refund
from tests.factories import auth_headers, make_account, make_payment
from tests.payments.conftest import wait_until

NOTIFY = "/api/v1/payments/wechat/notify"


async def paid_order(fake_applications, sim_async, fee_fen=3000):
    order = await make_payment(fake_applications, fee_fen=fee_fen)
    assert (await sim_async.post("dev/pay", json={"prepay_id": order.prepay_id, "notify": False})).status_code == 200
    return await service.sync_with_wechat(order=order)


class TestRequestRefund:
    async def test_partial_then_rest(self, client, rt, fake_applications, sim_async):
        order = await paid_order(fake_applications, sim_async)
        assert order.state.value == "paid"
        reviewer = await make_account(Role.REVIEWER)
        headers = await auth_headers(reviewer)
        r = await client.post(f"/api/v1/payments/{order.id}/refund", json={"amount_fen": 1000, "reason": "部分退费"},
                              headers=headers)
        assert r.status_code == 201 and r.json()["amount_fen"] == 1000 and r.json()["state"] == "processing"
        r = await client.post(f"/api/v1/payments/{order.id}/refund", json={"amount_fen": 2001, "reason": "超额"},
                              headers=headers)
        assert r.status_code == 409 and r.json()["error"]["details"]["refundable_fen"] == 2000
        r = await client.post(f"/api/v1/payments/{order.id}/refund", json={"reason": "其余全退"}, headers=headers)
        assert r.status_code == 201 and r.json()["amount_fen"] == 2000

        async def settled():
            out = (await client.get(f"/api/v1/payments/{order.id}", headers=headers)).json()
            return out if out["state"] == "refunded" else None

        out = await wait_until(settled)
        assert out["refunded_fen"] == 3000 and {r["state"] for r in out["refunds"]} == {"success"}
        r = await client.post(f"/api/v1/payments/{order.id}/refund", json={"reason": "再退"}, headers=headers)
        assert r.status_code == 409 and r.json()["error"]["code"] == "PAYMENT_NOT_REFUNDABLE"

    async def test_partial_refund_keeps_paid_state(self, rt, fake_applications, sim_async):
        order = await paid_order(fake_applications, sim_async)
        reviewer = await make_account(Role.REVIEWER)
        await service.request_refund(payment_id=order.id, amount_fen=500, reason="部分", reviewer_id=reviewer.id)

        async def done():
            return (await service.sync_with_wechat(order=order)).refunded_fen == 500

        assert await wait_until(done)
        assert (await PaymentOrder.get(id=order.id)).state.value == "paid"

    async def test_concurrent_refunds_never_exceed_the_payment(self, rt, fake_applications, sim_async):
        order = await paid_order(fake_applications, sim_async)
        reviewer = await make_account(Role.REVIEWER)
        results = await asyncio.gather(*[service.request_refund(
            payment_id=order.id, amount_fen=1000, reason="并发", reviewer_id=reviewer.id) for _ in range(5)],
            return_exceptions=True)
        assert sum(isinstance(r, Refund) for r in results) == 3
        assert sum(r.amount_fen for r in await Refund.filter(payment_id=order.id)) == 3000

    async def test_only_reviewers_refund_and_unpaid_is_409(self, client, rt, fake_applications):
        order = await make_payment(fake_applications)
        payer_headers = await auth_headers(await make_account())
        r = await client.post(f"/api/v1/payments/{order.id}/refund", json={"reason": "x"}, headers=payer_headers)
        assert r.status_code == 403
        r = await client.post(f"/api/v1/payments/{order.id}/refund", json={"reason": "x"},
                              headers=await auth_headers(await make_account(Role.REVIEWER)))
        assert r.status_code == 409


class TestRefundNotify:
    async def test_refund_notify_applies_once(self, client, rt, fake_applications, sim_async, wechat):
        order = await paid_order(fake_applications, sim_async)
        refund = await service.request_refund(payment_id=order.id, amount_fen=3000, reason="退",
                                              reviewer_id=(await make_account(Role.REVIEWER)).id)
        resource = {"mchid": wechat.mchid, "out_trade_no": order.out_trade_no, "transaction_id": order.transaction_id,
                    "out_refund_no": refund.out_refund_no, "refund_id": "50000001", "refund_status": "SUCCESS",
                    "success_time": "2026-11-25T10:10:00+08:00", "user_received_account": "支付用户零钱",
                    "amount": {"total": 3000, "refund": 3000, "payer_total": 3000, "payer_refund": 3000}}
        headers, body = wechat.notify(resource, event_type="REFUND.SUCCESS", original_type="refund")
        answers = await asyncio.gather(*[client.post(NOTIFY, content=body, headers=headers) for _ in range(5)])
        assert [a.status_code for a in answers] == [200] * 5
        row = await PaymentOrder.get(id=order.id)
        assert row.state.value == "refunded" and row.refunded_fen == 3000
        assert await PaymentEvent.filter(payment_id=order.id, kind="refunded").count() == 1
        # the simulator's own refund settles later: still counted once
        await asyncio.sleep(0.2)
        await service.sync_with_wechat(order=row)
        assert (await PaymentOrder.get(id=order.id)).refunded_fen == 3000

    async def test_refund_notify_with_wrong_amount_is_rejected(self, client, rt, fake_applications, sim_async,
                                                              wechat):
        order = await paid_order(fake_applications, sim_async)
        refund = await service.request_refund(payment_id=order.id, amount_fen=1000, reason="退",
                                              reviewer_id=(await make_account(Role.REVIEWER)).id)
        resource = {"mchid": wechat.mchid, "out_trade_no": order.out_trade_no, "out_refund_no": refund.out_refund_no,
                    "refund_id": "5001", "refund_status": "SUCCESS", "amount": {"total": 3000, "refund": 3000}}
        headers, body = wechat.notify(resource, event_type="REFUND.SUCCESS", original_type="refund")
        assert (await client.post(NOTIFY, content=body, headers=headers)).status_code == 400
        assert (await Refund.get(id=refund.id)).state.value == "processing"


class TestRefundIdempotency:
    async def test_same_key_same_refund(self, client, rt, fake_applications, sim_async):
        order = await paid_order(fake_applications, sim_async)
        headers = {**await auth_headers(await make_account(Role.REVIEWER)), "Idempotency-Key": "refund-1"}
        body = {"amount_fen": 1000, "reason": "部分退费"}
        answers = [await client.post(f"/api/v1/payments/{order.id}/refund", json=body, headers=headers)
                   for _ in range(2)]
        assert [a.status_code for a in answers] == [201, 201] and answers[0].json()["id"] == answers[1].json()["id"]
        r = await client.post(f"/api/v1/payments/{order.id}/refund", json={**body, "amount_fen": 999}, headers=headers)
        assert r.status_code == 409 and r.json()["error"]["code"] == "IDEMPOTENCY_MISMATCH"
        assert await Refund.filter(payment_id=order.id).count() == 1
