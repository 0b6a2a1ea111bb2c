"""Public progress query (no login, masked, rate limited) and the hooks for payments and licences."""

from __future__ import annotations

import uuid

import pytest

from app.applications import review, service
from app.applications.routes import PER_RECEIPT_LIMIT, PROGRESS_LIMIT
from app.core.errors import Conflict, NotFound
from tests.factories import GOOD_FORM, complete_materials, make_account, make_application_item


class TestProgress:
    async def test_public_masked_without_notes(self, api, item, alice, reviewer):
        app = await api.accepted(alice, item, reviewer)
        r = await api.review(reviewer, app["id"], "approve", note="申请人张三丰身份证号140105199001011234核验通过")
        assert r.json()["timeline"][-1]["note"] == "申请人张三丰身份证号1401**********1234核验通过"
        r = await api.call("GET", "/progress", params={"receipt_no": app["receipt_no"], "query_code": app["query_code"]})
        assert r.status_code == 200
        body = r.json()
        assert body["applicant"] == "张*丰" and body["item_name"] == item.name
        assert body["status"] == "approved" and body["status_label"] == "审批通过"
        assert body["due_date"] == "2026-11-09"
        assert [s["label"] for s in body["steps"]] == ["提交申请", "已受理", "审批通过"]
        text = r.text
        assert "张三丰" not in text and "140105199001011234" not in text and "note" not in text
        assert str(alice.id) not in text and str(reviewer.id) not in text

    async def test_lower_case_query_code_and_wrong_code(self, api, item, alice, reviewer):
        app = await api.accepted(alice, item, reviewer)
        r = await api.call("GET", "/progress", params={"receipt_no": app["receipt_no"],
                                                        "query_code": app["query_code"].lower()})
        assert r.status_code == 200
        wrong = "ZZZZZZ" if app["query_code"] != "ZZZZZZ" else "YYYYYY"
        r = await api.call("GET", "/progress", params={"receipt_no": app["receipt_no"], "query_code": wrong})
        assert r.status_code == 404 and r.json()["error"]["code"] == "PROGRESS_NOT_FOUND"
        r = await api.call("GET", "/progress", params={"receipt_no": "SJT2026", "query_code": wrong})
        assert r.status_code == 404
        r = await api.call("GET", "/progress", params={"receipt_no": app["receipt_no"]})
        assert r.status_code == 422

    async def test_kept_answer_still_checks_the_code_and_a_new_step_shows_at_once(self, api, item, alice,
                                                                                    reviewer, rt):
        app = await api.accepted(alice, item, reviewer)
        params = {"receipt_no": app["receipt_no"], "query_code": app["query_code"]}
        first = await api.call("GET", "/progress", params=params)
        assert first.json()["status"] == "accepted"
        assert await rt.redis.exists(f"progress:view:{app['receipt_no']}")
        wrong = "ZZZZZZ" if app["query_code"] != "ZZZZZZ" else "YYYYYY"
        r = await api.call("GET", "/progress", params={**params, "query_code": wrong})
        assert r.status_code == 404
        assert app["query_code"] not in (await rt.redis.get(f"progress:view:{app['receipt_no']}"))
        await api.review(reviewer, app["id"], "approve")
        r = await api.call("GET", "/progress", params=params)
        assert r.json()["status"] == "approved" and r.json()["steps"][-1]["label"] == "审批通过"

    async def test_a_kept_answer_is_served_without_the_database(self, api, item, alice, reviewer, monkeypatch):
        from app.applications.models import Application

        app = await api.accepted(alice, item, reviewer)
        params = {"receipt_no": app["receipt_no"], "query_code": app["query_code"]}
        first = await api.call("GET", "/progress", params=params)

        def no_database(*args, **kwargs):
            raise AssertionError("progress read the database")

        monkeypatch.setattr(Application, "get_or_none", no_database)
        again = await api.call("GET", "/progress", params=params)
        assert again.status_code == 200 and again.json() == first.json()

    async def test_rate_limited_per_ip(self, api, cal):
        for n in range(PROGRESS_LIMIT):
            params = {"receipt_no": f"SJT20261102{n:06d}", "query_code": "ABCDEF"}
            r = await api.call("GET", "/progress", params=params, headers={"X-Forwarded-For": "10.0.0.1"})
            assert r.status_code == 404
        r = await api.call("GET", "/progress", params=params, headers={"X-Forwarded-For": "10.0.0.1"})
        assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
        r = await api.call("GET", "/progress", params=params, headers={"X-Forwarded-For": "10.0.0.2"})
        assert r.status_code == 404

    async def test_rate_limited_per_receipt_across_ips(self, api, cal):
        params = {"receipt_no": "SJT20261102000001", "query_code": "ABCDEF"}
        for n in range(PER_RECEIPT_LIMIT):
            r = await api.call("GET", "/progress", params=params, headers={"X-Forwarded-For": f"10.1.0.{n}"})
            assert r.status_code == 404
        r = await api.call("GET", "/progress", params=params, headers={"X-Forwarded-For": "10.2.0.1"})
        assert r.status_code == 429


