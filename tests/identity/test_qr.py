"""QR login end to end with two clients: the web page long-polls, the mini-program scans and confirms."""

from __future__ import annotations

import asyncio
import base64
import io
import time
from datetime import timedelta

import fakeredis
import pytest
import zxingcpp
from PIL import Image

from app.audit.models import AuditEvent
from app.core import clock, runtime
from app.core.cache import make_redis
from app.identity import qr, service
from tests.conftest import TEST_REDIS_URL
from tests.factories import bearer, wechat_login

WEB_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"


async def create(client) -> dict:
    r = await client.post("/api/v1/auth/qr", headers={"User-Agent": WEB_UA})
    assert r.status_code == 201, r.text
    return r.json()


async def poll(client, qr_data: dict, wait: int = 0, state: str = "pending", token: str | None = None):
    return await client.get(f"/api/v1/auth/qr/{qr_data['ticket']}", params={
        "poll_token": token or qr_data["poll_token"], "wait": wait, "state": state})


async def act(client, qr_data: dict, action: str, login: dict):
    return await client.post(f"/api/v1/auth/qr/{qr_data['ticket']}/{action}", headers=bearer(login))


class TestCreate:
    async def test_ticket_png_and_payload(self, client, rt):
        data = await create(client)
        assert data["payload"] == "SJT1:Q:" + data["ticket"] and data["expires_in"] == 120
        image = Image.open(io.BytesIO(base64.b64decode(data["qr_png"])))
        decoded = zxingcpp.read_barcodes(image)
        assert [d.text for d in decoded] == [data["payload"]]
        assert data["poll_token"] not in data["payload"]
        assert 0 < await rt.redis.ttl(f"qr:t:{data['ticket']}") <= 120 + qr.KEY_LINGER
        assert (await poll(client, data)).json() == {"state": "pending", "tokens": None, "account": None}


class TestFullFlow:
    async def test_scan_then_confirm_wakes_the_poller_within_a_second(self, client, sim):
        data = await create(client)
        phone = await wechat_login(client, sim)

        web = asyncio.create_task(poll(client, data, wait=25))
        await asyncio.sleep(0.2)
        assert not web.done()
        scan = await act(client, data, "scan", phone)
        assert scan.status_code == 200
        shown = scan.json()
        assert shown["state"] == "scanned" and shown["device"] == "Chrome · Windows"
        assert shown["ip_area"] == "本机/内网" and shown["created_at"] and shown["ip"] == "127.0.*.*"
        first = await asyncio.wait_for(web, 2)
        assert first.json()["state"] == "scanned"

        web = asyncio.create_task(poll(client, data, wait=25, state="scanned"))
        await asyncio.sleep(0.3)
        assert not web.done()
        started = time.monotonic()
        assert (await act(client, data, "confirm", phone)).json() == {"state": "confirmed"}
        result = await asyncio.wait_for(web, 2)
        assert time.monotonic() - started < 1.0
        body = result.json()
        assert body["state"] == "confirmed" and body["account"]["id"] == phone["account"]["id"]
        me = await client.get("/api/v1/me", headers=bearer(body["tokens"]))
        assert me.status_code == 200 and me.json()["id"] == phone["account"]["id"]
        # the web side got the pair exactly once
        again = await poll(client, data)
        assert again.status_code == 409 and again.json()["error"]["code"] == "QR_ALREADY_USED"
        assert await AuditEvent.filter(action="auth.qr.login", actor_id=phone["account"]["id"]).exists()

    async def test_cancel(self, client, sim):
        data = await create(client)
        phone = await wechat_login(client, sim)
        await act(client, data, "scan", phone)
        web = asyncio.create_task(poll(client, data, wait=25, state="scanned"))
        await asyncio.sleep(0.2)
        assert (await act(client, data, "cancel", phone)).json() == {"state": "cancelled"}
        assert (await asyncio.wait_for(web, 2)).json()["state"] == "cancelled"
        r = await act(client, data, "confirm", phone)
        assert r.status_code == 409 and r.json()["error"]["code"] == "QR_CANCELLED"
        r = await act(client, data, "scan", phone)
        assert r.status_code == 409 and r.json()["error"]["code"] == "QR_CANCELLED"


