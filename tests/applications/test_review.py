"""Reviewer side: accept, one-time correction notice with history, not-accept, approve, reject, complete,
notifications for every transition."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from app.applications import review, service, workflow
from app.applications.models import Application
from app.core import clock
from app.notifications import service as notifications
from tests.factories import complete_materials, make_application_item


class TestAccept:
    async def test_receipt_query_code_due_date(self, api, item, alice, reviewer):
        app = await api.accepted(alice, item, reviewer)
        assert app["status"] == "accepted"
        assert re.fullmatch(r"SJT20261102\d{6}", app["receipt_no"])
        assert re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", app["query_code"])
        assert app["due_date"] == "2026-11-09"  # 5 working days after Mon 2 Nov
        assert app["urgency"] == "normal"
        step = app["timeline"][-1]
        assert (step["action"], step["from_status"], step["to_status"], step["actor_id"]) == \
            ("accept", "submitted", "accepted", str(reviewer.id))

    async def test_receipt_numbers_are_sequential_and_unique(self, api, item, alice, reviewer):
        a = await api.accepted(alice, item, reviewer)
        b = await api.accepted(alice, item, reviewer)
        assert int(b["receipt_no"][-6:]) == int(a["receipt_no"][-6:]) + 1

    async def test_receipt_counter_recovers_after_redis_loss(self, rt, api, item, alice, reviewer):
        a = await api.accepted(alice, item, reviewer)
        for key in await rt.redis.keys("applications:receipt:*"):
            await rt.redis.delete(key)
        b = await api.accepted(alice, item, reviewer)
        assert b["receipt_no"] != a["receipt_no"] and b["receipt_no"][:11] == a["receipt_no"][:11]

    async def test_accept_twice_is_409(self, api, item, alice, reviewer):
        app = await api.accepted(alice, item, reviewer)
        r = await api.review(reviewer, app["id"], "accept")
        assert r.status_code == 409 and r.json()["error"]["code"] == "ILLEGAL_TRANSITION"


class TestCorrection:
    async def test_one_time_notice_and_resubmission_keeps_history(self, api, item, alice, reviewer):
        app = await api.submitted(alice, item)
        r = await api.review(reviewer, app["id"], "request-correction", note="请一次补齐", items=[
            {"material_code": "M01", "reason": "身份证已过期"},
            {"material_code": "M02", "reason": "申请表未签字"},
            {"field": "phone", "reason": "电话无法接通"}])
        assert r.status_code == 200
        body = r.json()
        assert body["status"] == "needs_correction" and body["urgency"] == "none"
        assert [(c["material_code"], c["field"], c["name"]) for c in body["corrections"]] == [
            ("M01", None, "居民身份证"), ("M02", None, "申请表"), (None, "phone", "phone")]
        assert body["timeline"][-1]["data"]["items"] == body["corrections"]
        # the applicant sees the same complete list, fixes and resubmits
        r = await api.call("GET", f"/applications/{app['id']}", alice)
        assert len(r.json()["corrections"]) == 3
        new_file = (await complete_materials(alice))["M02"]["file_ids"][0]
        r = await api.call("PATCH", f"/applications/{app['id']}", alice,
                           json={"materials": {"M02": {"file_ids": [new_file]}}})
        assert r.status_code == 200
        r = await api.call("POST", f"/applications/{app['id']}/submit", alice)
        assert r.status_code == 200 and r.json()["status"] == "submitted"
        actions = [e["action"] for e in r.json()["timeline"]]
        assert actions == ["created", "submit", "request_correction", "resubmit"]
        first, last = r.json()["timeline"][1], r.json()["timeline"][-1]
        assert first["data"]["materials"]["M02"] != last["data"]["materials"]["M02"]
        assert last["data"]["materials"]["M02"] == {"file_ids": [new_file]}
        assert len(last["data"]["corrections"]) == 3
        # a second round is allowed and the first list stays on the timeline
        r = await api.review(reviewer, app["id"], "request-correction", items=[{"material_code": "M01", "reason": "模糊"}])
        assert r.status_code == 200 and len(r.json()["corrections"]) == 1
        assert len(r.json()["timeline"][2]["data"]["items"]) == 3

    async def test_unknown_material_and_empty_list_are_422(self, api, item, alice, reviewer):
        app = await api.submitted(alice, item)
        r = await api.review(reviewer, app["id"], "request-correction", items=[{"material_code": "M99", "reason": "x"}])
        assert r.status_code == 422
        r = await api.review(reviewer, app["id"], "request-correction", items=[])
        assert r.status_code == 422
        r = await api.review(reviewer, app["id"], "request-correction",
                             items=[{"material_code": "M01", "field": "name", "reason": "x"}])
        assert r.status_code == 422

    async def test_not_after_acceptance(self, api, item, alice, reviewer):
        app = await api.accepted(alice, item, reviewer)
        r = await api.review(reviewer, app["id"], "request-correction", items=[{"material_code": "M01", "reason": "x"}])
        assert r.status_code == 409


class TestDecisions:
    async def test_not_accept_with_reason(self, api, item, alice, reviewer):
        app = await api.submitted(alice, item)
        r = await api.review(reviewer, app["id"], "not-accept", reason="不属于本部门职权范围")
        assert r.status_code == 200 and r.json()["status"] == "not_accepted"
        assert r.json()["decision_reason"] == "不属于本部门职权范围"
        r = await api.review(reviewer, app["id"], "not-accept", reason="")
        assert r.status_code == 422

    async def test_approve_then_complete(self, api, item, alice, reviewer):
        app = await api.accepted(alice, item, reviewer)
        r = await api.review(reviewer, app["id"], "complete")
        assert r.status_code == 409
        r = await api.review(reviewer, app["id"], "approve", note="符合条件")
        assert r.status_code == 200 and r.json()["status"] == "approved" and r.json()["decided_at"]
        r = await api.review(reviewer, app["id"], "reject", reason="x")
        assert r.status_code == 409
        r = await api.review(reviewer, app["id"], "complete")
        assert r.status_code == 200 and r.json()["status"] == "completed"
        assert [e["to_status"] for e in r.json()["timeline"]] == [
            "draft", "submitted", "accepted", "approved", "completed"]
        r = await api.review(reviewer, app["id"], "complete")
        assert r.status_code == 409

    async def test_completion_issues_the_licence_into_the_wallet(self, api, cal, reviewer):
        from app.licenses.seed import seed as seed_licences
        from tests.factories import make_account, valid_id_number

        await seed_licences()
        item = await make_application_item(name="结婚登记", produces_license_type="marriage")
        holder = await make_account(real_name="孙晋红", id_number=valid_id_number("14010519920304002"))
        app = await api.accepted(holder, item, reviewer)
        await api.review(reviewer, app["id"], "approve")
        r = await api.review(reviewer, app["id"], "complete")
        assert r.status_code == 200, r.text
        wallet = await api.call("GET", "/wallet/licenses", holder)
        assert [w["type"] for w in wallet.json()["items"]] == ["marriage"]

    async def test_reject_then_complete(self, api, item, alice, reviewer):
        app = await api.accepted(alice, item, reviewer)
        r = await api.review(reviewer, app["id"], "reject", reason="不符合条件")
        assert r.status_code == 200 and r.json()["status"] == "rejected"
        r = await api.review(reviewer, app["id"], "complete")
        assert r.json()["status"] == "completed" and r.json()["decision_reason"] == "不符合条件"

    async def test_approved_fee_must_be_paid_before_completion(self, api, cal, alice, reviewer):
        paid_item = await make_application_item(fee_fen=2000)
        app = await api.accepted(alice, paid_item, reviewer)
        await api.review(reviewer, app["id"], "approve")
        r = await api.review(reviewer, app["id"], "complete")
        assert r.status_code == 409 and r.json()["error"]["code"] == "FEE_UNPAID"
        await service.on_payment_paid(application_id=uuid.UUID(app["id"]), payment_id="P-1")
        r = await api.review(reviewer, app["id"], "complete")
        assert r.status_code == 200 and r.json()["paid"] is True

    async def test_concurrent_decisions_only_one_wins(self, rt, item, alice, reviewer):
        import asyncio

        _, [app] = await service.create(applicant_id=alice.id, item_code=item.code,
                                        form={"name": "张三丰", "phone": "13800138000", "purpose": "新办"},
                                        materials=await complete_materials(alice))
        await service.submit(application_id=app.id, applicant_id=alice.id)
        results = await asyncio.gather(
            review.not_accept(application_id=app.id, reviewer=reviewer, reason="a"),
            review.request_correction(application_id=app.id, reviewer=reviewer,
                                      items=[{"material_code": "M01", "reason": "b"}]),
            return_exceptions=True)
        assert sum(isinstance(r, Application) for r in results) == 1
        events = await service.timeline(application_id=app.id)
        assert len(events) == 3


class TestNotifications:
    async def test_each_transition_reaches_wechat_and_inbox(self, api, item, alice, reviewer, sim):
        app = await api.accepted(alice, item, reviewer)
        clock.advance(timedelta(hours=1))
        await api.review(reviewer, app["id"], "approve")
        await api.review(reviewer, app["id"], "complete", note="请到窗口领取")
        sent = sim.get("dev/messages", params={"touser": alice.openid}).json()["messages"]
        assert len(sent) == 4  # submitted, accepted, approved, completed
        assert {m["template_id"] for m in sent} == {"SJT-TPL-PROGRESS"}
        assert [m["data"]["phrase2"]["value"] for m in sent] == ["已提交", "已受理", "审批通过", "已办结"]
        assert sent[1]["data"]["character_string3"]["value"] == app["receipt_no"]
        assert sent[1]["data"]["thing1"]["value"] == item.name
        assert sent[1]["data"]["thing5"]["value"] == "承诺办结日期 2026-11-09"
        assert sent[3]["data"]["thing5"]["value"] == "请到窗口领取"
        assert sent[3]["data"]["time4"]["value"] == "2026-11-02 11:00"
        inbox, _ = await notifications.list_messages(account_id=alice.id, unread_only=True, cursor=None, limit=20)
        assert len(inbox) == 4 and {m.ref for m in inbox} == {app["id"]}
        r = await api.call("GET", "/messages", alice)
        assert r.json()["unread"] == 4

    async def test_correction_and_withdraw_notify(self, api, item, alice, reviewer, sim):
        app = await api.submitted(alice, item)
        await api.review(reviewer, app["id"], "request-correction", items=[{"material_code": "M01", "reason": "x"}])
        await api.call("POST", f"/applications/{app['id']}/withdraw", alice, json={})
        sent = sim.get("dev/messages", params={"touser": alice.openid}).json()["messages"]
        assert [m["data"]["phrase2"]["value"] for m in sent] == ["已提交", "待补正", "已撤回"]
        assert sent[1]["data"]["thing5"]["value"] == "请按清单补正 1 项材料"


class TestTransitionTable:
    def test_every_state_change_is_listed(self):
        targets = {t for _, t, _ in workflow.TRANSITIONS.values()}
        assert {s.value for s in targets} == {"submitted", "withdrawn", "accepted", "needs_correction",
                                              "not_accepted", "approved", "rejected", "completed"}


class TestConcurrentAcceptance:
    async def test_receipt_numbers_stay_unique(self, rt, item, alice, reviewer):
        import asyncio

        ids = []
        for _ in range(5):
            _, [app] = await service.create(applicant_id=alice.id, item_code=item.code,
                                            form={"name": "张三丰", "phone": "13800138000", "purpose": "新办"},
                                            materials=await complete_materials(alice))
            await service.submit(application_id=app.id, applicant_id=alice.id)
            ids.append(app.id)
        done = await asyncio.gather(*(review.accept(application_id=i, reviewer=reviewer) for i in ids))
        assert len({a.receipt_no for a in done}) == 5
        assert sorted(int(a.receipt_no[-6:]) for a in done) == [1, 2, 3, 4, 5]
