"""Applicant side: drafts, edits, the one-time list of every problem on submit, withdraw, listing."""

from __future__ import annotations

import uuid

import pytest

from app.applications import service
from app.core.errors import NotFound
from app.catalog import service as catalog
from tests.factories import make_bundle, GOOD_FORM, complete_materials, make_account, make_application_item


class TestCreate:
    async def test_draft_from_item(self, api, item, alice):
        r = await api.call("POST", "/applications", alice, json={"item_code": item.code, "form": {"name": "张三丰"}})
        assert r.status_code == 201
        body = r.json()
        assert body["group_id"] is None and len(body["items"]) == 1
        app = body["items"][0]
        assert app["status"] == "draft" and app["item_name"] == item.name and app["form"] == {"name": "张三丰"}
        assert app["applicant_id"] == app["actor_id"] == str(alice.id)
        assert app["receipt_no"] is None and app["urgency"] == "none"

    async def test_unknown_item_is_404(self, api, cal, alice):
        r = await api.call("POST", "/applications", alice, json={"item_code": "NOPE"})
        assert r.status_code == 404 and r.json()["error"]["code"] == "ITEM_NOT_FOUND"

    async def test_item_or_bundle_exactly_one(self, api, item, alice):
        r = await api.call("POST", "/applications", alice, json={})
        assert r.status_code == 422
        r = await api.call("POST", "/applications", alice, json={"item_code": item.code, "bundle_code": "B1"})
        assert r.status_code == 422

    async def test_offline_item_is_409(self, api, cal, alice):
        offline = await make_application_item(online_depth=2)
        r = await api.call("POST", "/applications", alice, json={"item_code": offline.code})
        assert r.status_code == 409 and r.json()["error"]["code"] == "ITEM_NOT_ONLINE"

    async def test_bundle_makes_one_linked_draft_per_item(self, api, cal, alice):
        a, b = await make_application_item(name="出生医学证明"), await make_application_item(name="户口登记")
        await make_bundle([a, b], code="XSECS")
        r = await api.call("POST", "/applications", alice, json={"bundle_code": "XSECS"})
        assert r.status_code == 201
        body = r.json()
        assert body["group_id"] and [x["item_name"] for x in body["items"]] == ["出生医学证明", "户口登记"]
        assert {x["group_id"] for x in body["items"]} == {body["group_id"]}
        assert {x["bundle_code"] for x in body["items"]} == {"XSECS"}

    async def test_unknown_bundle_is_404(self, api, cal, alice):
        r = await api.call("POST", "/applications", alice, json={"bundle_code": "NOPE"})
        assert r.status_code == 404


class TestUpdate:
    async def test_edit_form_and_materials_of_a_draft(self, api, item, alice):
        app = await api.draft(alice, item)
        file_id = str(uuid.uuid4())
        r = await api.call("PATCH", f"/applications/{app['id']}", alice,
                           json={"form": GOOD_FORM, "materials": {"M02": {"file_ids": [file_id]},
                                                                  "M01": {"license_id": "LIC-1"}}})
        assert r.status_code == 200
        assert r.json()["materials"] == {"M02": {"file_ids": [file_id]}, "M01": {"license_id": "LIC-1"}}
        assert r.json()["form"] == {**GOOD_FORM, "phone": "138****8000"}  # personal data masked
        r = await api.call("PATCH", f"/applications/{app['id']}", alice, json={"materials": {"M01": {}}})
        assert r.json()["materials"] == {"M02": {"file_ids": [file_id]}} and r.json()["form"]["name"] == "张三丰"

    async def test_form_encrypted_at_rest_and_masked_values_sent_back_are_kept(self, api, item, alice):
        from app.applications.models import Application

        app = await api.draft(alice, item, form={**GOOD_FORM, "note": "身份证140105199003151234"})
        assert app["form"]["note"] == "身份证1401**********1234"
        row = await Application.get(id=app["id"])
        assert "13800138000" not in row.form_enc and "140105199003151234" not in row.form_enc
        r = await api.call("PATCH", f"/applications/{app['id']}", alice,
                           json={"form": {**app["form"], "purpose": "变更"}})
        assert r.status_code == 200
        row = await Application.get(id=app["id"])
        assert row.form == {**GOOD_FORM, "purpose": "变更", "note": "身份证140105199003151234"}
        r = await api.call("POST", f"/applications/{app['id']}/submit", alice)
        assert r.status_code == 422 and [f["field"] for f in r.json()["error"]["details"]["fields"]] == [
            "materials.M01", "materials.M02"]

    async def test_file_and_licence_together_is_422(self, api, item, alice):
        app = await api.draft(alice, item)
        r = await api.call("PATCH", f"/applications/{app['id']}", alice,
                           json={"materials": {"M01": {"license_id": "L", "file_ids": [str(uuid.uuid4())]}}})
        assert r.status_code == 422

    async def test_cannot_edit_after_submit(self, api, item, alice):
        app = await api.submitted(alice, item)
        r = await api.call("PATCH", f"/applications/{app['id']}", alice, json={"form": {}})
        assert r.status_code == 409 and r.json()["error"]["code"] == "ILLEGAL_TRANSITION"


