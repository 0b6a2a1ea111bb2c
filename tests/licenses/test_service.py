"""Issuing, the application hooks (issue at completion, reuse at submit), public checks,
administration and seeding."""

from __future__ import annotations

import uuid

import pytest

from app.core.errors import Conflict, NotFound, ValidationFailed
from app.identity.models import Role
from app.licenses import service as licences
from app.licenses.models import Licence, LicenceType, Verification
from tests.factories import auth_headers, make_account, make_licence, random_id_number, seed_licence_reference

API = "/api/v1"


class TestIssue:
    async def test_identifier_seal_and_validity(self, rt):
        licence = await make_licence("id_card", holder_number=random_id_number())
        from app.licenses import identifier

        assert identifier.is_valid(licence.identifier)
        assert identifier.parse(licence.identifier)["type_code"] == "1009"
        assert licence.valid_until.year == licence.valid_from.year + 20
        assert await licences.verify_licence_seal(licence)

    async def test_field_validation(self, rt):
        await seed_licence_reference()
        with pytest.raises(ValidationFailed) as exc:
            await licences.issue(type_code="id_card", holder_number=random_id_number(), fields={"holder_name": "x"})
        assert exc.value.code == "FIELD_REQUIRED"
        with pytest.raises(ValidationFailed) as exc:
            await make_licence("id_card", holder_number=random_id_number(), fields={"nickname": "x"})
        assert exc.value.code == "UNKNOWN_FIELD"
        with pytest.raises(ValidationFailed) as exc:
            await make_licence("id_card", holder_number="140105199003151235")
        assert exc.value.code == "HOLDER_NUMBER_INVALID"
        with pytest.raises(ValidationFailed) as exc:
            await make_licence("business_license", holder_number="91140100MA0K8Y2Q39", holder_name="某公司")
        assert exc.value.code == "HOLDER_NUMBER_INVALID"

    async def test_admin_issue_api(self, client, rt):
        await seed_licence_reference()
        reviewer = await make_account(Role.REVIEWER)
        r = await client.post(f"{API}/licenses", headers=await auth_headers(reviewer), json={
            "type": "disability", "holder_number": "140121195207082121", "holder_name": "李桂花",
            "fields": {"holder_name": "李桂花", "id_number": "14012119520708212142", "category": "肢体残疾",
                       "grade": "三级"}})
        assert r.status_code == 201, r.text
        assert r.json()["status"] == "valid" and r.json()["holder"] == "李*花"
        r = await client.post(f"{API}/licenses", headers=await auth_headers(reviewer), json={
            "type": "disability", "holder_number": "140121195207082121", "valid_from": "9999-01-01",
            "fields": {"holder_name": "李桂花", "id_number": "14012119520708212142", "category": "肢体残疾",
                       "grade": "三级"}})
        assert r.status_code == 422 and r.json()["error"]["details"]["fields"][0]["field"] == "valid_from"
        resident = await make_account(Role.RESIDENT)
        r = await client.post(f"{API}/licenses", headers=await auth_headers(resident), json={
            "type": "disability", "holder_number": "140121195207082121", "fields": {}})
        assert r.status_code == 403


class TestIssueFromApplication:
    async def test_issues_once_and_notifies(self, rt, sim):
        number = random_id_number()
        holder = await make_account(Role.RESIDENT, id_number=number, real_name="赵一")
        await seed_licence_reference()
        app_id = uuid.uuid4()
        fields = {"holder_name": "赵一", "id_number": number, "gender": "男", "license_class": "C1",
                  "first_issued_on": "2026-01-05", "file_no": "140100000001"}
        first = await licences.issue_from_application(application_id=app_id, license_type="driving_license",
                                                      holder_account_id=holder.id, fields=fields,
                                                      issuer_department="山西省公安厅交通警察总队")
        again = await licences.issue_from_application(application_id=app_id, license_type="driving_license",
                                                      holder_account_id=holder.id, fields=fields)
        assert first.id == again.id and first.application_id == app_id
        rows, _ = await licences.list_wallet(account_id=holder.id)
        assert [r.id for r in rows] == [first.id]
        from app.notifications import service as notifications

        msgs, _ = await notifications.list_messages(account_id=holder.id, unread_only=False, cursor=None, limit=10)
        assert [m.kind for m in msgs] == ["licence"] and "已签发" in msgs[0].title

    async def test_organisation_licence_needs_credit_code(self, rt):
        await seed_licence_reference()
        resident = await make_account(Role.RESIDENT, id_number=random_id_number())
        with pytest.raises(ValidationFailed) as exc:
            await licences.issue_from_application(application_id=uuid.uuid4(), license_type="business_license",
                                                  holder_account_id=resident.id, fields={})
        assert exc.value.code == "HOLDER_NOT_ORGANISATION"


