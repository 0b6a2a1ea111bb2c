"""The whole path over real HTTP: order → the payer pays at the simulator → the simulator's signed,
encrypted notify reaches the platform on a real port → paid → application moves on → receipt."""

from __future__ import annotations

import pytest

from app.payments.models import PaymentOrder
from tests.factories import auth_headers, make_account
from tests.payments.conftest import wait_until


def pdf_text(data: bytes) -> str:
    """The text a reportlab PDF shows: content streams (ASCII85 + Flate) decoded, each literal
    string of a CID font (UCS-2) turned back into text."""
    import base64
    import re
    import zlib

    shown = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            content = zlib.decompress(base64.a85decode(stream.strip().removesuffix(b"~>"), adobe=False))
        except (ValueError, zlib.error):
            continue
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", content, re.S):
            raw = re.sub(rb"\\([0-7]{1,3}|.)", lambda m: bytes([int(m[1], 8)]) if m[1][:1].isdigit()
                         else {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(m[1], m[1]), literal)
            shown.append(raw.decode("utf-16-be", errors="replace"))
    return "\n".join(shown)


class TestFullPath:
    async def test_order_pay_notify_receipt(self, client, rt, fake_applications, sim_async, public_port):
        alice = await make_account(display_name="张晓明")
        app_id = fake_applications.add(alice.id, fee_fen=4250, item_name="出入境证件工本费")
        headers = await auth_headers(alice)
        r = await client.post("/api/v1/payments", json={"application_id": str(app_id), "channel": "jsapi"},
                              headers={**headers, "Idempotency-Key": "full-path-1"})
        assert r.status_code == 201, r.text
        payment = r.json()
        prepay_id = payment["request_payment"]["package"].removeprefix("prepay_id=")
        assert (await client.get(f"/api/v1/payments/{payment['id']}/receipt.pdf", headers=headers)).status_code == 409

        paid = await sim_async.post("dev/pay", json={"prepay_id": prepay_id})
        assert paid.status_code == 200

        async def is_paid():
            return (await PaymentOrder.get(id=payment["id"])).state.value == "paid"

        assert await wait_until(is_paid), (await sim_async.get("dev/pay/notifies")).json()
        async def answered():
            got = (await sim_async.get("dev/pay/notifies", params={"out_trade_no": payment["out_trade_no"]})).json()
            return [n["status"] for n in got["notifies"]] if got["notifies"][-1]["status"] else None

        assert await wait_until(answered) == [200]  # delivered once, answered SUCCESS
        assert [(a, str(p)) for a, p in fake_applications.paid_calls] == [(app_id, payment["id"])]

        out = (await client.get(f"/api/v1/payments/{payment['id']}", headers=headers)).json()
        assert out["state"] == "paid" and out["transaction_id"] == paid.json()["transaction_id"]

        r = await client.get(f"/api/v1/payments/{payment['id']}/receipt.pdf", headers=headers)
        assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
        assert r.content.startswith(b"%PDF") and b"STSong-Light" in r.content
        other = await auth_headers(await make_account())
        assert (await client.get(f"/api/v1/payments/{payment['id']}/receipt.pdf", headers=other)).status_code == 404
        text = pdf_text(r.content)
        for shown in (payment["out_trade_no"], "电子缴费凭证", "张晓明", "出入境证件工本费", "42.50", "103040100001"):
            assert shown in text, text

    async def test_simulator_retries_until_the_platform_answers(self, client, rt, fake_applications, sim_async,
                                                                public_port, settings):
        alice = await make_account()
        app_id = fake_applications.add(alice.id)
        good_url = settings.wechatpay_notify_url
        settings.wechatpay_notify_url = public_port + "/api/v1/payments/wechat/nowhere"  # answers 404 first
        from app.payments import service

        order = await service.create_order(account_id=alice.id, actor_id=alice.id, openid=alice.openid,
                                           application_id=app_id, channel="native", idempotency_key=None)
        settings.wechatpay_notify_url = good_url
        assert (await sim_async.post("dev/pay", json={"code_url": order.code_url})).status_code == 200

        async def attempts():
            got = (await sim_async.get("dev/pay/notifies", params={"out_trade_no": order.out_trade_no})).json()
            answered = [n for n in got["notifies"] if n["status"] is not None]
            return answered if len(answered) >= 3 else None

        seen = await wait_until(attempts)
        assert seen and all(n["status"] == 404 for n in seen[:3]), [n["status"] for n in seen]  # re-sent on the (compressed) schedule
        assert (await PaymentOrder.get(id=order.id)).state.value == "created"
        gaps = [b["at"] - a["at"] for a, b in zip(seen, seen[1:])]
        assert all(g >= 0.1 for g in gaps), gaps  # 15 s, 15 s … of WeChat's schedule, scaled down
        r = await client.get(f"/api/v1/payments/{order.id}", headers=await auth_headers(alice))
        assert r.json()["state"] == "paid"  # the active query catches what the lost notifies did not

    async def test_refund_notify_over_http(self, client, rt, fake_applications, sim_async, public_port):
        from app.identity.models import Role
        from app.payments.models import PaymentEvent, Refund

        alice = await make_account()
        app_id = fake_applications.add(alice.id, fee_fen=1800)
        r = await client.post("/api/v1/payments", json={"application_id": str(app_id), "channel": "native"},
                              headers=await auth_headers(alice))
        payment = r.json()
        assert (await sim_async.post("dev/pay", json={"code_url": payment["code_url"]})).status_code == 200

        async def state_is(value):
            return (await PaymentOrder.get(id=payment["id"])).state.value == value

        assert await wait_until(lambda: state_is("paid"))
        reviewer = await auth_headers(await make_account(Role.REVIEWER))
        r = await client.post(f"/api/v1/payments/{payment['id']}/refund", json={"reason": "审批不通过，退还费用"},
                              headers=reviewer)
        assert r.status_code == 201 and r.json()["state"] == "processing"
        assert await wait_until(lambda: state_is("refunded"))  # no query: only the refund notify moves it
        assert (await Refund.get(id=r.json()["id"])).state.value == "success"
        assert await PaymentEvent.filter(payment_id=payment["id"], kind="refunded").count() == 1


@pytest.mark.real_applications
class TestThroughTheApplicationsDomain:
    async def test_apply_accept_pay_notify_then_complete(self, client, rt, sim_async, public_port):
        """The whole path with real domains: apply → accept (fee due) → order → the payer pays in the
        simulator → notify over HTTP → the case is paid and can be completed → receipt."""
        from app.calendar.seed import seed as seed_calendar
        from tests.factories import complete_materials, make_application_item, make_reviewer, GOOD_FORM

        await seed_calendar()
        item = await make_application_item(name="不动产登记（转移）", fee_fen=8000, nontax_code="103040100002")
        alice, reviewer = await make_account(display_name="张晓明"), await make_reviewer()
        headers, review = await auth_headers(alice), await auth_headers(reviewer)
        r = await client.post("/api/v1/applications", headers=headers, json={
            "item_code": item.code, "form": GOOD_FORM, "materials": await complete_materials(alice)})
        app_id = r.json()["items"][0]["id"]
        assert (await client.post(f"/api/v1/applications/{app_id}/submit", headers=headers)).status_code == 200
        assert (await client.post(f"/api/v1/review/applications/{app_id}/accept", headers=review)).status_code == 200
        # the amount comes from the item, whatever the client says
        r = await client.post("/api/v1/payments", headers={**headers, "Idempotency-Key": "real-1"},
                              json={"application_id": app_id, "channel": "native", "amount_fen": 1})
        assert r.status_code == 201, r.text
        payment = r.json()
        assert payment["amount_fen"] == 8000
        assert (await client.post(f"/api/v1/review/applications/{app_id}/approve", headers=review)).status_code == 200
        blocked = await client.post(f"/api/v1/review/applications/{app_id}/complete", headers=review)
        assert blocked.status_code == 409 and blocked.json()["error"]["code"] == "FEE_UNPAID"

        assert (await sim_async.post("dev/pay", json={"code_url": payment["code_url"]})).status_code == 200

        async def paid():
            detail = (await client.get(f"/api/v1/applications/{app_id}", headers=headers)).json()
            return detail if detail.get("paid") else None

        detail = await wait_until(paid)
        assert detail, "the notify never reached the application"
        assert any("pa" in e["action"] or "缴费" in (e.get("note") or "") for e in detail["timeline"]), detail["timeline"]
        done = await client.post(f"/api/v1/review/applications/{app_id}/complete", headers=review)
        assert done.status_code == 200 and done.json()["status"] == "completed"
        receipt = await client.get(f"/api/v1/payments/{payment['id']}/receipt.pdf", headers=headers)
        assert receipt.status_code == 200 and "80.00" in pdf_text(receipt.content)