async def _accepted(item, applicant, reviewer):
    _, [app] = await service.create(applicant_id=applicant.id, item_code=item.code, form=GOOD_FORM,
                                    materials=await complete_materials(applicant))
    await service.submit(application_id=app.id, applicant_id=applicant.id)
    return await review.accept(application_id=app.id, reviewer=reviewer)


class TestFeeDue:
    async def test_amount_from_the_item_once_accepted(self, cal, alice, reviewer):
        item = await make_application_item(fee_fen=1550)
        _, [draft] = await service.create(applicant_id=alice.id, item_code=item.code)
        with pytest.raises(Conflict) as exc:
            await service.fee_due(application_id=draft.id)
        assert exc.value.code == "FEE_NOT_PAYABLE"
        app = await _accepted(item, alice, reviewer)
        assert await service.fee_due(application_id=app.id, applicant_id=alice.id) == 1550
        bob = await make_account()
        with pytest.raises(NotFound):
            await service.fee_due(application_id=app.id, applicant_id=bob.id)

    async def test_free_item_owes_nothing(self, cal, item, alice, reviewer):
        app = await _accepted(item, alice, reviewer)
        assert await service.fee_due(application_id=app.id) == 0


class TestOnPaymentPaid:
    async def test_records_once_with_timeline_and_notice(self, cal, alice, reviewer, sim):
        item = await make_application_item(fee_fen=1000)
        app = await _accepted(item, alice, reviewer)
        app = await service.on_payment_paid(application_id=app.id, payment_id="PAY-1")
        assert app.paid_at is not None and app.payment_id == "PAY-1" and app.status == "accepted"
        again = await service.on_payment_paid(application_id=app.id, payment_id="PAY-1")
        assert again.paid_at == app.paid_at
        events = [e for e in await service.timeline(application_id=app.id) if e.action == "payment_paid"]
        assert len(events) == 1 and events[0].data == {"payment_id": "PAY-1", "amount_fen": 1000}
        with pytest.raises(Conflict):
            await service.on_payment_paid(application_id=app.id, payment_id="PAY-2")
        with pytest.raises(Conflict):
            await service.fee_due(application_id=app.id)
        sent = sim.get("dev/messages", params={"touser": alice.openid}).json()["messages"]
        assert sent[-1]["data"]["phrase2"]["value"] == "已缴费"

    async def test_unknown_application(self, rt):
        with pytest.raises(NotFound):
            await service.on_payment_paid(application_id=uuid.uuid4(), payment_id="P")


class TestIssueResults:
    async def test_completion_of_an_approved_case_calls_issue(self, cal, item, alice, reviewer, monkeypatch):
        calls = []

        async def issue(*, app):
            calls.append(app.id)
            return []

        monkeypatch.setattr(service, "issue_results", issue)
        app = await _accepted(item, alice, reviewer)
        await review.approve(application_id=app.id, reviewer=reviewer)
        await review.complete(application_id=app.id, reviewer=reviewer)
        other = await _accepted(item, alice, reviewer)
        await review.reject(application_id=other.id, reviewer=reviewer, reason="不符合")
        await review.complete(application_id=other.id, reviewer=reviewer)
        assert calls == [app.id]