class TestVerifyForMaterial:
    async def test_owner_type_and_state(self, rt):
        number = random_id_number()
        holder = await make_account(Role.RESIDENT, id_number=number, real_name="张晓明")
        licence = await make_licence("id_card", holder_number=number)
        result = await licences.verify_for_material(license_id=licence.id, holder_account_id=holder.id,
                                                    license_type="id_card")
        assert result["seal_valid"] and result["status"] == "valid" and result["identifier"] == licence.identifier
        assert number not in str(result)
        assert await Verification.filter(licence_id=licence.id, channel="material").count() == 1
        with pytest.raises(ValidationFailed) as exc:
            await licences.verify_for_material(license_id=licence.id, holder_account_id=holder.id,
                                               license_type="driving_license")
        assert exc.value.code == "LICENCE_TYPE_MISMATCH"
        other = await make_account(Role.RESIDENT, id_number=random_id_number())
        with pytest.raises(NotFound):
            await licences.verify_for_material(license_id=licence.id, holder_account_id=other.id, license_type="id_card")
        await licences.change_status(licence_id=licence.id, action="suspend")
        with pytest.raises(Conflict) as exc:
            await licences.verify_for_material(license_id=licence.id, holder_account_id=holder.id, license_type="id_card")
        assert exc.value.code == "LICENCE_NOT_VALID"

    async def test_tampered_seal_is_refused(self, rt):
        number = random_id_number()
        holder = await make_account(Role.RESIDENT, id_number=number)
        licence = await make_licence("id_card", holder_number=number)
        doc = dict(licence.sealed_document)
        doc["valid_until"] = "2099-12-31"
        await Licence.filter(id=licence.id).update(sealed_document=doc)
        with pytest.raises(Conflict) as exc:
            await licences.verify_for_material(license_id=licence.id, holder_account_id=holder.id, license_type="id_card")
        assert exc.value.code == "SEAL_INVALID"


class TestPublicCheck:
    async def test_masked_facts_and_state(self, client, rt):
        licence = await make_licence("id_card", holder_number=random_id_number(), holder_name="欧阳晓明")
        r = await client.get(f"{API}/licenses/public/{licence.public_token}")
        body = r.json()
        assert r.status_code == 200 and body["valid"] and body["seal_valid"] and body["holder"] == "欧**明"
        assert "fields" not in body
        await licences.change_status(licence_id=licence.id, action="revoke", reason="遗失补办")
        body = (await client.get(f"{API}/licenses/public/{licence.public_token}")).json()
        assert not body["valid"] and body["status"] == "revoked"
        assert (await client.get(f"{API}/licenses/public/nope")).status_code == 404
        assert (await client.get(f"{API}/licenses/public/{'x' * 40}")).status_code == 404

    async def test_rate_limited(self, client, rt):
        for _ in range(30):
            await client.get(f"{API}/licenses/public/nope")
        r = await client.get(f"{API}/licenses/public/nope")
        assert r.status_code == 429 and "Retry-After" in r.headers


