"""Logins: WeChat (with phone binding), staff password with lockout, rate limits, audit events."""

from __future__ import annotations

from datetime import timedelta

from app.audit.models import AuditEvent
from app.core import clock
from app.core.crypto import blind_index, decrypt
from app.identity import limits
from app.identity.models import Account, Role
from tests.factories import auth_headers, bearer, make_account, wechat_login

PASSWORD = "Str0ng!Pass#2026"


async def password_login(client, username, password=PASSWORD, ip="127.0.0.1"):
    return await client.post("/api/v1/auth/password/login", json={"username": username, "password": password},
                             headers={"X-Forwarded-For": ip, "User-Agent": "Mozilla/5.0 (Windows NT 10.0) Chrome/120"})


class TestWechatLogin:
    async def test_login_creates_account_and_audits(self, client, sim):
        result = await wechat_login(client, sim, openid="o-login-1")
        assert result["new_account"] is True and result["account"]["realname_level"] == 1
        assert result["refresh_token"] and result["expires_in"] == 900
        events = await AuditEvent.filter(action="auth.wechat.login")
        assert len(events) == 1 and events[0].actor_id == result["account"]["id"]

    async def test_invalid_code_is_400(self, client, sim):
        r = await client.post("/api/v1/auth/wechat/login", json={"code": "nope"})
        assert r.status_code == 400 and r.json()["error"]["code"] == "WECHAT_CODE_INVALID"

    async def test_empty_code_is_422(self, client, sim):
        r = await client.post("/api/v1/auth/wechat/login", json={"code": ""})
        assert r.status_code == 422 and r.json()["error"]["details"]["fields"][0]["field"] == "code"


class TestBindPhone:
    async def test_phone_code_stores_encrypted_phone(self, client, sim):
        login = await wechat_login(client, sim)
        code = sim.post("dev/phone-code", json={"phone": "13903510077"}).json()["code"]
        r = await client.post("/api/v1/auth/wechat/phone", json={"code": code}, headers=bearer(login))
        assert r.status_code == 200 and r.json()["phone"] == "139****0077"
        account = await Account.get(id=login["account"]["id"])
        assert "13903510077" not in account.phone_enc
        assert decrypt(account.phone_enc, context="phone") == "13903510077"
        assert account.phone_index == blind_index("13903510077", kind="phone")
        assert await Account.filter(phone_index=blind_index("13903510077", kind="phone")).count() == 1

    async def test_bad_phone_code_is_400_and_needs_login(self, client, sim):
        login = await wechat_login(client, sim)
        r = await client.post("/api/v1/auth/wechat/phone", json={"code": "forged"}, headers=bearer(login))
        assert r.status_code == 400 and r.json()["error"]["code"] == "WECHAT_CODE_INVALID"
        assert (await client.post("/api/v1/auth/wechat/phone", json={"code": "x"})).status_code == 401


