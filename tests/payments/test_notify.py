"""WeChat Pay notifies built independently of the platform's code (cryptography only, v3 rules)."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

import pytest

from app.core import clock
from app.identity.models import Role
from app.payments import service
from app.payments.models import PaymentEvent, PaymentOrder
from tests.factories import auth_headers, make_account, make_payment
from tests.payments.conftest import wait_until

NOTIFY = "/api/v1/payments/wechat/notify"


async def _state(order) -> tuple:
    row = await PaymentOrder.get(id=order.id)
    return row.state.value, row.transaction_id, row.paid_at, row.needs_refund


class TestNotifyVerification:
    async def test_independent_notify_is_accepted_and_marks_paid(self, client, rt, fake_applications, wechat):
        order = await make_payment(fake_applications)
        headers, body = wechat.notify(wechat.transaction(order, transaction_id="4200000001"))
        r = await client.post(NOTIFY, content=body, headers=headers)
        assert r.status_code == 200 and r.json() == {"code": "SUCCESS", "message": None}
        row = await PaymentOrder.get(id=order.id)
        assert row.state.value == "paid" and row.transaction_id == "4200000001" and row.open_slot is None
        assert fake_applications.paid_calls == [(order.application_id, order.id)]
        from app.notifications.models import Message
        assert [m.title for m in await Message.filter(ref=str(order.id))] == ["缴费成功：食品经营许可证核发工本费"]

    @pytest.mark.parametrize("tamper", ["byte", "stale", "future", "wrong_key", "unknown_serial", "no_signature"])
    async def test_tampered_notify_is_rejected_and_changes_nothing(self, client, rt, fake_applications, wechat, tamper):
        order = await make_payment(fake_applications)
        before = await _state(order)
        resource = wechat.transaction(order)
        if tamper == "stale":
            headers, body = wechat.notify(resource, timestamp=int(time.time()) - 301)
        elif tamper == "future":
            headers, body = wechat.notify(resource, timestamp=int(time.time()) + 301)
        elif tamper == "wrong_key":
            headers, body = wechat.notify(resource, key=wechat.stranger_key())
        elif tamper == "unknown_serial":
            headers, body = wechat.notify(resource, key=wechat.stranger_key(), key_id="PUB_KEY_ID_ATTACKER")
        else:
            headers, body = wechat.notify(resource)
            if tamper == "byte":
                i = body.index(b'"ciphertext": "') + 20
                body = body[:i] + bytes([body[i] ^ 0x01]) + body[i + 1:]
            else:
                headers.pop("Wechatpay-Signature")
        r = await client.post(NOTIFY, content=body, headers=headers)
        assert r.status_code == 401 and r.json()["code"] == "FAIL"
        assert await _state(order) == before and fake_applications.paid_calls == []
        assert await PaymentEvent.filter(kind="notify_rejected").count() == 1

    async def test_undecryptable_resource_with_valid_signature_is_rejected(self, client, rt, fake_applications,
                                                                           wechat):
        order = await make_payment(fake_applications)
        good_key = wechat.apiv3_key
        wechat.apiv3_key = "x" * 32  # encrypted under the wrong APIv3 key, but correctly signed
        headers, body = wechat.notify(wechat.transaction(order))
        wechat.apiv3_key = good_key
        r = await client.post(NOTIFY, content=body, headers=headers)
        assert r.status_code == 401 and (await PaymentOrder.get(id=order.id)).state.value == "created"

    async def test_window_follows_the_platform_clock(self, client, rt, fake_applications, wechat):
        order = await make_payment(fake_applications)
        headers, body = wechat.notify(wechat.transaction(order))
        clock.advance(timedelta(minutes=6))
        assert (await client.post(NOTIFY, content=body, headers=headers)).status_code == 401
        clock.reset()
        assert (await client.post(NOTIFY, content=body, headers=headers)).status_code == 200


class TestNotifyChecks:
    async def test_amount_mismatch_is_rejected(self, client, rt, fake_applications, wechat):
        order = await make_payment(fake_applications, fee_fen=2500)
        headers, body = wechat.notify(wechat.transaction(order, total=1))
        r = await client.post(NOTIFY, content=body, headers=headers)
        assert r.status_code == 400 and r.json() == {"code": "FAIL", "message": "金额不一致"}
        assert (await PaymentOrder.get(id=order.id)).state.value == "created" and not fake_applications.paid_calls
        event = await PaymentEvent.get(kind="notify_rejected")
        assert event.payment_id == order.id and event.detail["wechat_fen"] == 1

    async def test_unknown_order_and_foreign_merchant_are_rejected(self, client, rt, fake_applications, wechat):
        order = await make_payment(fake_applications)
        resource = wechat.transaction(order)
        headers, body = wechat.notify({**resource, "out_trade_no": "SJT20261125UNKNOWN0000"})
        assert (await client.post(NOTIFY, content=body, headers=headers)).status_code == 404
        headers, body = wechat.notify({**resource, "mchid": "1999999999"})
        assert (await client.post(NOTIFY, content=body, headers=headers)).status_code == 400
        headers, body = wechat.notify({**resource, "appid": "wx0000000000000000"})
        assert (await client.post(NOTIFY, content=body, headers=headers)).status_code == 400
        assert (await PaymentOrder.get(id=order.id)).state.value == "created"
        assert await PaymentEvent.filter(kind="notify_rejected").count() == 3

    async def test_not_success_state_is_acknowledged_without_change(self, client, rt, fake_applications, wechat):
        order = await make_payment(fake_applications)
        headers, body = wechat.notify(wechat.transaction(order, trade_state="PAYERROR"))
        assert (await client.post(NOTIFY, content=body, headers=headers)).status_code == 200
        assert (await PaymentOrder.get(id=order.id)).state.value == "created"


class TestExactlyOnce:
    async def test_ten_concurrent_identical_notifies_credit_once(self, client, rt, fake_applications, wechat):
        order = await make_payment(fake_applications)
        headers, body = wechat.notify(wechat.transaction(order))
        answers = await asyncio.gather(*[client.post(NOTIFY, content=body, headers=headers) for _ in range(10)])
        assert [a.status_code for a in answers] == [200] * 10
        assert len(fake_applications.paid_calls) == 1
        assert await PaymentEvent.filter(payment_id=order.id, kind="paid").count() == 1
        assert (await PaymentOrder.get(id=order.id)).state.value == "paid"

    async def test_replay_after_refund_changes_nothing(self, client, rt, fake_applications, wechat, sim_async):
        order = await make_payment(fake_applications)
        headers, body = wechat.notify(wechat.transaction(order))
        assert (await client.post(NOTIFY, content=body, headers=headers)).status_code == 200
        reviewer = await make_account(Role.REVIEWER)
        # the simulator must hold the order as paid too, or it would refuse the refund
        assert (await sim_async.post("dev/pay", json={"prepay_id": order.prepay_id, "notify": False})).status_code == 200
        r = await client.post(f"/api/v1/payments/{order.id}/refund", json={"reason": "不予受理，退还费用"},
                              headers=await auth_headers(reviewer))
        assert r.status_code == 201, r.text
        refund_id = r.json()["id"]

        async def refunded():
            await client.get(f"/api/v1/payments/{order.id}", headers=await auth_headers(reviewer))
            return (await PaymentOrder.get(id=order.id)).state.value == "refunded"

        assert await wait_until(refunded)
        headers, body = wechat.notify(wechat.transaction(order))  # fresh signature, same payment
        assert (await client.post(NOTIFY, content=body, headers=headers)).status_code == 200
        row = await PaymentOrder.get(id=order.id)
        assert row.state.value == "refunded" and row.refunded_fen == row.amount_fen and not row.needs_refund
        assert len(fake_applications.paid_calls) == 1
        assert await PaymentEvent.filter(payment_id=order.id, kind="paid").count() == 1
        assert [r["id"] for r in (await client.get(f"/api/v1/payments/{order.id}", headers=await auth_headers(
            reviewer))).json()["refunds"]] == [refund_id]

    async def test_close_at_timeout_then_late_notify_is_flagged_for_refund(self, client, rt, fake_applications,
                                                                         wechat, sim_async):
        order = await make_payment(fake_applications)
        assert await service.close_expired() == {"closed": 0, "paid": 0, "skipped": 0}
        clock.advance(timedelta(minutes=31))
        assert (await service.close_expired())["closed"] == 1
        clock.reset()
        row = await PaymentOrder.get(id=order.id)
        assert row.state.value == "closed" and row.open_slot is None
        assert (await sim_async.post("dev/pay", json={"prepay_id": order.prepay_id})).status_code == 409  # closed at WeChat
        headers, body = wechat.notify(wechat.transaction(order, transaction_id="4200000099"))
        for _ in range(2):  # the late notify, and WeChat's resend of it
            assert (await client.post(NOTIFY, content=body, headers=headers)).status_code == 200
        row = await PaymentOrder.get(id=order.id)
        assert row.state.value == "closed" and row.needs_refund and row.transaction_id == "4200000099"
        assert fake_applications.paid_calls == []
        assert await PaymentEvent.filter(payment_id=order.id, kind="late_paid").count() == 1


class TestCloseExpired:
    async def test_order_paid_at_wechat_is_applied_not_closed(self, rt, fake_applications, sim_async):
        order = await make_payment(fake_applications)
        assert (await sim_async.post("dev/pay", json={"prepay_id": order.prepay_id, "notify": False})).status_code == 200
        clock.advance(timedelta(minutes=31))
        assert await service.close_expired() == {"closed": 0, "paid": 1, "skipped": 0}
        assert (await PaymentOrder.get(id=order.id)).state.value == "paid"
        assert len(fake_applications.paid_calls) == 1

    async def test_late_payment_found_by_query_is_refunded(self, client, rt, fake_applications, sim_async):
        order = await make_payment(fake_applications)
        # closed here while WeChat took the money (e.g. the close at WeChat raced the payer)
        assert await service._close_locally(order, reason="timeout")
        assert (await sim_async.post("dev/pay", json={"prepay_id": order.prepay_id, "notify": False})).status_code == 200
        remote = await service.pay.query_order(out_trade_no=order.out_trade_no)
        assert await service.apply_paid(order=order, transaction_id=remote["transaction_id"],
                                        paid_at=clock.now(), source="query") == "late"
        row = await PaymentOrder.get(id=order.id)
        assert row.state.value == "closed" and row.needs_refund and not fake_applications.paid_calls
        reviewer = await make_account(Role.REVIEWER)
        r = await client.post(f"/api/v1/payments/{order.id}/refund", json={"reason": "订单已关闭后支付，原路退回"},
                              headers=await auth_headers(reviewer))
        assert r.status_code == 201, r.text

        async def settled():
            got = (await client.get(f"/api/v1/payments/{order.id}", headers=await auth_headers(reviewer))).json()
            return got if not got["needs_refund"] else None

        got = await wait_until(settled)
        assert got and got["state"] == "closed" and got["refunded_fen"] == order.amount_fen
