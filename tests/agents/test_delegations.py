"""Delegations: QR consent, offline consent with an SMS code, revocation, and acting on behalf."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import timedelta

import pytest

from app.agents import service
from app.core import clock
from app.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from tests.factories import auth_headers, make_account, make_agent, make_item, make_point

RESIDENT_ID = "140121195207082121"


async def _form_photo(agent) -> uuid.UUID:
    """A photo of the signed authorisation form, uploaded by the agent."""
    from app.files import service as files
    from tests.factories import png_bytes

    record = await files.store_upload(owner_id=agent.id, actor_id=agent.id, data=png_bytes(), filename="授权书.png")
    return record.id


async def _resident(**kw):
    return await make_account(id_number=kw.pop("id_number", None) or _new_id(), **kw)


def _new_id() -> str:
    from app.identity.idcard import id_check_char

    body = f"140121{1950 + uuid.uuid4().int % 50}0101{uuid.uuid4().int % 900 + 100:03d}"
    return body + id_check_char(body)


class TestRequestAndConfirm:
    async def test_qr_consent_end_to_end(self, client, rt, sim):
        agent = await make_agent(display_name="赵丽")
        resident = await _resident()
        r = await client.post("/api/v1/delegations/request", json={"days": 30}, headers=await auth_headers(agent))
        assert r.status_code == 201 and r.json()["payload"].startswith("SJT1:D:")
        ticket = r.json()["ticket"]
        preview = await client.get(f"/api/v1/delegations/requests/{ticket}", headers=await auth_headers(resident))
        assert preview.json()["agent_name"] == "赵丽" and preview.json()["scope_all"] is True
        confirmed = await client.post(f"/api/v1/delegations/{ticket}/confirm", headers=await auth_headers(resident))
        assert confirmed.status_code == 201 and confirmed.json()["state"] == "active"
        assert confirmed.json()["consent_method"] == "qr"
        again = await client.post(f"/api/v1/delegations/{ticket}/confirm", headers=await auth_headers(resident))
        assert again.status_code == 404 and again.json()["error"]["code"] == "DELEGATION_REQUEST_EXPIRED"
        sent = sim.get("dev/messages", params={"touser": resident.openid}).json()["messages"]
        assert sent and sent[-1]["template_id"] == "SJT-TPL-DELEGATION"

    async def test_scope_items_must_exist(self, rt):
        agent = await make_agent()
        with pytest.raises(NotFound):
            await service.request_delegation(agent=agent, items=["NO-SUCH-ITEM"], days=30)

    async def test_realname_required_to_confirm(self, rt):
        agent = await make_agent()
        resident = await make_account()  # WeChat only: level 1
        req = await service.request_delegation(agent=agent, items=None, days=30)
        with pytest.raises(Forbidden) as exc:
            await service.confirm_delegation(ticket=req["ticket"], resident=resident)
        assert exc.value.code == "REALNAME_REQUIRED"

    async def test_agent_without_point_cannot_ask(self, rt):
        agent = await make_account("agent")
        with pytest.raises(Forbidden):
            await service.request_delegation(agent=agent, items=None, days=30)

    async def test_residents_cannot_ask_and_agents_cannot_confirm(self, client, rt):
        resident = await _resident()
        r = await client.post("/api/v1/delegations/request", json={}, headers=await auth_headers(resident))
        assert r.status_code == 403


class TestOfflineConsent:
    async def _start(self, agent, phone="13700000001", id_number=RESIDENT_ID):
        return await service.start_offline(agent=agent, name="李桂花", id_number=id_number, phone=phone,
                                           form_file_id=await _form_photo(agent), items=None, days=90)

    def _code(self, sim, phone) -> str:
        text = sim.get("dev/sms", params={"phone": phone}).json()["sms"][-1]["text"]
        return re.search(r"验证码(\d{6})", text).group(1)

    async def test_sms_code_creates_delegation_and_shadow_account(self, rt, sim):
        agent = await make_agent()
        pending = await self._start(agent, phone="13700000011")
        assert pending["phone"] == "137****0011"
        delegation = await service.verify_offline(agent=agent, pending_id=pending["pending_id"],
                                                  code=self._code(sim, "13700000011"))
        assert delegation.consent_method.value == "offline_sms" and delegation.consent_file_id
        from app.identity import service as identity

        principal = await identity.get_account(account_id=delegation.principal_id)
        assert principal.is_shadow and principal.realname_level == 2

    async def test_existing_resident_is_reused(self, rt, sim):
        resident = await _resident(id_number="14010519900315123" + "4")
        agent = await make_agent()
        pending = await self._start(agent, phone="13700000012", id_number="140105199003151234")
        delegation = await service.verify_offline(agent=agent, pending_id=pending["pending_id"],
                                                  code=self._code(sim, "13700000012"))
        assert delegation.principal_id == resident.id

    async def test_wrong_code_then_lockout(self, rt, sim):
        agent = await make_agent()
        pending = await self._start(agent, phone="13700000013")
        right = self._code(sim, "13700000013")
        wrong = f"{(int(right) + 1) % 10**6:06d}"
        for _ in range(service.SMS_MAX_ATTEMPTS):
            with pytest.raises(ValidationFailed):
                await service.verify_offline(agent=agent, pending_id=pending["pending_id"], code=wrong)
        with pytest.raises(Conflict) as exc:
            await service.verify_offline(agent=agent, pending_id=pending["pending_id"], code=right)
        assert exc.value.code in ("SMS_CODE_LOCKED", "SMS_CODE_EXPIRED")

    async def test_code_is_single_use(self, rt, sim):
        agent = await make_agent()
        pending = await self._start(agent, phone="13700000014")
        code = self._code(sim, "13700000014")
        results = await asyncio.gather(
            *[service.verify_offline(agent=agent, pending_id=pending["pending_id"], code=code) for _ in range(3)],
            return_exceptions=True)
        assert sum(not isinstance(r, Exception) for r in results) == 1
        assert all(isinstance(r, Conflict) for r in results if isinstance(r, Exception))

    async def test_expired_code(self, rt, sim, monkeypatch):
        monkeypatch.setattr(service, "SMS_TTL", 1)
        agent = await make_agent()
        pending = await self._start(agent, phone="13700000015")
        await asyncio.sleep(2.1)
        with pytest.raises(Conflict) as exc:
            await service.verify_offline(agent=agent, pending_id=pending["pending_id"],
                                         code=self._code(sim, "13700000015"))
        assert exc.value.code == "SMS_CODE_EXPIRED"

    async def test_bad_id_number_names_the_field(self, client, rt):
        agent = await make_agent()
        r = await client.post("/api/v1/delegations/offline", headers=await auth_headers(agent), json={
            "name": "李桂花", "id_number": "140121195207082120", "phone": "13700000016",
            "form_file_id": str(uuid.uuid4())})
        assert r.status_code == 422
        assert r.json()["error"]["details"]["fields"][0]["field"] == "id_number"

    async def test_form_photo_must_be_the_agents_own_upload(self, rt):
        agent, other = await make_agent(), await make_agent()
        with pytest.raises(NotFound):
            await service.start_offline(agent=agent, name="李桂花", id_number=RESIDENT_ID, phone="13700000018",
                                        form_file_id=await _form_photo(other), items=None, days=30)

    async def test_another_agent_cannot_finish_it(self, rt, sim):
        agent, other = await make_agent(), await make_agent()
        pending = await self._start(agent, phone="13700000017")
        with pytest.raises(NotFound):
            await service.verify_offline(agent=other, pending_id=pending["pending_id"],
                                         code=self._code(sim, "13700000017"))


async def _delegation(agent, resident, items=None, days=30):
    req = await service.request_delegation(agent=agent, items=items, days=days)
    return await service.confirm_delegation(ticket=req["ticket"], resident=resident)


class TestActingFor:
    async def test_within_scope_gives_both_people(self, rt):
        item = await make_item()
        agent, resident = await make_agent(), await _resident()
        d = await _delegation(agent, resident, items=[item.code])
        acting = await service.acting_for(actor=agent, delegation_id=str(d.id), item_code=item.code)
        assert acting.principal.id == resident.id and acting.actor.id == agent.id and acting.on_behalf

    async def test_without_header_acts_for_self(self, rt):
        resident = await _resident()
        acting = await service.acting_for(actor=resident, delegation_id=None)
        assert acting.principal.id == resident.id and not acting.on_behalf

    @pytest.mark.parametrize("case,code", [
        ("out_of_scope", "DELEGATION_OUT_OF_SCOPE"), ("expired", "DELEGATION_EXPIRED"),
        ("revoked", "DELEGATION_REVOKED"), ("other_agent", "DELEGATION_INVALID"),
        ("other_point", "DELEGATION_OTHER_POINT"), ("resident_uses_header", "NOT_AN_AGENT"),
        ("garbage", "DELEGATION_INVALID"),
    ])
    async def test_refusals(self, rt, case, code):
        item, other_item = await make_item(), await make_item()
        agent, resident = await make_agent(), await _resident()
        d = await _delegation(agent, resident, items=[item.code])
        actor, delegation_id, item_code = agent, str(d.id), item.code
        if case == "out_of_scope":
            item_code = other_item.code
        elif case == "expired":
            clock.advance(timedelta(days=31))
        elif case == "revoked":
            await service.revoke(account=resident, delegation_id=d.id)
        elif case == "other_agent":
            actor = await make_agent()
        elif case == "other_point":
            agent.service_point_id = (await make_point()).id
            await agent.save()
        elif case == "resident_uses_header":
            actor = resident
        elif case == "garbage":
            delegation_id = "not-a-uuid"
        with pytest.raises(Forbidden) as exc:
            await service.acting_for(actor=actor, delegation_id=delegation_id, item_code=item_code)
        assert exc.value.code == code


class TestRevoke:
    async def test_resident_revokes_and_others_get_404(self, client, rt):
        agent, resident, stranger = await make_agent(), await _resident(), await _resident()
        d = await _delegation(agent, resident)
        r = await client.delete(f"/api/v1/delegations/{d.id}", headers=await auth_headers(stranger))
        assert r.status_code == 404
        r = await client.delete(f"/api/v1/delegations/{d.id}", headers=await auth_headers(resident))
        assert r.status_code == 200 and r.json()["state"] == "revoked"
        r = await client.delete(f"/api/v1/delegations/{d.id}", headers=await auth_headers(resident))
        assert r.status_code == 409

    async def test_lists_for_each_side(self, client, rt):
        agent, resident = await make_agent(), await _resident(real_name="李桂花")
        await _delegation(agent, resident)
        mine = (await client.get("/api/v1/delegations", headers=await auth_headers(resident))).json()["items"]
        theirs = (await client.get("/api/v1/delegations", headers=await auth_headers(agent))).json()["items"]
        assert len(mine) == len(theirs) == 1 and theirs[0]["principal_name"] == "李*花"


class TestServicePoints:
    async def test_admin_creates_point_and_assigns_agent(self, client, rt):
        admin, agent = await make_account("admin"), await make_account("agent")
        from app.catalog.seed import seed as seed_catalog

        await seed_catalog()
        r = await client.post("/api/v1/service-points", headers=await auth_headers(admin), json={
            "code": "SP-TEST-1", "name": "东于村便民服务站", "region_code": "140121102201", "address": "东于村"})
        assert r.status_code == 201
        point_id = r.json()["id"]
        r = await client.post(f"/api/v1/service-points/{point_id}/agents", headers=await auth_headers(admin),
                              json={"account_id": str(agent.id), "lead": True})
        assert r.status_code == 200 and r.json()["lead_agent_id"] == str(agent.id)
        r = await client.get("/api/v1/service-points", params={"region": "140121"})
        assert any(p["code"] == "SP-TEST-1" for p in r.json()["items"])

    async def test_unknown_region_is_422(self, rt):
        with pytest.raises(ValidationFailed):
            await service.create_point(code="X1", name="x站", kind="village", region_code="999999",
                                       address="x")


class TestShadowClaim:
    async def test_resident_claims_the_account_an_agent_opened(self, client, rt, sim):
        agent = await make_agent()
        pending = await service.start_offline(agent=agent, name="李桂花", id_number=RESIDENT_ID,
                                              phone="13700000031", form_file_id=await _form_photo(agent), items=None,
                                              days=30)
        text = sim.get("dev/sms", params={"phone": "13700000031"}).json()["sms"][-1]["text"]
        delegation = await service.verify_offline(agent=agent, pending_id=pending["pending_id"],
                                                  code=re.search(r"验证码(\d{6})", text).group(1))
        from tests.factories import wechat_login

        login = await wechat_login(client, sim)
        r = await client.post("/api/v1/me/real-name", json={"name": "李桂花", "id_number": RESIDENT_ID},
                              headers={"Authorization": f"Bearer {login['access_token']}"})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["claimed"] is True and body["id"] == str(delegation.principal_id)
        headers = {"Authorization": f"Bearer {body['tokens']['access_token']}"}
        mine = (await client.get("/api/v1/delegations", headers=headers)).json()["items"]
        assert [d["id"] for d in mine] == [str(delegation.id)]
        old = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {login['access_token']}"})
        assert old.status_code == 401

    async def test_a_real_account_is_never_claimed(self, client, rt, sim):
        await _resident(id_number="140105199003151234")
        from tests.factories import wechat_login

        login = await wechat_login(client, sim)
        r = await client.post("/api/v1/me/real-name", json={"name": "张晓明", "id_number": "140105199003151234"},
                              headers={"Authorization": f"Bearer {login['access_token']}"})
        assert r.status_code == 409 and r.json()["error"]["code"] == "ID_NUMBER_TAKEN"
