"""authenticate's per-worker caches (verified token claims, account rows) never delay a revocation,
a disabled account or a profile change beyond the documented bound."""

from __future__ import annotations

from app.identity import auth, tokens
from app.identity.models import Account, AccountStatus
from tests.factories import auth_headers, make_account


class TestAccountCache:
    async def test_disabling_takes_effect_on_the_next_request(self, client):
        account = await make_account()
        headers = await auth_headers(account)
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
        assert str(account.id) in auth._accounts  # the row is cached now
        account.status = AccountStatus.DISABLED
        await account.save(update_fields=["status"])
        r = await client.get("/api/v1/me", headers=headers)
        assert r.status_code == 401 and r.json()["error"]["code"] == "ACCOUNT_DISABLED"

    async def test_a_change_through_another_worker_is_seen(self, client, redis):
        account = await make_account(display_name="旧名字")
        headers = await auth_headers(account)
        assert (await client.get("/api/v1/me", headers=headers)).json()["display_name"] == "旧名字"
        # another worker saved the account: only the version in Redis tells this worker
        await Account.filter(id=account.id).update(display_name="新名字")
        await redis.incr(auth.account_version_key(account.id))
        assert (await client.get("/api/v1/me", headers=headers)).json()["display_name"] == "新名字"

    async def test_bulk_update_is_seen_after_account_changed(self, client):
        account = await make_account()
        headers = await auth_headers(account)
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
        await Account.filter(id=account.id).update(status=AccountStatus.DISABLED)
        await auth.account_changed(account.id)
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 401

    async def test_cache_entries_expire(self, client, monkeypatch):
        account = await make_account()
        headers = await auth_headers(account)
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
        await Account.filter(id=account.id).update(status=AccountStatus.DISABLED)  # bypasses signals
        deadline, version, row = auth._accounts[str(account.id)]
        auth._accounts[str(account.id)] = (0.0, version, row)  # ACCOUNT_CACHE_TTL elapsed
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 401

    async def test_each_request_gets_its_own_copy(self, client):
        account = await make_account()
        headers = await auth_headers(account)
        await client.get("/api/v1/me", headers=headers)
        first = await auth._load_account(str(account.id), None)
        first.display_name = "被请求改动"
        second = await auth._load_account(str(account.id), None)
        assert second.display_name != "被请求改动"


class TestClaimsCache:
    async def test_a_retired_key_stops_verifying_cached_tokens(self, client):
        account = await make_account()
        headers = await auth_headers(account)
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
        tokens.rotate_signing_key()
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 200  # previous key still live
        tokens.rotate_signing_key()
        r = await client.get("/api/v1/me", headers=headers)
        assert r.status_code == 401 and r.json()["error"]["code"] == "TOKEN_INVALID"

    async def test_expiry_is_checked_on_every_request(self, client):
        from datetime import timedelta

        from app.core import clock

        account = await make_account()
        headers = await auth_headers(account)
        assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
        clock.advance(timedelta(hours=3))
        r = await client.get("/api/v1/me", headers=headers)
        assert r.status_code == 401 and r.json()["error"]["code"] == "TOKEN_EXPIRED"

    async def test_cached_claims_are_not_shared(self, client):
        account = await make_account()
        headers = await auth_headers(account)
        token = headers["Authorization"].split()[1]
        tokens.verify_access_token(token)["sub"] = "someone-else"
        assert tokens.verify_access_token(token)["sub"] == str(account.id)
