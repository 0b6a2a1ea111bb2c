"""Refresh rotation, reuse detection, logout and the staff idle timeout."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from app.audit.models import AuditEvent
from app.core import clock
from app.identity.models import RefreshToken, Role
from app.identity.sessions import hash_token
from tests.factories import bearer, make_account, wechat_login

PASSWORD = "Str0ng!Pass#2026"


async def refresh(client, token):
    return await client.post("/api/v1/auth/refresh", json={"refresh_token": token})


class TestRefresh:
    async def test_rotation_on_every_use(self, client, sim):
        login = await wechat_login(client, sim)
        first = await refresh(client, login["refresh_token"])
        assert first.status_code == 200
        pair = first.json()
        assert pair["refresh_token"] != login["refresh_token"] and pair["access_token"] != login["access_token"]
        assert (await client.get("/api/v1/me", headers=bearer(pair))).status_code == 200
        second = await refresh(client, pair["refresh_token"])
        assert second.status_code == 200
        rows = await RefreshToken.filter(account_id=login["account"]["id"]).order_by("id")
        assert len(rows) == 3 and len({r.family for r in rows}) == 1
        assert [r.used_at is not None for r in rows] == [True, True, False]
        assert all(login["refresh_token"] not in (r.token_hash,) for r in rows)
        assert rows[0].token_hash == hash_token(login["refresh_token"])

    async def test_reuse_revokes_the_whole_family(self, client, sim):
        login = await wechat_login(client, sim)
        stolen = login["refresh_token"]
        legit = (await refresh(client, stolen)).json()
        r = await refresh(client, stolen)  # the attacker (or the victim) replays the used token
        assert r.status_code == 401 and r.json()["error"]["code"] == "REFRESH_TOKEN_REUSED"
        # the family is dead: the newest refresh token and the access tokens stop working
        r = await refresh(client, legit["refresh_token"])
        assert r.status_code == 401 and r.json()["error"]["code"] == "SESSION_REVOKED"
        r = await client.get("/api/v1/me", headers=bearer(legit))
        assert r.status_code == 401 and r.json()["error"]["code"] == "SESSION_REVOKED"
        event = await AuditEvent.get(action="auth.refresh.reuse")
        assert event.actor_id == login["account"]["id"] and event.outcome == "denied"
        # another login of the same person is unaffected
        other = await wechat_login(client, sim, openid=None)
        assert (await client.get("/api/v1/me", headers=bearer(other))).status_code == 200

    async def test_concurrent_use_of_one_token_wins_once(self, client, sim):
        login = await wechat_login(client, sim)
        results = await asyncio.gather(*(refresh(client, login["refresh_token"]) for _ in range(4)))
        assert sorted(r.status_code for r in results).count(200) <= 1
        assert any(r.status_code == 401 for r in results)

    async def test_unknown_and_expired_tokens(self, client, sim):
        assert (await refresh(client, "not-a-token")).json()["error"]["code"] == "REFRESH_TOKEN_INVALID"
        login = await wechat_login(client, sim)
        clock.advance(timedelta(days=31))
        r = await refresh(client, login["refresh_token"])
        assert r.status_code == 401 and r.json()["error"]["code"] == "REFRESH_TOKEN_EXPIRED"


class TestLogout:
    async def test_logout_revokes_access_and_refresh(self, client, sim):
        login = await wechat_login(client, sim)
        r = await client.post("/api/v1/auth/logout", headers=bearer(login))
        assert r.status_code == 200 and r.json()["revoked"] == 1
        r = await client.get("/api/v1/me", headers=bearer(login))
        assert r.status_code == 401 and r.json()["error"]["code"] == "SESSION_REVOKED"
        assert (await refresh(client, login["refresh_token"])).status_code == 401
        assert await AuditEvent.filter(action="auth.logout", actor_id=login["account"]["id"]).exists()

    async def test_logout_needs_a_token(self, client, rt):
        assert (await client.post("/api/v1/auth/logout")).status_code == 401


class TestStaffIdleTimeout:
    async def _login(self, client):
        staff = await make_account(Role.COUNTER, password=PASSWORD)
        r = await client.post("/api/v1/auth/password/login", json={"username": staff.username, "password": PASSWORD})
        return r.json()

    async def test_activity_keeps_the_session_alive(self, client, rt, monkeypatch):
        monkeypatch.setattr(rt.settings, "staff_idle_timeout", 600)
        login = await self._login(client)
        for _ in range(3):
            clock.advance(timedelta(seconds=400))
            login = (await refresh(client, login["refresh_token"])).json()
            assert (await client.get("/api/v1/me", headers=bearer(login))).status_code == 200

    async def test_requests_in_a_burst_write_the_last_seen_time_once(self, client, rt, monkeypatch):
        from app.identity import sessions

        monkeypatch.setattr(rt.settings, "staff_idle_timeout", 600)
        login = await self._login(client)
        seen_key = next(k for k in await rt.redis.keys("sess:seen:*"))
        clock.advance(timedelta(seconds=sessions.TOUCH_EVERY))
        assert (await client.get("/api/v1/me", headers=bearer(login))).status_code == 200
        touched = await rt.redis.get(seen_key)
        for _ in range(3):
            clock.advance(timedelta(seconds=1))
            assert (await client.get("/api/v1/me", headers=bearer(login))).status_code == 200
        assert await rt.redis.get(seen_key) == touched
        clock.advance(timedelta(seconds=sessions.TOUCH_EVERY))
        assert (await client.get("/api/v1/me", headers=bearer(login))).status_code == 200
        assert float(await rt.redis.get(seen_key)) > float(touched)

    async def test_idle_session_is_rejected(self, client, rt, monkeypatch):
        monkeypatch.setattr(rt.settings, "staff_idle_timeout", 300)
        login = await self._login(client)
        assert (await client.get("/api/v1/me", headers=bearer(login))).status_code == 200
        clock.advance(timedelta(seconds=301))
        r = await client.get("/api/v1/me", headers=bearer(login))
        assert r.status_code == 401 and r.json()["error"]["code"] == "SESSION_IDLE_TIMEOUT"
        r = await refresh(client, login["refresh_token"])
        assert r.status_code == 401 and r.json()["error"]["code"] == "SESSION_IDLE_TIMEOUT"
        assert await AuditEvent.filter(action="auth.session.idle_timeout").exists()

    async def test_residents_have_no_idle_timeout(self, client, sim, monkeypatch, rt):
        monkeypatch.setattr(rt.settings, "staff_idle_timeout", 60)
        login = await wechat_login(client, sim)
        clock.advance(timedelta(seconds=120))
        assert (await client.get("/api/v1/me", headers=bearer(login))).status_code == 200
