"""POST licenses/verify: rejections, single use, state, purposes, who may verify, logging."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.core import clock
from app.identity.models import Role
from app.licenses import seal
from app.licenses import service as licences
from app.licenses.models import Verification
from tests.factories import auth_headers, make_account, make_licence, random_id_number

API = "/api/v1"


@pytest.fixture
async def setup(client, rt):
    number = random_id_number()
    holder = await make_account(Role.RESIDENT, id_number=number, real_name="张晓明")
    licence = await make_licence("id_card", holder_number=number)
    staff = await make_account(Role.COUNTER, display_name="周洁")
    return {"holder": holder, "licence": licence, "staff_headers": await auth_headers(staff), "staff": staff,
            "holder_headers": await auth_headers(holder)}


async def _show(client, s, purpose="identity") -> str:
    r = await client.post(f"{API}/wallet/licenses/{s['licence'].id}/show", json={"purpose": purpose},
                          headers=s["holder_headers"])
    assert r.status_code == 200, r.text
    return r.json()["payload"]


async def _verify(client, s, payload, **extra):
    r = await client.post(f"{API}/licenses/verify", json={"payload": payload, **extra}, headers=s["staff_headers"])
    assert r.status_code == 200, r.text
    return r.json()


class TestVerify:
    async def test_success_discloses_only_purpose_fields(self, client, setup):
        body = await _verify(client, setup, await _show(client, setup, "lodging"), purpose="lodging")
        assert body["valid"], body
        assert {f["key"] for f in body["licence"]["fields"]} == {"holder_name", "gender", "ethnicity"}
        assert all(not f["sensitive"] for f in body["licence"]["fields"])

    async def test_validity_purpose_discloses_no_fields(self, client, setup):
        body = await _verify(client, setup, await _show(client, setup, "validity"))
        assert body["valid"] and body["licence"]["fields"] == [] and body["licence"]["status"] == "valid"

    async def test_tampered_byte(self, client, setup):
        payload = await _show(client, setup)
        i = len(payload) - 10
        tampered = payload[:i] + ("A" if payload[i] != "A" else "B") + payload[i + 1:]
        body = await _verify(client, setup, tampered)
        assert not body["valid"] and body["reason"] == "BAD_SIGNATURE" and body["licence"] is None

    async def test_wrong_key(self, client, setup):
        payload = await _show(client, setup)
        kid, body_part, _ = payload[len("SJT1:L:"):].split(".")
        other = seal.generate_key("ATTACKER", seal.ED25519)
        signed = f"SJT1:L:{other.kid}.{body_part}"
        forged = f"{signed}.{seal.b64u(other.sign(signed.encode()))}"
        body = await _verify(client, setup, forged)
        assert body["reason"] == "BAD_SIGNATURE"
        unknown = f"SJT1:L:eNOKEY00.{body_part}.{payload.rsplit('.', 1)[1]}"
        assert (await _verify(client, setup, unknown))["reason"] == "BAD_SIGNATURE"

    async def test_expired_code(self, client, setup):
        payload = await _show(client, setup)
        clock.advance(timedelta(seconds=61))
        body = await _verify(client, setup, payload)
        assert body["reason"] == "EXPIRED_CODE" and "过期" in body["message"]

    async def test_replayed(self, client, setup):
        payload = await _show(client, setup)
        assert (await _verify(client, setup, payload))["valid"]
        body = await _verify(client, setup, payload)
        assert not body["valid"] and body["reason"] == "REPLAYED"
        log = await Verification.filter(licence_id=setup["licence"].id).order_by("created_at")
        assert [v.result for v in log] == ["OK", "REPLAYED"]

    @pytest.mark.parametrize("action,reason", [("suspend", "SUSPENDED"), ("revoke", "REVOKED")])
    async def test_suspended_or_revoked(self, client, setup, action, reason):
        payload = await _show(client, setup)
        await licences.change_status(licence_id=setup["licence"].id, action=action, reason="证件遗失")
        body = await _verify(client, setup, payload)
        assert not body["valid"] and body["reason"] == reason and body["licence"]["fields"] == []

    async def test_expired_licence(self, client, setup):
        payload = await _show(client, setup)
        row = setup["licence"]
        row.valid_until = clock.today() - timedelta(days=1)
        await row.save(update_fields=["valid_until"])
        assert (await _verify(client, setup, payload))["reason"] == "EXPIRED_LICENCE"

    async def test_malformed(self, client, setup):
        body = await _verify(client, setup, "SJT1:L:garbage")
        assert body["reason"] == "MALFORMED"
        r = await client.post(f"{API}/licenses/verify", json={"payload": "x", "purpose": "spying"},
                              headers=setup["staff_headers"])
        assert r.status_code == 422

    async def test_purpose_mismatch_keeps_code_usable(self, client, setup):
        payload = await _show(client, setup, "identity")
        assert (await _verify(client, setup, payload, purpose="employment"))["reason"] == "PURPOSE_MISMATCH"
        assert (await _verify(client, setup, payload, purpose="identity"))["valid"]

    async def test_resident_cannot_verify(self, client, setup):
        payload = await _show(client, setup)
        other = await make_account(Role.RESIDENT)
        r = await client.post(f"{API}/licenses/verify", json={"payload": payload}, headers=await auth_headers(other))
        assert r.status_code == 403 and r.json()["error"]["code"] == "VERIFIER_NOT_REGISTERED"
        r = await client.post(f"{API}/counter/scan", json={"payload": payload}, headers=await auth_headers(other))
        assert r.status_code == 403
        assert (await _verify(client, setup, payload))["valid"]  # the failed attempts did not burn the code

    async def test_registered_verifier_within_its_purposes(self, client, setup):
        hotel = await make_account(Role.LEGAL_PERSON, org_name="并州饭店")
        admin = await make_account(Role.ADMIN)
        r = await client.post(f"{API}/licenses/verifiers", json={"account_id": str(hotel.id), "org_name": "并州饭店",
                                                                 "purposes": ["lodging"]},
                              headers=await auth_headers(admin))
        assert r.status_code == 201, r.text
        headers = await auth_headers(hotel)
        r = await client.post(f"{API}/licenses/verify", json={"payload": await _show(client, setup, "employment")},
                              headers=headers)
        assert r.json()["reason"] == "PURPOSE_NOT_ALLOWED"
        r = await client.post(f"{API}/licenses/verify", json={"payload": await _show(client, setup, "lodging")},
                              headers=headers)
        assert r.json()["valid"]
        r = await client.get(f"{API}/wallet/licenses/{setup['licence'].id}/verifications",
                             headers=setup["holder_headers"])
        assert [v["organisation"] for v in r.json()["items"]][:1] == ["并州饭店"]

    async def test_keys_document_lists_wallet_and_issuer_keys(self, client, setup):
        for path in (f"{API}/licenses/keys", "/.well-known/license-keys.json"):
            keys = (await client.get(path)).json()["keys"]
            assert {"EdDSA", "SM2-SM3"} <= {k["alg"] for k in keys}
            assert any(k["owner"] == "SJT-WALLET" for k in keys)
            assert all("d" not in k for k in keys)

    async def test_offline_verification_with_fetched_document(self, client, setup):
        from app.licenses import codes

        document = (await client.get("/.well-known/license-keys.json")).json()
        payload = await _show(client, setup)
        claims = codes.verify_code(payload, document, now=clock.now().timestamp())
        assert str(claims.licence_id) == str(setup["licence"].id)
        detail = (await client.get(f"{API}/wallet/licenses/{setup['licence'].id}",
                                   headers=setup["holder_headers"])).json()
        assert seal.verify_seal(detail["sealed_document"], detail["seal"], document)
        forged = {**detail["sealed_document"], "valid_until": "2099-12-31"}
        assert not seal.verify_seal(forged, detail["seal"], document)


class TestVerifyByScan:
    async def test_concurrent_scans_of_one_code_succeed_once(self, client, setup):
        import asyncio

        from app.licenses import service as svc

        payload = await _show(client, setup)
        second = await make_account(Role.COUNTER)
        results = await asyncio.gather(svc.verify_by_scan(payload=payload, staff=setup["staff"]),
                                       svc.verify_by_scan(payload=payload, staff=second),
                                       svc.verify_by_scan(payload=payload, staff=setup["staff"]))
        reasons = sorted(r[1]["reason"] or "OK" for r in results)
        assert reasons == ["OK", "REPLAYED", "REPLAYED"] and all(r[0] == "licence" for r in results)

    async def test_log_names_the_hall(self, client, setup):
        from app.catalog.seed import seed as seed_catalog
        from app.catalog import service as catalog

        await seed_catalog()
        hall = await catalog.get_hall_by_code(code="SX-140100-ZWFW")
        staff = await make_account(Role.COUNTER, display_name="孙敏", hall_id=hall.id)
        kind, result = await __import__("app.licenses.service", fromlist=["x"]).verify_by_scan(
            payload=await _show(client, setup), staff=staff)
        assert result["valid"]
        entry = (await client.get(f"{API}/wallet/licenses/{setup['licence'].id}/verifications",
                                  headers=setup["holder_headers"])).json()["items"][0]
        assert entry["organisation"] == hall.name and entry["verifier_name"] == "孙敏"
        row = await Verification.get(id=entry["id"])
        assert row.hall_id == hall.id and row.verifier_account_id == staff.id
