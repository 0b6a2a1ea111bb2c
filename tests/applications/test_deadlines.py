"""Working-day due dates, urgency, the review queue order and deemed acceptance (clock moved)."""

from __future__ import annotations

from datetime import date, datetime

from app.applications import review, service, workflow
from app.applications.tasks import deem_accepted
from app.core import clock
from tests.factories import GOOD_FORM, complete_materials, make_application_item


async def _submitted(item, applicant):
    _, [app] = await service.create(applicant_id=applicant.id, item_code=item.code, form=GOOD_FORM,
                                    materials=await complete_materials(applicant))
    return await service.submit(application_id=app.id, applicant_id=applicant.id)


class TestDueDate:
    async def test_across_national_day_to_a_makeup_saturday(self, cal, alice, reviewer):
        item = await make_application_item(promised_days=3)
        clock.freeze(datetime(2026, 9, 30, 9, 0))  # Wed; Oct 1–7 off, Sat 10 Oct is a 调休 workday
        app = await _submitted(item, alice)
        app = await review.accept(application_id=app.id, reviewer=reviewer)
        assert app.due_date == date(2026, 10, 10)
        assert app.receipt_no.startswith("SJT20260930")

    async def test_across_mid_autumn(self, cal, alice, reviewer):
        item = await make_application_item(promised_days=2)
        clock.freeze(datetime(2026, 9, 24, 9, 0))  # Thu; Fri 25 (中秋) and the weekend are off
        app = await review.accept(application_id=(await _submitted(item, alice)).id, reviewer=reviewer)
        assert app.due_date == date(2026, 9, 29)


class TestUrgency:
    async def test_normal_yellow_red(self, cal, item, alice, reviewer):
        app = await review.accept(application_id=(await _submitted(item, alice)).id, reviewer=reviewer)
        assert app.due_date == date(2026, 11, 9)  # Mon 2 Nov + 5 working days
        assert await workflow.urgency(app, date(2026, 11, 4)) == "normal"  # 3 working days left
        assert await workflow.urgency(app, date(2026, 11, 5)) == "yellow"  # Fri 6, Mon 9
        assert await workflow.urgency(app, date(2026, 11, 9)) == "yellow"
        assert await workflow.urgency(app, date(2026, 11, 10)) == "red"
        clock.freeze(datetime(2026, 11, 10, 9, 0))
        assert await workflow.urgency(app) == "red"

    async def test_clock_stops_for_correction_and_closed_cases(self, cal, item, alice, reviewer):
        app = await _submitted(item, alice)
        assert await workflow.urgency(app, date(2026, 12, 31)) == "red"
        app = await review.request_correction(application_id=app.id, reviewer=reviewer,
                                              items=[{"material_code": "M01", "reason": "x"}])
        assert await workflow.urgency(app, date(2026, 12, 31)) == "none"


class TestReviewQueue:
    async def test_sorted_red_yellow_normal_then_due_date(self, api, cal, alice, reviewer):
        slow, mid, fast = await make_application_item(promised_days=10), await make_application_item(promised_days=4), await make_application_item(promised_days=1)
        ids = {}
        for name, item in (("slow", slow), ("mid", mid), ("fast", fast)):
            ids[name] = (await review.accept(application_id=(await _submitted(item, alice)).id, reviewer=reviewer)).id
        ids["waiting"] = (await _submitted(slow, alice)).id  # acceptance deadline Mon 9 Nov
        clock.freeze(datetime(2026, 11, 4, 9, 0))  # Wed: fast (due Tue 3) overdue, mid (Fri 6) yellow
        r = await api.call("GET", "/review/applications", reviewer)
        assert r.status_code == 200
        got = [(a["id"], a["urgency"]) for a in r.json()["items"]]
        assert got == [(str(ids["fast"]), "red"), (str(ids["mid"]), "yellow"), (str(ids["waiting"]), "normal"),
                       (str(ids["slow"]), "normal")]
        # stable cursor pagination over the same order
        seen, cursor = [], None
        while True:
            r = await api.call("GET", "/review/applications", reviewer,
                               params={"limit": 1, **({"cursor": cursor} if cursor else {})})
            seen += [a["id"] for a in r.json()["items"]]
            cursor = r.json()["next_cursor"]
            if not cursor:
                break
        assert seen == [g[0] for g in got]
        r = await api.call("GET", "/review/applications", reviewer, params={"status": "submitted"})
        assert [a["id"] for a in r.json()["items"]] == [str(ids["waiting"])]
        r = await api.call("GET", "/review/applications", reviewer, params={"cursor": "!!"})
        assert r.status_code == 422


class TestDeemedAcceptance:
    async def test_accepted_by_law_after_five_working_days(self, cal, alice, sim):
        item = await make_application_item(promised_days=3)
        clock.freeze(datetime(2026, 9, 21, 9, 0))  # Mon; 25 Sep (中秋) and the weekend are off
        app = await _submitted(item, alice)
        assert app.accept_deadline == date(2026, 9, 29)
        clock.freeze(datetime(2026, 9, 29, 18, 0))
        assert await service.deem_overdue_acceptances() == 0
        clock.freeze(datetime(2026, 9, 30, 0, 30))
        assert await deem_accepted() == 1  # the scheduled task calls the same service
        app = await service.get_own(application_id=app.id, applicant_id=alice.id)
        assert app.status == "accepted" and app.receipt_no and app.query_code
        assert app.due_date == date(2026, 10, 9)  # 3 working days after 29 Sep: 30 Sep, 8 Oct, 9 Oct
        event = (await service.timeline(application_id=app.id))[-1]
        assert event.action == "deem_accept" and event.actor_id is None and "依法视为受理" in event.note
        assert await service.deem_overdue_acceptances() == 0
        sent = sim.get("dev/messages", params={"touser": alice.openid}).json()["messages"]
        assert sent[-1]["data"]["phrase2"]["value"] == "已受理"

    async def test_correction_request_stops_it_and_resubmission_restarts_it(self, cal, item, alice, reviewer):
        app = await _submitted(item, alice)
        await review.request_correction(application_id=app.id, reviewer=reviewer,
                                        items=[{"material_code": "M02", "reason": "x"}])
        clock.freeze(datetime(2026, 11, 20, 9, 0))
        assert await service.deem_overdue_acceptances() == 0
        app = await service.submit(application_id=app.id, applicant_id=alice.id)
        assert app.accept_deadline == date(2026, 11, 27)
        clock.freeze(datetime(2026, 11, 30, 9, 0))
        assert await service.deem_overdue_acceptances() == 1

    def test_task_is_scheduled(self):
        assert deem_accepted.labels["schedule"] == [{"cron": "*/30 * * * *"}]
