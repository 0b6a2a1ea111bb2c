from __future__ import annotations

import secrets
import uuid

from app.core import clock
from app.identity.models import Role
from app.payments import reconcile, service
from app.payments.models import PaymentOrder, PaymentState
from app.wechat import pay
from tests.factories import auth_headers, make_account, make_payment


async def _paid_at_wechat(fake_applications, sim_async, fee_fen: int) -> PaymentOrder:
    order = await make_payment(fake_applications, fee_fen=fee_fen, channel="native")
    assert (await sim_async.post("dev/pay", json={"code_url": order.code_url, "notify": False})).status_code == 200
    return await service.sync_with_wechat(order=order)


class TestReconcile:
    async def test_finds_each_kind_of_mismatch(self, client, rt, fake_applications, sim_async):
        assert (await sim_async.post("dev/pay/config", json={"reset": True})).status_code == 200
        matched = await _paid_at_wechat(fake_applications, sim_async, 1000)
        refunded = await _paid_at_wechat(fake_applications, sim_async, 800)
        await service.request_refund(payment_id=refunded.id, amount_fen=300, reason="部分退费",
                                     reviewer_id=(await make_account(Role.REVIEWER)).id)
        differs = await _paid_at_wechat(fake_applications, sim_async, 2000)
        await PaymentOrder.filter(id=differs.id).update(amount_fen=2100)  # seeded: local amount drifted
        # seeded: paid at WeChat, never recorded here
        stray_no = "SJT" + secrets.token_hex(10).upper()
        placed = await pay.place_order(channel="native", out_trade_no=stray_no, amount_fen=500, description="stray",
                                       openid=None)
        assert (await sim_async.post("dev/pay", json={"code_url": placed["code_url"], "notify": False})).status_code == 200
        # seeded: recorded as paid here, unknown to WeChat
        ghost = await PaymentOrder.create(
            application_id=uuid.uuid4(), payer_account_id=uuid.uuid4(), actor_account_id=uuid.uuid4(),
            channel="native", amount_fen=700, description="ghost", out_trade_no="SJT" + secrets.token_hex(10).upper(),
            state=PaymentState.PAID, transaction_id="4200GHOST", paid_at=clock.now(), expires_at=clock.now())
        # let the simulator settle the refund, and record it here
        import asyncio
        await asyncio.sleep(0.2)
        await service.sync_with_wechat(order=refunded)

        report = await reconcile.reconcile(bill_date=clock.today())
        found = {(m["kind"], m.get("out_trade_no")) for m in report.mismatches}
        assert found == {("missing_locally", stray_no), ("missing_at_wechat", ghost.out_trade_no),
                         ("amount_differs", differs.out_trade_no)}, report.mismatches
        assert matched.out_trade_no not in {m.get("out_trade_no") for m in report.mismatches}
        assert report.wechat_rows == 5 and report.local_rows == 5 and report.mismatch_count == 3

        again = await reconcile.reconcile(bill_date=clock.today())  # re-running replaces the day's report
        assert again.id == report.id and again.mismatch_count == 3

        admin = await make_account(Role.ADMIN)
        r = await client.get("/api/v1/payments/reconciliations", headers=await auth_headers(admin))
        assert r.status_code == 200 and r.json()["items"][0]["mismatch_count"] == 3
        kinds = {m["kind"] for m in r.json()["items"][0]["mismatches"]}
        assert kinds == {"missing_locally", "missing_at_wechat", "amount_differs"}
        r = await client.get("/api/v1/payments/reconciliations", headers=await auth_headers(await make_account()))
        assert r.status_code == 403

    async def test_refund_mismatches_and_parser(self, rt):
        bill = ("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,"
                "应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,"
                "手续费,费率,订单金额,申请退款金额,费率备注\r\n"
                "`2026-11-25 10:00:00,`wx1,`19,`0,`,`42001,`SJTA,`o1,`JSAPI,`SUCCESS,`OTHERS,`CNY,`12.30,`0.00,`0,`0,"
                "`0.00,`0.00,`,`,`x,`,`0.00000,`0.60%,`12.30,`0.00,`\r\n"
                "`2026-11-25 11:00:00,`wx1,`19,`0,`,`42001,`SJTA,`o1,`JSAPI,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`5001,"
                "`RSJTA1,`1.05,`0.00,`ORIGINAL,`SUCCESS,`x,`,`0.00000,`0.60%,`0.00,`1.05,`\r\n"
                "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n"
                "`2,`12.30,`1.05,`0.00,`0.00000,`12.30,`1.05\r\n")
        paid, refunds = reconcile.parse_bill(bill)
        assert paid == {"SJTA": 1230} and refunds == {"RSJTA1": ("SJTA", 105)}

    async def test_daily_task_reconciles_yesterday(self, rt, sim_async):
        from app.payments.tasks import reconcile_daily

        result = await (await reconcile_daily.kiq()).wait_result(timeout=10)
        assert not result.is_err, result.error
        assert result.return_value["bill_date"] == (clock.today().fromordinal(clock.today().toordinal() - 1)).isoformat()