class TestSubmit:
    async def test_incomplete_submission_lists_every_problem_at_once(self, api, item, alice):
        app = await api.draft(alice, item, form={"name": "张", "phone": "12345", "copies": 0},
                              materials={"M02": {"file_ids": []}, "M09": {"file_ids": [str(uuid.uuid4())]}})
        r = await api.call("POST", f"/applications/{app['id']}/submit", alice)
        assert r.status_code == 422
        err = r.json()["error"]
        assert err["code"] == "APPLICATION_INCOMPLETE"
        fields = {f["field"]: f["type"] for f in err["details"]["fields"]}
        assert fields == {
            "form.name": "minLength", "form.phone": "pattern", "form.copies": "minimum",
            "form.purpose": "required", "materials.M01": "missing", "materials.M02": "missing",
            "materials.M09": "unknown",
        }
        messages = [f["message"] for f in err["details"]["fields"]]
        assert "居民身份证：未提交" in messages and "申请事由：必填" in messages
        r = await api.call("GET", f"/applications/{app['id']}", alice)
        assert r.json()["status"] == "draft"

    async def test_licence_for_a_material_without_licence_type_is_faulty(self, api, item, alice):
        app = await api.draft(alice, item, form=GOOD_FORM,
                              materials={"M01": {"license_id": "L1"}, "M02": {"license_id": "L2"}})
        r = await api.call("POST", f"/applications/{app['id']}/submit", alice)
        assert r.status_code == 422
        faults = {f["field"]: f["message"] for f in r.json()["error"]["details"]["fields"]}
        assert set(faults) == {"materials.M01", "materials.M02"}
        assert "不能用电子证照代替" in faults["materials.M02"]  # M02 names no licence type
        assert "证照" in faults["materials.M01"]  # L1 is nobody's licence

    async def test_wallet_licence_stands_in_for_a_material(self, api, item, rt):
        """免提交: a valid wallet licence of the material's type replaces the upload, verified at submit."""
        from app.licenses import service as licenses
        from app.licenses.seed import seed as seed_licences
        from tests.factories import complete_materials, valid_id_number

        await seed_licences()
        number = valid_id_number("14010519850101002")
        holder = await make_account(real_name="赵晋生", id_number=number)
        licence = await licenses.issue(type_code="id_card", holder_number=number, holder_name="赵晋生",
                                       fields={"holder_name": "赵晋生", "id_number": number, "gender": "男", "ethnicity": "汉",
                                               "birth_date": "1985-01-01", "address": "太原市小店区"}, notify=False)
        materials = {"M01": {"license_id": str(licence.id)}, "M02": (await complete_materials(holder))["M02"]}
        app = await api.draft(holder, item, form=GOOD_FORM, materials=materials)
        r = await api.call("POST", f"/applications/{app['id']}/submit", holder)
        assert r.status_code == 200, r.text
        verified = r.json()["materials"]["M01"]["verified_licence"]
        assert verified["seal_valid"] is True
        # another person's licence is refused for the same material
        other = await make_account(real_name="钱多多", id_number=valid_id_number("14010519860202003"))
        app2 = await api.draft(other, item, form=GOOD_FORM, materials=materials)
        r = await api.call("POST", f"/applications/{app2['id']}/submit", other)
        assert r.status_code == 422

    async def test_files_of_someone_else_are_faulty(self, api, item, alice, monkeypatch):
        mine = str(uuid.uuid4())

        async def owned(*, file_id, owner_id):
            return str(file_id) == mine and owner_id == alice.id

        monkeypatch.setattr(service, "check_owned_file", owned)
        app = await api.draft(alice, item, form=GOOD_FORM,
                              materials={"M01": {"file_ids": [mine]}, "M02": {"file_ids": [str(uuid.uuid4())]}})
        r = await api.call("POST", f"/applications/{app['id']}/submit", alice)
        assert r.status_code == 422
        assert [f["field"] for f in r.json()["error"]["details"]["fields"]] == ["materials.M02"]

    async def test_complete_submission(self, api, item, alice):
        app = await api.submitted(alice, item)
        assert app["status"] == "submitted" and app["submitted_at"]
        assert app["accept_deadline"] == "2026-11-09"  # 5 working days after Mon 2 Nov
        assert [e["action"] for e in app["timeline"]] == ["created", "submit"]
        assert app["timeline"][1]["from_status"] == "draft" and app["timeline"][1]["actor_id"] == str(alice.id)
        assert app["timeline"][1]["on_behalf_of"] is None
        r = await api.call("POST", f"/applications/{app['id']}/submit", alice)
        assert r.status_code == 409 and r.json()["error"]["code"] == "ILLEGAL_TRANSITION"


