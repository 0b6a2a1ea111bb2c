"""Authorisation helpers: roles, ownership answers 404 for other people's records."""

from __future__ import annotations

import pytest

from app.core.errors import NotFound
from app.identity.auth import ensure_owner, get_owned
from app.identity.models import RefreshToken, Role
from app.identity.sessions import start_session
from tests.factories import auth_headers, make_account


class TestOwnership:
    async def test_get_owned_and_ensure_owner(self, rt):
        alice, bob = await make_account(), await make_account()
        await start_session(alice, channel="test")
        row = await RefreshToken.get(account_id=alice.id)
        assert (await get_owned(RefreshToken, alice, id=row.id)).id == row.id
        with pytest.raises(NotFound):
            await get_owned(RefreshToken, bob, id=row.id)
        with pytest.raises(NotFound) as exc:
            await get_owned(RefreshToken.all(), bob, id=row.id, code="SESSION_NOT_FOUND")
        assert exc.value.code == "SESSION_NOT_FOUND"
        assert ensure_owner(row, alice) is row
        for other in (None, row):
            with pytest.raises(NotFound):
                ensure_owner(other, bob)


class TestRoles:
    async def test_wrong_role_is_403_and_no_token_401(self, client, rt):
        resident = await make_account(Role.RESIDENT)
        r = await client.get("/api/v1/audit/events", headers=await auth_headers(resident))
        assert r.status_code == 403 and r.json()["error"]["code"] == "ROLE_FORBIDDEN"
        assert (await client.get("/api/v1/me")).status_code == 401

    async def test_disabled_account_is_401(self, client, rt):
        account = await make_account()
        headers = await auth_headers(account)
        account.status = "disabled"
        await account.save()
        r = await client.get("/api/v1/me", headers=headers)
        assert r.status_code == 401 and r.json()["error"]["code"] == "ACCOUNT_DISABLED"


class TestClientIp:
    async def _failed_login_ip(self, client, xff: str) -> str:
        from app.audit.models import AuditEvent

        await client.post("/api/v1/auth/password/login", json={"username": "nobody", "password": "x"},
                          headers={"X-Forwarded-For": xff})
        return (await AuditEvent.filter(action="auth.password.login").order_by("-seq").first()).ip

    async def test_the_hop_our_proxy_appended_is_the_client(self, client, rt):
        # Tests run with PROXIES_COUNT=1: the last X-Forwarded-For entry is the peer our proxy saw;
        # whatever the client put before it is ignored (see app/identity/auth.py).
        assert await self._failed_login_ip(client, "6.6.6.6, 1.68.0.9") == "1.68.0.9"
        assert await self._failed_login_ip(client, "1.68.0.9, 10.0.0.2") == "10.0.0.2"

    async def test_without_proxies_the_header_is_ignored(self, app, client, rt):
        app.config.PROXIES_COUNT = 0
        try:
            assert await self._failed_login_ip(client, "1.2.3.4") != "1.2.3.4"
        finally:
            app.config.PROXIES_COUNT = 1