class TestRejections:
    async def test_confirm_by_another_account_than_the_scanner(self, client, sim):
        data = await create(client)
        scanner, intruder = await wechat_login(client, sim), await wechat_login(client, sim)
        await act(client, data, "scan", scanner)
        r = await act(client, data, "confirm", intruder)
        assert r.status_code == 403 and r.json()["error"]["code"] == "QR_NOT_SCANNER"
        r = await act(client, data, "cancel", intruder)
        assert r.status_code == 403
        r = await act(client, data, "scan", intruder)
        assert r.status_code == 409 and r.json()["error"]["code"] == "QR_SCANNED_BY_OTHER"
        assert (await act(client, data, "confirm", scanner)).status_code == 200

    async def test_confirm_before_scan(self, client, sim):
        data = await create(client)
        phone = await wechat_login(client, sim)
        r = await act(client, data, "confirm", phone)
        assert r.status_code == 409 and r.json()["error"]["code"] == "QR_NOT_SCANNED"

    async def test_expiry(self, client, sim):
        data = await create(client)
        phone = await wechat_login(client, sim)
        clock.advance(timedelta(seconds=121))
        assert (await poll(client, data, wait=5)).json()["state"] == "expired"
        r = await act(client, data, "scan", phone)
        assert r.status_code == 409 and r.json()["error"]["code"] == "QR_EXPIRED"

    async def test_expiry_after_scan_blocks_confirm(self, client, sim):
        data = await create(client)
        phone = await wechat_login(client, sim)
        await act(client, data, "scan", phone)
        clock.advance(timedelta(seconds=121))
        r = await act(client, data, "confirm", phone)
        assert r.status_code == 409 and r.json()["error"]["code"] == "QR_EXPIRED"

    async def test_replayed_confirm_and_scan(self, client, sim):
        data = await create(client)
        phone = await wechat_login(client, sim)
        await act(client, data, "scan", phone)
        await act(client, data, "confirm", phone)
        for action in ("confirm", "scan", "cancel"):
            r = await act(client, data, action, phone)
            assert r.status_code == 409 and r.json()["error"]["code"] == "QR_ALREADY_USED"
        assert (await poll(client, data)).json()["state"] == "confirmed"
        r = await act(client, data, "scan", phone)
        assert r.status_code == 409 and r.json()["error"]["code"] == "QR_ALREADY_USED"

    async def test_unknown_ticket_and_wrong_poll_token(self, client, sim):
        data = await create(client)
        phone = await wechat_login(client, sim)
        r = await act(client, {"ticket": "no-such-ticket"}, "scan", phone)
        assert r.status_code == 404 and r.json()["error"]["code"] == "QR_NOT_FOUND"
        r = await poll(client, data, token="guessed")
        assert r.status_code == 404 and r.json()["error"]["code"] == "QR_NOT_FOUND"
        assert (await client.post(f"/api/v1/auth/qr/{data['ticket']}/scan")).status_code == 401

    async def test_two_parallel_claims_get_the_tokens_once(self, client, sim):
        data = await create(client)
        phone = await wechat_login(client, sim)
        await act(client, data, "scan", phone)
        await act(client, data, "confirm", phone)
        results = await asyncio.gather(*(poll(client, data) for _ in range(5)))
        assert sorted(r.status_code for r in results) == [200, 409, 409, 409, 409]
        assert sum(1 for r in results if r.status_code == 200 and r.json()["tokens"]) == 1

    async def test_bad_wait_is_422(self, client, rt):
        data = await create(client)
        r = await client.get(f"/api/v1/auth/qr/{data['ticket']}", params={"poll_token": data["poll_token"], "wait": 99})
        assert r.status_code == 422


class TestWaiting:
    async def test_idle_long_poll_uses_no_database(self, rt, monkeypatch):
        data = await service.create_qr_login(user_agent=WEB_UA, ip="127.0.0.1")
        import tortoise

        def no_db(*a, **k):
            raise AssertionError("a waiting long-poll must not touch the database")

        monkeypatch.setattr(tortoise.connections, "get", no_db)
        started = time.monotonic()
        result = await service.poll_qr_login(ticket=data["ticket"], poll_token=data["poll_token"], known="pending",
                                             wait=1)
        assert result == {"state": "pending"} and time.monotonic() - started >= 0.9

    async def test_many_waiters_share_one_subscription_and_a_publish_from_another_connection_wakes_them(self, rt):
        # PUBSUB NUMSUB counts the whole Redis server, which other processes may share: count the delta
        others = (await rt.redis.pubsub_numsub(qr.CHANNEL))[0][1]
        tickets = [await service.create_qr_login(user_agent=WEB_UA, ip="127.0.0.1") for _ in range(20)]
        waiters = [asyncio.create_task(service.poll_qr_login(ticket=t["ticket"], poll_token=t["poll_token"],
                                                             known="pending", wait=20)) for t in tickets]
        await asyncio.sleep(0.3)
        hub = qr._hub()
        assert len(hub.waiters) == 20 and hub.task is not None
        assert (await rt.redis.pubsub_numsub(qr.CHANNEL))[0][1] == others + 1
        # "another worker": its own connection to the same Redis scans the first ticket
        other = (make_redis(TEST_REDIS_URL) if TEST_REDIS_URL else
                 fakeredis.FakeAsyncRedis(host=rt.redis.connection_pool.connection_kwargs["host"],
                                          decode_responses=True))  # same in-process server, new connection
        previous = runtime.rt.redis
        try:
            await asyncio.sleep(0.3)
            hub = qr._hub()
            assert len(hub.waiters) == 20 and hub.task is not None and hub.subscriptions == 1
            # (pub/sub channels are server-wide: other test runs on the same Redis may subscribe too)
            assert (await rt.redis.pubsub_numsub(qr.CHANNEL))[0][1] >= 1
            runtime.rt.redis = other
            started = time.monotonic()
            await qr.scan(ticket=tickets[0]["ticket"], account_id="someone")
            runtime.rt.redis = previous
            first = await asyncio.wait_for(waiters[0], 2)
            assert first == {"state": "scanned"} and time.monotonic() - started < 1.0
            assert not any(w.done() for w in waiters[1:])
        finally:
            runtime.rt.redis = previous
            for w in waiters:
                w.cancel()
            await asyncio.gather(*waiters, return_exceptions=True)
            await other.aclose()
        await asyncio.sleep(0.05)
        assert hub.waiters == {} and hub.task is None and hub.subscriptions == 1


@pytest.mark.parametrize("ua,expected", [
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile MicroMessenger/8.0", "微信 · iPhone"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) Version/17 Safari/605", "Safari · macOS"),
    ("", "未知设备"),
])
def test_device_description(ua, expected):
    from app.identity.device import describe_device

    assert describe_device(ua) == expected


@pytest.mark.parametrize("ip,area", [("127.0.0.1", "本机/内网"), ("192.168.1.2", "本机/内网"),
                                     ("218.26.1.1", "山西省太原市"), ("8.8.8.8", "其他地区"), ("junk", "未知地区")])
def test_ip_area(ip, area):
    from app.identity.device import ip_area

    assert ip_area(ip) == area
