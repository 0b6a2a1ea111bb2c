"""Grants (授权用证): use within the period, after revoke, after expiry; logged for the holder."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core import clock
from app.identity.models import Role
from tests.factories import auth_headers, make_account, make_licence, random_id_number

API = "/api/v1"


@pytest.fixture
async def setup(client, rt):
    number = random_id_number()
    holder = await make_account(Role.RESIDENT, id_number=number, real_name="张晓明")
    licence = await make_licence("driving_license", holder_number=number)
    bank = await make_account(Role.LEGAL_PERSON, org_name="晋商银行小店支行")
    return {"holder": await auth_headers(holder), "licence": licence, "bank": bank, "bank_headers": await auth_headers(bank)}


async def _grant(client, s, **body):
    payload = {"purpose": "employment", "until": (clock.now() + timedelta(days=3)).isoformat(), **body}
    return await client.post(f"{API}/wallet/licenses/{s['licence'].id}/grants", json=payload, headers=s["holder"])


class TestGrants:
    async def test_account_grant_within_period_then_revoked(self, client, setup):
        r = await _grant(client, setup, grantee_account_id=str(setup["bank"].id))
        assert r.status_code == 201, r.text
        grant = r.json()
        assert grant["state"] == "active" and grant["grantee_name"] == "晋商银行小店支行" and grant["access_code"] is None
        r = await client.get(f"{API}/licenses/granted/{grant['id']}", headers=setup["bank_headers"])
        assert r.status_code == 200, r.text
        fields = {f["key"] for f in r.json()["licence"]["fields"]}
        assert fields == {"holder_name", "license_class", "first_issued_on"}
        # Someone else cannot use it, and cannot tell that it exists.
        stranger = await make_account(Role.LEGAL_PERSON)
        r = await client.get(f"{API}/licenses/granted/{grant['id']}", headers=await auth_headers(stranger))
        assert r.status_code == 404
        r = await client.delete(f"{API}/wallet/grants/{grant['id']}", headers=setup["holder"])
        assert r.status_code == 200 and r.json()["state"] == "revoked"
        r = await client.get(f"{API}/licenses/granted/{grant['id']}", headers=setup["bank_headers"])
        assert r.status_code == 403 and r.json()["error"]["code"] == "GRANT_REVOKED"
        log = (await client.get(f"{API}/wallet/licenses/{setup['licence'].id}/verifications",
                                headers=setup["holder"])).json()["items"]
        assert [(v["channel"], v["result"]) for v in log] == [("grant", "GRANT_REVOKED"), ("grant", "OK")]
        listed = (await client.get(f"{API}/wallet/licenses/{setup['licence'].id}/grants", headers=setup["holder"])).json()
        assert listed["items"][0]["uses"] == 1 and listed["items"][0]["state"] == "revoked"

    async def test_code_grant_after_expiry_is_gone(self, client, setup):
        r = await _grant(client, setup, grantee_name="太原市人才服务中心", purpose="government_service")
        grant = r.json()
        code = grant["access_code"]
        assert code
        r = await client.get(f"{API}/licenses/granted/{grant['id']}", params={"code": code})
        assert r.status_code == 200 and r.json()["grantee_name"] == "太原市人才服务中心"
        r = await client.get(f"{API}/licenses/granted/{grant['id']}", params={"code": "wrong"})
        assert r.status_code == 404
        clock.advance(timedelta(days=3, seconds=1))
        r = await client.get(f"{API}/licenses/granted/{grant['id']}", params={"code": code})
        assert r.status_code == 410 and r.json()["error"]["code"] == "GRANT_EXPIRED"

    async def test_validation_and_ownership(self, client, setup):
        r = await _grant(client, setup, grantee_name="x", until=(clock.now() - timedelta(hours=1)).isoformat())
        assert r.status_code == 422
        r = await _grant(client, setup, grantee_name="x", until=(clock.now() + timedelta(days=400)).isoformat())
        assert r.status_code == 422
        r = await _grant(client, setup)
        assert r.status_code == 422  # neither account nor name
        r = await _grant(client, setup, grantee_name="某公司")
        other = await make_account(Role.RESIDENT, id_number=random_id_number())
        r2 = await client.delete(f"{API}/wallet/grants/{r.json()['id']}", headers=await auth_headers(other))
        assert r2.status_code == 404

    async def test_grant_on_revoked_licence_shows_no_fields(self, client, setup):
        from app.licenses import service as licences

        grant = (await _grant(client, setup, grantee_account_id=str(setup["bank"].id))).json()
        await licences.change_status(licence_id=setup["licence"].id, action="revoke", reason="注销")
        r = await client.get(f"{API}/licenses/granted/{grant['id']}", headers=setup["bank_headers"])
        assert r.status_code == 200 and r.json()["licence"]["status"] == "revoked" and r.json()["licence"]["fields"] == []
