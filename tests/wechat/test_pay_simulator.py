"""The simulated WeChat Pay v3 API checks merchant signatures and signs its answers, as WeChat does."""

from __future__ import annotations

import base64
import json
import secrets
import time

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from app.wechat import pay
from tests.conftest import SESSION_DIR


def _creds() -> dict:
    return json.loads((SESSION_DIR / "wechat-sim" / "pay.json").read_text())


def _authorization(creds: dict, method: str, url: str, body: str, key=None, ts: int | None = None) -> str:
    key = key or serialization.load_pem_private_key(creds["merchant_private_key"].encode(), None)
    ts, nonce = str(ts or int(time.time())), secrets.token_hex(16)
    sig = key.sign(f"{method}\n{url}\n{ts}\n{nonce}\n{body}\n".encode(), padding.PKCS1v15(), hashes.SHA256())
    return (f'WECHATPAY2-SHA256-RSA2048 mchid="{creds["mchid"]}",nonce_str="{nonce}",'
            f'signature="{base64.b64encode(sig).decode()}",timestamp="{ts}",serial_no="{creds["merchant_serial"]}"')


class TestMerchantSignature:
    async def test_signed_request_gets_a_signed_answer(self, rt, wechat_sim):
        pay.config()
        creds = _creds()
        appid = json.loads((SESSION_DIR / "wechat-sim" / "app.json").read_text())["appid"]
        body = json.dumps({"appid": appid, "mchid": creds["mchid"], "description": "测试",
                           "out_trade_no": "SJT" + secrets.token_hex(8), "notify_url": "http://127.0.0.1:9/n",
                           "amount": {"total": 1, "currency": "CNY"}})
        url = "/v3/pay/transactions/native"
        async with httpx.AsyncClient(base_url=wechat_sim.rstrip("/")) as c:
            r = await c.post(url, content=body, headers={"Authorization": _authorization(creds, "POST", url, body),
                                                         "Content-Type": "application/json"})
            assert r.status_code == 200 and r.json()["code_url"].startswith("weixin://")
            platform = serialization.load_pem_public_key(creds["platform_public_key"].encode())
            message = f"{r.headers['Wechatpay-Timestamp']}\n{r.headers['Wechatpay-Nonce']}\n{r.text}\n".encode()
            platform.verify(base64.b64decode(r.headers["Wechatpay-Signature"]), message, padding.PKCS1v15(),
                            hashes.SHA256())
            assert r.headers["Wechatpay-Serial"] == creds["platform_public_key_id"]

            stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            for auth in (_authorization(creds, "POST", url, body, key=stranger),
                         _authorization(creds, "POST", url, body, ts=int(time.time()) - 600),
                         _authorization(creds, "POST", url, body.replace("\"total\": 1", "\"total\": 2")), ""):
                r = await c.post(url, content=body, headers={"Authorization": auth})
                assert r.status_code == 401 and r.json()["code"] == "SIGN_ERROR"

    async def test_platform_client_rejects_an_answer_signed_by_another_key(self, rt, settings):
        good = pay.config()
        no = "SJT" + secrets.token_hex(8)
        await pay.place_order(channel="native", out_trade_no=no, amount_fen=1, description="x", openid=None)
        settings.wechat_simulator = False  # configure explicitly, with a platform key the simulator does not hold
        stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        key_file = SESSION_DIR / "stranger.pem"
        key_file.write_text(stranger)
        merchant_file = SESSION_DIR / "wechat-sim" / "merchant_key.pem"
        settings.wechatpay_mchid, settings.wechatpay_merchant_serial = good.mchid, good.merchant_serial
        settings.wechatpay_merchant_key_path, settings.wechatpay_apiv3_key = merchant_file, good.apiv3_key
        settings.wechatpay_public_key_paths = str(key_file)
        settings.wechatpay_public_key_ids = good.platform_keys[0][0]
        settings.wechat_secret = "x"
        try:
            from app.core.errors import UpstreamError

            try:
                await pay.query_order(out_trade_no=no)
                raise AssertionError("an unverifiable answer was trusted")
            except UpstreamError as exc:
                assert exc.code == "WECHATPAY_UNAVAILABLE"
        finally:
            settings.wechat_simulator = True
            settings.wechatpay_mchid = ""
            settings.wechat_secret = ""

    async def test_several_live_platform_keys_are_chosen_by_serial(self, rt, settings):
        good = pay.config()
        no = "SJT" + secrets.token_hex(8)
        await pay.place_order(channel="native", out_trade_no=no, amount_fen=1, description="x", openid=None)
        old = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        (SESSION_DIR / "old.pem").write_text(old)
        (SESSION_DIR / "current.pem").write_text(good.platform_keys[0][1])
        settings.wechat_simulator, settings.wechat_secret = False, "x"
        settings.wechatpay_mchid, settings.wechatpay_merchant_serial = good.mchid, good.merchant_serial
        settings.wechatpay_merchant_key_path = SESSION_DIR / "wechat-sim" / "merchant_key.pem"
        settings.wechatpay_apiv3_key = good.apiv3_key
        settings.wechatpay_public_key_paths = f"{SESSION_DIR / 'old.pem'},{SESSION_DIR / 'current.pem'}"
        settings.wechatpay_public_key_ids = f"PUB_KEY_ID_OLD,{good.platform_keys[0][0]}"
        try:
            cfg = pay.config()
            assert [k for k, _ in cfg.platform_keys] == ["PUB_KEY_ID_OLD", good.platform_keys[0][0]]
            # an answer signed with the second (current) key verifies although the first is listed first
            assert (await pay.query_order(out_trade_no=no))["trade_state"] == "NOTPAY"
        finally:
            settings.wechat_simulator, settings.wechatpay_mchid, settings.wechat_secret = True, "", ""
