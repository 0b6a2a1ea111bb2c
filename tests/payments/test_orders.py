from __future__ import annotations

import base64
import io
import uuid

import zxingcpp
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from PIL import Image

from app.identity.models import Role
from app.payments import service
from app.payments.models import PaymentOrder
from tests.conftest import SESSION_DIR
from tests.factories import auth_headers, make_account, make_payment


class TestCreateOrder:
    async def test_jsapi_order_carries_signed_request_payment(self, client, rt, fake_applications, sim):
        alice = await make_account()
        app_id = fake_applications.add(alice.id, fee_fen=1234)
        r = await client.post("/api/v1/payments", json={"application_id": str(app_id), "channel": "jsapi",
                                                         "amount_fen": 1},
                              headers={**await auth_headers(alice), "Idempotency-Key": "k-1"})
        assert r.status_code == 201, r.text
        out = r.json()
        assert out["amount_fen"] == 1234 and out["state"] == "created"  # the client's amount is ignored
        assert out["nontax_code"] == "103040100001"
        rp = out["request_payment"]
        assert rp["package"].startswith("prepay_id=wx") and rp["signType"] == "RSA"
        import json
        creds = json.loads((SESSION_DIR / "wechat-sim" / "pay.json").read_text())
        merchant = serialization.load_pem_public_key(creds["merchant_public_key"].encode())
        message = f"{rp['appId']}\n{rp['timeStamp']}\n{rp['nonceStr']}\n{rp['package']}\n".encode()
        merchant.verify(base64.b64decode(rp["paySign"]), message, padding.PKCS1v15(), hashes.SHA256())

    async def test_native_order_has_a_scannable_qr(self, client, rt, fake_applications):
        alice = await make_account()
        app_id = fake_applications.add(alice.id)
        r = await client.post("/api/v1/payments", json={"application_id": str(app_id), "channel": "native"},
                              headers=await auth_headers(alice))
        assert r.status_code == 201, r.text
        out = r.json()
        assert out["code_url"].startswith("weixin://wxpay/bizpayurl") and out["request_payment"] is None
        image = Image.open(io.BytesIO(base64.b64decode(out["qr_png_base64"])))
        assert zxingcpp.read_barcodes(image)[0].text == out["code_url"]

    async def test_same_key_same_order_and_other_body_is_409(self, client, rt, fake_applications):
        alice = await make_account()
        a1, a2 = fake_applications.add(alice.id), fake_applications.add(alice.id)
        headers = {**await auth_headers(alice), "Idempotency-Key": "same-key"}
        r1 = await client.post("/api/v1/payments", json={"application_id": str(a1), "channel": "native"},
                               headers=headers)
        r2 = await client.post("/api/v1/payments", json={"application_id": str(a1), "channel": "native"},
                               headers=headers)
        assert r1.status_code == r2.status_code == 201 and r1.json()["id"] == r2.json()["id"]
        r3 = await client.post("/api/v1/payments", json={"application_id": str(a2), "channel": "native"},
                               headers=headers)
        assert r3.status_code == 409 and r3.json()["error"]["code"] == "IDEMPOTENCY_MISMATCH"
        assert await PaymentOrder.all().count() == 1

    async def test_one_open_order_per_application(self, rt, fake_applications):
        alice = await make_account()
        app_id = fake_applications.add(alice.id)
        o1 = await service.create_order(account_id=alice.id, actor_id=alice.id, openid=alice.openid,
                                        application_id=app_id, channel="native", idempotency_key=None)
        o2 = await service.create_order(account_id=alice.id, actor_id=alice.id, openid=alice.openid,
                                        application_id=app_id, channel="native", idempotency_key="other")
        assert o1.id == o2.id
        from app.core.errors import Conflict
        try:
            await service.create_order(account_id=alice.id, actor_id=alice.id, openid=alice.openid,
                                       application_id=app_id, channel="jsapi", idempotency_key=None)
            raise AssertionError("a second open order was created")
        except Conflict as exc:
            assert exc.code == "PAYMENT_ALREADY_OPEN"

    async def test_concurrent_creates_make_one_order(self, client, rt, fake_applications):
        import asyncio

        alice = await make_account()
        app_id = fake_applications.add(alice.id)
        headers = await auth_headers(alice)
        answers = await asyncio.gather(*[client.post(
            "/api/v1/payments", json={"application_id": str(app_id), "channel": "native"},
            headers={**headers, "Idempotency-Key": f"k{i}"}) for i in range(5)])
        assert {a.status_code for a in answers} <= {201, 409}
        assert len({a.json()["id"] for a in answers if a.status_code == 201}) == 1
        assert await PaymentOrder.filter(application_id=app_id).count() == 1

    async def test_other_persons_application_is_404_and_no_fee_is_409(self, client, rt, fake_applications):
        alice, bob = await make_account(), await make_account()
        app_id = fake_applications.add(alice.id)
        r = await client.post("/api/v1/payments", json={"application_id": str(app_id), "channel": "native"},
                              headers=await auth_headers(bob))
        assert r.status_code == 404
        free = fake_applications.add(alice.id, fee_fen=0)
        r = await client.post("/api/v1/payments", json={"application_id": str(free), "channel": "native"},
                              headers=await auth_headers(alice))
        assert r.status_code == 409 and r.json()["error"]["code"] == "NO_FEE_DUE"
        r = await client.post("/api/v1/payments", json={"application_id": str(uuid.uuid4()), "channel": "x"},
                              headers=await auth_headers(alice))
        assert r.status_code == 422

    async def test_jsapi_needs_an_openid(self, rt, fake_applications):
        from app.core.errors import ValidationFailed

        agent = await make_account(Role.AGENT)
        try:
            await make_payment(fake_applications, agent)
            raise AssertionError("JSAPI order without openid")
        except ValidationFailed as exc:
            assert exc.code == "OPENID_REQUIRED"


class TestGetPayment:
    async def test_privacy_and_reviewer_view(self, client, rt, fake_applications):
        alice, bob, reviewer = await make_account(), await make_account(), await make_account(Role.REVIEWER)
        order = await make_payment(fake_applications, alice)
        assert (await client.get(f"/api/v1/payments/{order.id}", headers=await auth_headers(bob))).status_code == 404
        r = await client.get(f"/api/v1/payments/{order.id}", headers=await auth_headers(reviewer))
        assert r.status_code == 200 and r.json()["request_payment"] is None
        r = await client.get(f"/api/v1/payments/{order.id}", headers=await auth_headers(alice))
        assert r.status_code == 200 and r.json()["request_payment"]["package"] == f"prepay_id={order.prepay_id}"

    async def test_query_applies_payment_before_the_notify(self, client, rt, fake_applications, sim_async):
        alice = await make_account()
        order = await make_payment(fake_applications, alice)
        paid = await sim_async.post("dev/pay", json={"prepay_id": order.prepay_id, "notify": False})
        assert paid.status_code == 200
        r = await client.get(f"/api/v1/payments/{order.id}", headers=await auth_headers(alice))
        assert r.json()["state"] == "paid" and r.json()["transaction_id"] == paid.json()["transaction_id"]
        assert (await sim_async.post("dev/pay", json={"prepay_id": order.prepay_id})).status_code == 409
        assert len(fake_applications.paid_calls) == 1
        r = await client.get(f"/api/v1/payments/{order.id}", headers=await auth_headers(alice))
        assert r.json()["state"] == "paid" and len(fake_applications.paid_calls) == 1
        assert [e.kind for e in await service.list_events(payment_id=order.id)] == ["created", "paid"]
