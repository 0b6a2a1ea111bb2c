"""好差评 with rectification deadlines, and consultations/complaints with answer deadlines."""

from __future__ import annotations

from datetime import date, datetime

from app.core import clock
from app.feedback import service
from app.identity.models import Role
from tests.factories import auth_headers, make_account, make_reviewer


async def _completed(api, alice, item, reviewer) -> dict:
    app = await api.accepted(alice, item, reviewer)
    await api.review(reviewer, app["id"], "approve")
    r = await api.review(reviewer, app["id"], "complete")
    assert r.status_code == 200
    return r.json()


class TestEvaluate:
    async def test_only_after_completion_once_plus_one_supplement(self, api, item, alice, reviewer):
        app = await api.accepted(alice, item, reviewer)
        path = f"/applications/{app['id']}/evaluation"
        r = await api.call("POST", path, alice, json={"score": 5})
        assert r.status_code == 409 and r.json()["error"]["code"] == "NOT_COMPLETED"
        await api.review(reviewer, app["id"], "approve")
        await api.review(reviewer, app["id"], "complete")
        r = await api.call("POST", f"{path}/supplement", alice, json={"score": 4})
        assert r.status_code == 409 and r.json()["error"]["code"] == "EVALUATION_MISSING"
        r = await api.call("POST", path, alice, json={"score": 5, "comment": "很方便",
                                                      "aspects": ["guidance_clear", "friendly_ui"]})
        assert r.status_code == 201
        assert r.json()["evaluations"][0]["score_label"] == "非常满意" and r.json()["rectifications"] == []
        r = await api.call("POST", path, alice, json={"score": 4})
        assert r.status_code == 409 and r.json()["error"]["code"] == "EVALUATION_EXISTS"
        r = await api.call("POST", f"{path}/supplement", alice, json={"score": 4, "comment": "补充"})
        assert r.status_code == 201 and [e["kind"] for e in r.json()["evaluations"]] == ["initial", "supplementary"]
        r = await api.call("POST", f"{path}/supplement", alice, json={"score": 4})
        assert r.status_code == 409

    async def test_validation_and_privacy(self, api, item, alice, reviewer):
        app = await _completed(api, alice, item, reviewer)
        path = f"/applications/{app['id']}/evaluation"
        for bad in ({"score": 0}, {"score": 6}, {"score": 3, "aspects": ["nope"]}):
            assert (await api.call("POST", path, alice, json=bad)).status_code == 422
        bob = await make_account()
        assert (await api.call("POST", path, bob, json={"score": 1})).status_code == 404
        assert (await api.call("GET", path, bob)).status_code == 404
        assert (await api.call("POST", path, reviewer, json={"score": 1})).status_code == 403


class TestRectification:
    async def test_bad_rating_opens_case_with_15_working_day_deadline(self, api, item, alice, reviewer, sim):
        app = await _completed(api, alice, item, reviewer)
        clock.freeze(datetime(2026, 9, 21, 10, 0))  # Mon: 中秋 (25 Sep) and 国庆 (1–7 Oct) fall inside
        api._headers.clear()
        r = await api.call("POST", f"/applications/{app['id']}/evaluation", alice,
                           json={"score": 2, "comment": "排队太久"})
        assert r.status_code == 201
        [case] = r.json()["rectifications"]
        # 22,23,24,28,29,30 Sep · 8,9,10(调休 Sat),12,13,14,15,16,19 Oct
        assert case["deadline"] == "2026-10-19" and case["status"] == "open" and case["overdue"] is False
        other_dept = await make_reviewer(department="其他局")
        r = await api.call("GET", "/review/rectifications", other_dept)
        assert r.json()["items"] == []
        r = await api.call("POST", f"/review/rectifications/{case['id']}/respond", other_dept, json={"response": "x"})
        assert r.status_code == 404
        clock.freeze(datetime(2026, 10, 20, 9, 0))
        api._headers.clear()
        r = await api.call("GET", "/review/rectifications", reviewer, params={"status": "open"})
        assert [(c["id"], c["overdue"]) for c in r.json()["items"]] == [(case["id"], True)]
        r = await api.call("POST", f"/review/rectifications/{case['id']}/respond", reviewer,
                           json={"response": "已增设窗口，缩短排队时间"})
        assert r.status_code == 200 and r.json()["status"] == "responded" and r.json()["overdue"] is False
        r = await api.call("POST", f"/review/rectifications/{case['id']}/respond", reviewer, json={"response": "再答"})
        assert r.status_code == 409
        r = await api.call("GET", f"/applications/{app['id']}/evaluation", alice)
        assert r.json()["rectifications"][0]["response"] == "已增设窗口，缩短排队时间"
        sent = sim.get("dev/messages", params={"touser": alice.openid}).json()["messages"]
        assert sent[-1]["data"]["phrase2"]["value"] == "已答复"

    async def test_good_rating_opens_nothing_and_supplement_can_open(self, rt, api, item, alice, reviewer):
        app = await _completed(api, alice, item, reviewer)
        import uuid

        _, none = await service.evaluate(application_id=uuid.UUID(app["id"]), applicant_id=alice.id, score=3)
        assert none is None
        _, case = await service.evaluate(application_id=uuid.UUID(app["id"]), applicant_id=alice.id, score=1,
                                         supplementary=True)
        assert case is not None and case.deadline == date(2026, 11, 23)