class TestAdministration:
    async def test_suspend_reinstate_revoke_notify(self, client, rt, sim):
        number = random_id_number()
        holder = await make_account(Role.RESIDENT, id_number=number)
        licence = await make_licence("id_card", holder_number=number)
        admin = await auth_headers(await make_account(Role.ADMIN))
        r = await client.post(f"{API}/licenses/{licence.id}/suspend", json={"reason": "核查中"}, headers=admin)
        assert r.status_code == 200 and r.json()["status"] == "suspended"
        r = await client.post(f"{API}/licenses/{licence.id}/reinstate", json={}, headers=admin)
        assert r.json()["status"] == "valid"
        r = await client.post(f"{API}/licenses/{licence.id}/revoke", json={}, headers=admin)
        assert r.status_code == 422 and r.json()["error"]["code"] == "REASON_REQUIRED"
        r = await client.post(f"{API}/licenses/{licence.id}/revoke", json={"reason": "证件遗失"}, headers=admin)
        assert r.json()["status"] == "revoked" and r.json()["status_reason"] == "证件遗失"
        r = await client.post(f"{API}/licenses/{licence.id}/reinstate", json={}, headers=admin)
        assert r.status_code == 409
        from app.notifications import service as notifications

        msgs, _ = await notifications.list_messages(account_id=holder.id, unread_only=False, cursor=None, limit=10)
        assert len(msgs) == 4 and "证件遗失" in msgs[0].body  # issued, suspended, reinstated, revoked
        reviewer = await auth_headers(await make_account(Role.REVIEWER))
        r = await client.post(f"{API}/licenses/{licence.id}/suspend", json={}, headers=reviewer)
        assert r.status_code == 403
        r = await client.post(f"{API}/licenses/{uuid.uuid4()}/suspend", json={}, headers=admin)
        assert r.status_code == 404


class TestTypesAndSeed:
    async def test_types_api(self, client, rt):
        await seed_licence_reference()
        body = (await client.get(f"{API}/licenses/types")).json()
        codes = {t["code"] for t in body["items"]}
        assert {"business_license", "real_estate", "marriage", "social_security_card", "disability",
                "birth_certificate", "food_business", "driving_license", "id_card"} <= codes
        assert "identity" in body["purposes"]

    async def test_seed_is_idempotent_and_demo_residents_see_theirs(self, rt):
        from app.catalog.seed import seed as seed_catalog
        from app.identity.seed import seed as seed_identity
        from app.licenses.seed import seed

        await seed_catalog()
        await seed_identity()
        first = await seed()
        assert await seed() == first and first["licence_types"] >= 8 and first["licences"] >= 13
        assert await LicenceType.all().count() == first["licence_types"]
        from app.identity.models import Account

        wang = await Account.get(openid="demo-legal-wang")
        rows, _ = await licences.list_wallet(account_id=wang.id)
        assert {r.type_code for r in rows} == {"id_card", "driving_license", "business_license", "food_business"}
        zhang = await Account.get(openid="demo-resident-zhang")
        rows, _ = await licences.list_wallet(account_id=zhang.id)
        assert len(rows) == 6


class TestRemindExpiring:
    async def test_reminds_once_within_window(self, rt, sim):
        from datetime import timedelta

        from app.core import clock
        from app.licenses.tasks import remind_expiring
        from app.notifications import service as notifications

        number = random_id_number()
        holder = await make_account(Role.RESIDENT, id_number=number)
        licence = await make_licence("driving_license", holder_number=number)
        assert await licences.remind_expiring(days=30) == 0
        clock.freeze(clock.now() + timedelta(days=365 * 6 - 20))
        assert (await remind_expiring.kiq()) is not None
        assert await licences.remind_expiring(days=30) == 0  # the task already sent it
        msgs, _ = await notifications.list_messages(account_id=holder.id, unread_only=False, cursor=None, limit=10)
        assert [m.title for m in msgs][0] == "您的机动车驾驶证即将到期"
        assert (await Licence.get(id=licence.id)).expiry_reminded_at is not None


class TestGrantNotifiesGrantee:
    async def test_grantee_account_gets_a_message(self, rt):
        from datetime import timedelta

        from app.core import clock
        from app.notifications import service as notifications

        number = random_id_number()
        holder = await make_account(Role.RESIDENT, id_number=number, real_name="张晓明")
        licence = await make_licence("id_card", holder_number=number)
        bank = await make_account(Role.LEGAL_PERSON, org_name="晋商银行")
        grant, code = await licences.create_grant(account_id=holder.id, licence_id=licence.id, purpose="business",
                                                  until=clock.now() + timedelta(days=1), grantee_account_id=bank.id)
        assert code is None
        msgs, _ = await notifications.list_messages(account_id=bank.id, unread_only=False, cursor=None, limit=10)
        assert msgs[0].kind == "licence_grant" and msgs[0].ref == str(grant.id)