class TestWithdraw:
    async def test_withdraw_before_acceptance(self, api, item, alice):
        app = await api.submitted(alice, item)
        r = await api.call("POST", f"/applications/{app['id']}/withdraw", alice, json={"reason": "不办了"})
        assert r.status_code == 200 and r.json()["status"] == "withdrawn"
        assert r.json()["timeline"][-1]["note"] == "不办了"
        r = await api.call("POST", f"/applications/{app['id']}/submit", alice)
        assert r.status_code == 409

    async def test_no_withdraw_after_acceptance(self, api, item, alice, reviewer):
        app = await api.accepted(alice, item, reviewer)
        r = await api.call("POST", f"/applications/{app['id']}/withdraw", alice, json={})
        assert r.status_code == 409 and r.json()["error"]["details"] == {"status": "accepted", "action": "withdraw"}


class TestList:
    async def test_mine_only_status_filter_and_cursor(self, api, item, alice):
        bob = await make_account()
        await api.draft(bob, item)
        ids = [(await api.draft(alice, item))["id"] for _ in range(3)]
        await api.call("POST", f"/applications/{ids[0]}/withdraw", alice, json={})
        seen, cursor = [], None
        while True:
            r = await api.call("GET", "/applications", alice, params={"limit": 2, **({"cursor": cursor} if cursor else {})})
            assert r.status_code == 200
            seen += [a["id"] for a in r.json()["items"]]
            cursor = r.json()["next_cursor"]
            if not cursor:
                break
        assert sorted(seen) == sorted(ids)
        r = await api.call("GET", "/applications", alice, params={"status": "withdrawn"})
        assert [a["id"] for a in r.json()["items"]] == [ids[0]]
        r = await api.call("GET", "/applications", alice, params={"status": "bogus"})
        assert r.status_code == 422


class TestServiceCreate:
    async def test_agent_acting_keeps_both_people(self, rt, item, alice):
        agent = await make_account("agent")
        _, [app] = await service.create(applicant_id=alice.id, actor_id=agent.id, item_code=item.code,
                                        form=GOOD_FORM, materials=await complete_materials(alice))
        assert app.applicant_id == alice.id and app.actor_id == agent.id
        app = await service.submit(application_id=app.id, applicant_id=alice.id, actor_id=agent.id)
        events = await service.timeline(application_id=app.id)
        assert [(e.actor_id, e.on_behalf_of) for e in events] == [(agent.id, alice.id)] * 2


class TestGetOwnWithTimeline:
    async def test_the_case_and_its_events_oldest_first_in_one_read(self, rt, item, alice):
        _, [app] = await service.create(applicant_id=alice.id, item_code=item.code, form=GOOD_FORM,
                                        materials=await complete_materials(alice))
        await service.submit(application_id=app.id, applicant_id=alice.id)
        got, events = await service.get_own_with_timeline(application_id=app.id, applicant_id=alice.id)
        assert got.id == app.id and got.status == "submitted" and got.form == GOOD_FORM
        assert [e.action for e in events] == ["created", "submit"]
        assert [e.id for e in events] == [e.id for e in await service.timeline(application_id=app.id)]
        assert events[1].data["materials"] and events[0].created_at.tzinfo is not None

    async def test_someone_elses_case_is_not_found(self, rt, item, alice):
        bob = await make_account()
        _, [app] = await service.create(applicant_id=alice.id, item_code=item.code, form=GOOD_FORM, materials={})
        with pytest.raises(NotFound):
            await service.get_own_with_timeline(application_id=app.id, applicant_id=bob.id)
        with pytest.raises(NotFound):
            await service.get_own_with_timeline(application_id=uuid.uuid4(), applicant_id=alice.id)