class TestConsultations:
    async def test_ask_route_answer_rate(self, api, item, alice, reviewer, sim):
        r = await api.call("POST", "/consultations", alice, json={"title": "需要带原件吗", "content": "身份证需要原件吗？",
                                                                  "item_code": item.code})
        assert r.status_code == 201
        c = r.json()
        assert c["department"] == item.department and c["deadline"] == "2026-11-05" and c["status"] == "open"
        r = await api.call("POST", f"/consultations/{c['id']}/rating", alice, json={"score": 5})
        assert r.status_code == 409
        other_region = await make_reviewer(region_code="140700")
        assert (await api.call("GET", "/review/consultations", other_region)).json()["items"] == []
        r = await api.call("POST", f"/review/consultations/{c['id']}/answer", other_region, json={"answer": "x"})
        assert r.status_code == 404
        clock.freeze(datetime(2026, 11, 6, 9, 0))
        api._headers.clear()
        r = await api.call("GET", "/review/consultations", reviewer)
        assert [(x["id"], x["overdue"]) for x in r.json()["items"]] == [(c["id"], True)]
        r = await api.call("POST", f"/review/consultations/{c['id']}/answer", reviewer, json={"answer": "需要原件"})
        assert r.status_code == 200 and r.json()["status"] == "answered"
        assert (await api.call("POST", f"/review/consultations/{c['id']}/answer", reviewer,
                               json={"answer": "y"})).status_code == 409
        r = await api.call("GET", f"/consultations/{c['id']}", alice)
        assert r.json()["answer"] == "需要原件"
        r = await api.call("POST", f"/consultations/{c['id']}/rating", alice, json={"score": 4})
        assert r.status_code == 200 and r.json()["rating"] == 4
        assert (await api.call("POST", f"/consultations/{c['id']}/rating", alice, json={"score": 5})).status_code == 409
        bob = await make_account()
        assert (await api.call("GET", f"/consultations/{c['id']}", bob)).status_code == 404
        assert (await api.call("GET", "/consultations", bob)).json()["items"] == []
        sent = sim.get("dev/messages", params={"touser": alice.openid}).json()["messages"]
        assert sent[-1]["data"]["phrase2"]["value"] == "已答复"

    async def test_complaint_about_a_case_goes_to_its_department(self, api, item, alice, reviewer):
        app = await api.submitted(alice, item)
        r = await api.call("POST", "/consultations", alice, json={"kind": "complaint", "title": "迟迟不受理",
                                                                  "content": "提交多日未受理", "application_id": app["id"]})
        assert r.status_code == 201 and r.json()["deadline"] == "2026-11-16"  # 10 working days
        bob = await make_account()
        r = await api.call("POST", "/consultations", bob, json={"kind": "complaint", "title": "t", "content": "c",
                                                                "application_id": app["id"]})
        assert r.status_code == 404
        r = await api.call("POST", "/consultations", bob, json={"kind": "complaint", "title": "t", "content": "c"})
        assert r.status_code == 422

    async def test_hotline_ticket_reaches_the_caller_with_that_phone(self, api, item, reviewer):
        admin = await make_account(Role.ADMIN)
        caller = await make_account(Role.RESIDENT, phone="13912345678")
        body = {"ticket_no": "12345-2026-0001", "source": "12345", "title": "咨询办理地点", "content": "在哪里办",
                "item_code": item.code, "caller_phone": "13912345678"}
        r = await api.call("POST", "/hotline/tickets", admin, json=body)
        assert r.status_code == 201 and r.json()["source"] == "12345"
        again = await api.call("POST", "/hotline/tickets", admin, json=body)
        assert again.json()["id"] == r.json()["id"]
        assert "13912345678" not in r.text
        r2 = await api.client.get("/api/v1/consultations", headers=await auth_headers(caller))
        assert [x["id"] for x in r2.json()["items"]] == [r.json()["id"]]
        assert (await api.call("POST", "/hotline/tickets", reviewer, json=body)).status_code == 403
