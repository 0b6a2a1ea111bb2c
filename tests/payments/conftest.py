"""Payments fixtures: a stand-in for the applications domain (until it is merged), WeChat's keys
as WeChat holds them, a notify builder that uses `cryptography` only (not the platform's code),
and a real TCP port in front of the ASGI app so the simulator can deliver notifies over HTTP."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time
import uuid
from dataclasses import dataclass, field

import httpx
import pytest
import pytest_asyncio
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.core.errors import Conflict, NotFound
from app.payments import ports
from tests.conftest import SESSION_DIR


@dataclass
class FakeApplication:
    owner_id: uuid.UUID
    fee_fen: int
    item_name: str = "食品经营许可证核发工本费"
    nontax_code: str = "103040100001"
    paid: list[uuid.UUID] = field(default_factory=list)


class FakeApplicationsPort:
    """TEST DOUBLE of `app.applications.service` (payment_subject, fee_due, on_payment_paid),
    used through `app.payments.ports` until the applications branch is merged."""

    def __init__(self) -> None:
        self.apps: dict[uuid.UUID, FakeApplication] = {}
        self.paid_calls: list[tuple[uuid.UUID, uuid.UUID]] = []  # the "timeline events"

    def add(self, owner_id: uuid.UUID, fee_fen: int = 2500, **kw) -> uuid.UUID:
        app_id = uuid.uuid4()
        self.apps[app_id] = FakeApplication(owner_id=owner_id, fee_fen=fee_fen, **kw)
        return app_id

    async def payment_subject(self, *, application_id, account_id) -> dict:
        app = self.apps.get(application_id)
        if app is None or app.owner_id != account_id:
            raise NotFound("办件不存在", code="APPLICATION_NOT_FOUND")
        return {"item_name": app.item_name, "nontax_code": app.nontax_code}

    async def fee_due(self, *, application_id) -> int:
        app = self.apps.get(application_id)
        if app is None:
            raise NotFound("办件不存在", code="APPLICATION_NOT_FOUND")
        if app.fee_fen <= 0 or app.paid:
            raise Conflict("该办件无需缴费", code="NO_FEE_DUE")
        return app.fee_fen

    async def on_payment_paid(self, *, application_id, payment_id) -> None:
        await asyncio.sleep(0)  # let concurrent notifies interleave
        self.apps[application_id].paid.append(payment_id)
        self.paid_calls.append((application_id, payment_id))


@pytest.fixture(autouse=True)
def fake_applications(settings, request):
    """Payments unit tests run against FakeApplicationsPort, the port's contract; tests marked
    `real_applications` go through the real applications domain end to end."""
    fake = FakeApplicationsPort()
    if request.node.get_closest_marker("real_applications") is None:
        ports.use(fake)
    settings.wechatpay_notify_url = "http://127.0.0.1:9/api/v1/payments/wechat/notify"  # nobody listens
    yield fake
    ports.use(None)


class WeChatSide:
    """WeChat's own secrets, read from the simulator's generated file, and notifies built from the
    v3 rules with `cryptography` alone."""

    def __init__(self) -> None:
        creds = json.loads((SESSION_DIR / "wechat-sim" / "pay.json").read_text())
        self.mchid, self.apiv3_key = creds["mchid"], creds["apiv3_key"]
        self.key_id = creds["platform_public_key_id"]
        self.platform_key = serialization.load_pem_private_key(creds["platform_private_key"].encode(), None)
        self.appid = json.loads((SESSION_DIR / "wechat-sim" / "app.json").read_text())["appid"]

    def notify(self, resource: dict, *, event_type: str = "TRANSACTION.SUCCESS", original_type: str = "transaction",
               timestamp: int | None = None, key=None, key_id: str | None = None) -> tuple[dict, bytes]:
        nonce = base64.b64encode(os.urandom(9)).decode()[:12]
        cipher = AESGCM(self.apiv3_key.encode()).encrypt(nonce.encode(), json.dumps(resource).encode(),
                                                         original_type.encode())
        body = json.dumps({
            "id": str(uuid.uuid4()), "create_time": "2026-11-25T10:00:00+08:00", "resource_type": "encrypt-resource",
            "event_type": event_type, "summary": "支付成功",
            "resource": {"original_type": original_type, "algorithm": "AEAD_AES_256_GCM",
                         "ciphertext": base64.b64encode(cipher).decode(), "associated_data": original_type,
                         "nonce": nonce}}, ensure_ascii=False).encode()
        ts, header_nonce = str(timestamp or int(time.time())), uuid.uuid4().hex
        signature = (key or self.platform_key).sign(f"{ts}\n{header_nonce}\n".encode() + body + b"\n",
                                                    padding.PKCS1v15(), hashes.SHA256())
        headers = {"Content-Type": "application/json", "Wechatpay-Timestamp": ts, "Wechatpay-Nonce": header_nonce,
                   "Wechatpay-Serial": key_id or self.key_id, "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
                   "Wechatpay-Signature": base64.b64encode(signature).decode()}
        return headers, body

    def transaction(self, order, *, total: int | None = None, transaction_id: str | None = None,
                    trade_state: str = "SUCCESS") -> dict:
        return {"mchid": self.mchid, "appid": self.appid, "out_trade_no": order.out_trade_no,
                "transaction_id": transaction_id or "4200" + uuid.uuid4().hex[:24], "trade_type": "JSAPI",
                "trade_state": trade_state, "trade_state_desc": "支付成功", "bank_type": "OTHERS",
                "success_time": "2026-11-25T10:00:05+08:00", "payer": {"openid": "o-test"},
                "amount": {"total": order.amount_fen if total is None else total,
                           "currency": "CNY", "payer_currency": "CNY"}}

    @staticmethod
    def stranger_key():
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def wechat(rt) -> WeChatSide:
    from app.wechat.pay import config

    config()  # make sure the simulator's keys exist
    return WeChatSide()


@pytest_asyncio.fixture
async def sim_async(wechat_sim):
    async with httpx.AsyncClient(base_url=wechat_sim, timeout=10) as c:
        yield c


@pytest_asyncio.fixture
async def public_port(client, settings):
    """A real TCP port relaying HTTP requests byte for byte to the ASGI app (same event loop and
    database as the test), so the simulator's notifies arrive over real HTTP."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            request_line, *lines = head.decode("latin-1").split("\r\n")
            method, path, _ = request_line.split(" ", 2)
            headers = dict(line.split(": ", 1) for line in lines if ": " in line)
            length = int(next((v for k, v in headers.items() if k.lower() == "content-length"), "0"))
            body = await reader.readexactly(length) if length else b""
            forward = {k: v for k, v in headers.items() if k.lower() not in ("host", "content-length", "connection")}
            answer = await client.request(method, path, content=body, headers=forward)
            writer.write(f"HTTP/1.1 {answer.status_code} X\r\nContent-Type: application/json\r\n"
                         f"Content-Length: {len(answer.content)}\r\nConnection: close\r\n\r\n".encode() + answer.content)
            await writer.drain()
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    settings.wechatpay_notify_url = f"http://127.0.0.1:{port}/api/v1/payments/wechat/notify"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        await server.wait_closed()


async def wait_until(check, timeout: float = 8.0):
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result or time.monotonic() > deadline:
            return result
        await asyncio.sleep(0.05)