class TestPasswordLogin:
    async def test_staff_login(self, client, rt):
        staff = await make_account(Role.REVIEWER, password=PASSWORD)
        r = await password_login(client, staff.username)
        assert r.status_code == 200 and r.json()["account"]["role"] == "reviewer"
        assert (await client.get("/api/v1/me", headers=bearer(r.json()))).status_code == 200
        assert await AuditEvent.filter(action="auth.password.login", outcome="success", actor_id=str(staff.id)).exists()

    async def test_wrong_password_and_unknown_user_look_the_same(self, client, rt):
        staff = await make_account(Role.COUNTER, password=PASSWORD)
        wrong = await password_login(client, staff.username, "wrong")
        unknown = await password_login(client, "nobody.here", "wrong")
        assert wrong.status_code == unknown.status_code == 401
        assert wrong.json()["error"]["code"] == unknown.json()["error"]["code"] == "INVALID_CREDENTIALS"
        assert wrong.json()["error"]["details"]["remaining_attempts"] == 4

    async def test_residents_cannot_use_password_login(self, client, rt):
        resident = await make_account(Role.RESIDENT, username="res.pw", password_hash=None)
        assert (await password_login(client, resident.username)).status_code == 401

    async def test_lockout_after_five_failures_in_fifteen_minutes(self, client, rt):
        staff = await make_account(Role.AGENT, password=PASSWORD)
        for i in range(4):
            assert (await password_login(client, staff.username, "bad")).status_code == 401
        fifth = await password_login(client, staff.username, "bad")
        assert fifth.status_code == 423
        err = fifth.json()["error"]
        assert err["code"] == "ACCOUNT_LOCKED" and "锁定" in err["message"] and err["details"]["unlock_at"]
        assert 850 <= int(fifth.headers["Retry-After"]) <= 901
        # even the right password is refused while locked
        assert (await password_login(client, staff.username)).status_code == 423
        assert await AuditEvent.filter(action="auth.password.lockout", target_id=staff.username).count() == 1
        assert await AuditEvent.filter(action="auth.password.login", outcome="locked").count() == 1
        clock.advance(timedelta(minutes=15, seconds=2))
        assert (await password_login(client, staff.username)).status_code == 200

    async def test_admin_can_unlock(self, client, rt):
        staff = await make_account(Role.AGENT, password=PASSWORD)
        for _ in range(5):
            await password_login(client, staff.username, "bad")
        assert (await password_login(client, staff.username)).status_code == 423
        other = await make_account(Role.REVIEWER)
        r = await client.post("/api/v1/auth/password/unlock", json={"username": staff.username},
                              headers=await auth_headers(other))
        assert r.status_code == 403
        admin = await make_account(Role.ADMIN)
        r = await client.post("/api/v1/auth/password/unlock", json={"username": staff.username},
                              headers=await auth_headers(admin))
        assert r.status_code == 204
        assert (await password_login(client, staff.username)).status_code == 200
        assert await AuditEvent.filter(action="auth.password.unlock", actor_id=str(admin.id)).exists()

    async def test_failures_outside_the_window_do_not_count(self, client, rt):
        staff = await make_account(Role.AGENT, password=PASSWORD)
        for _ in range(4):
            await password_login(client, staff.username, "bad")
        clock.advance(timedelta(minutes=16))
        assert (await password_login(client, staff.username, "bad")).status_code == 401
        assert (await password_login(client, staff.username)).status_code == 200

    async def test_success_clears_failures(self, client, rt):
        staff = await make_account(Role.ADMIN, password=PASSWORD)
        for _ in range(4):
            await password_login(client, staff.username, "bad")
        assert (await password_login(client, staff.username)).status_code == 200
        for _ in range(4):
            assert (await password_login(client, staff.username, "bad")).status_code == 401


class TestRateLimits:
    async def test_login_per_ip_returns_429_with_retry_after(self, client, rt, monkeypatch):
        monkeypatch.setitem(limits.LIMITS, "login:ip", (3, 60))
        for i in range(3):
            await password_login(client, f"user{i}", "x", ip="1.68.0.9")
        r = await password_login(client, "user9", "x", ip="1.68.0.9")
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
        assert r.json()["error"]["code"] == "RATE_LIMITED" and "频繁" in r.json()["error"]["message"]
        assert (await password_login(client, "user9", "x", ip="1.68.0.10")).status_code == 401

    async def test_login_per_account(self, client, rt, monkeypatch):
        monkeypatch.setitem(limits.LIMITS, "login:account", (2, 60))
        staff = await make_account(Role.ADMIN, password=PASSWORD)
        await password_login(client, staff.username, "x", ip="10.0.0.1")
        await password_login(client, staff.username, "x", ip="10.0.0.2")
        r = await password_login(client, staff.username, ip="10.0.0.3")
        assert r.status_code == 429 and r.headers["Retry-After"]

    async def test_wechat_login_per_ip(self, client, sim, monkeypatch):
        monkeypatch.setitem(limits.LIMITS, "login:ip", (1, 60))
        await wechat_login(client, sim)
        code = sim.post("dev/login-code", json={"openid": "o-rl"}).json()["code"]
        r = await client.post("/api/v1/auth/wechat/login", json={"code": code})
        assert r.status_code == 429 and r.headers["Retry-After"]

    async def test_qr_creation_per_ip(self, client, rt, monkeypatch):
        monkeypatch.setitem(limits.LIMITS, "qr:create:ip", (2, 60))
        for _ in range(2):
            assert (await client.post("/api/v1/auth/qr")).status_code == 201
        r = await client.post("/api/v1/auth/qr")
        assert r.status_code == 429 and r.headers["Retry-After"]

    async def test_refresh_per_ip(self, client, rt, monkeypatch):
        monkeypatch.setitem(limits.LIMITS, "refresh:ip", (1, 60))
        await client.post("/api/v1/auth/refresh", json={"refresh_token": "a"})
        r = await client.post("/api/v1/auth/refresh", json={"refresh_token": "b"})
        assert r.status_code == 429
