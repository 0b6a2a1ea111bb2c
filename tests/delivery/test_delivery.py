"""寄递: choose pickup or mail, change it until dispatch, dispatch at completion, courier tracking with
notifications and timeline steps, hall handover, permissions."""

from __future__ import annotations

import uuid
from datetime import timedelta

from app.core import clock
from app.delivery import service
from app.delivery.models import Delivery
from tests.factories import make_account, make_application_item

ADDRESS = {"recipient": "张三丰", "phone": "13912345678", "region_code": "140105", "detail": "长治路 188 号 3 单元 501"}


async def completed(api, account, item, reviewer) -> dict:
    app = await api.accepted(account, item, reviewer)
    assert (await api.review(reviewer, app["id"], "approve")).status_code == 200
    r = await api.review(reviewer, app["id"], "complete")
    assert r.status_code == 200, r.text
    return r.json()


class TestChoose:
    async def test_mail_address_is_encrypted_and_masked(self, api, item, alice):
        app = await api.draft(alice, item)
        r = await api.call("POST", f"/applications/{app['id']}/delivery", alice, json={"method": "mail", "address": ADDRESS})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["status"] == "pending" and body["changeable"] is True and body["tracking_no"] is None
        assert body["address"] == {"recipient": "张*丰", "phone": "139****5678", "region_code": "140105",
                                   "detail": ADDRESS["detail"]}
        row = await Delivery.get(id=body["id"])
        assert "13912345678" not in row.phone_enc and "长治路" not in row.detail_enc and "张三丰" not in row.recipient_enc
        assert "13912345678" not in r.text
        timeline = (await api.call("GET", f"/applications/{app['id']}", alice)).json()["timeline"]
        assert timeline[-1]["action"] == "delivery_chosen"

    async def test_faulty_address_names_every_field(self, api, item, alice):
        app = await api.draft(alice, item)
        bad = {"recipient": " ", "phone": "13912345678", "region_code": "999999", "detail": " "}
        r = await api.call("POST", f"/applications/{app['id']}/delivery", alice, json={"method": "mail", "address": bad})
        assert r.status_code == 422
        fields = [f["field"] for f in r.json()["error"]["details"]["fields"]]
        assert fields == ["address.recipient", "address.region_code", "address.detail"]
        r = await api.call("POST", f"/applications/{app['id']}/delivery", alice, json={"method": "mail"})
        assert r.status_code == 422

    async def test_pickup_hall_must_handle_the_item(self, api, item, alice, hall):
        app = await api.draft(alice, item)
        r = await api.call("POST", f"/applications/{app['id']}/delivery", alice, json={"method": "pickup", "hall_code": "NOPE"})
        assert r.status_code == 422 and r.json()["error"]["code"] == "HALL_NOT_FOR_ITEM"
        r = await api.call("POST", f"/applications/{app['id']}/delivery", alice, json={"method": "pickup"})
        assert r.status_code == 200 and r.json()["hall_name"] == hall.name and r.json()["address"] is None

    async def test_not_deliverable_item_is_409(self, api, cal, alice):
        plain = await make_application_item()
        app = await api.draft(alice, plain)
        r = await api.call("POST", f"/applications/{app['id']}/delivery", alice, json={"method": "pickup"})
        assert r.status_code == 409 and r.json()["error"]["code"] == "ITEM_NOT_DELIVERABLE"

    async def test_someone_elses_case_is_404(self, api, item, alice):
        app = await api.draft(alice, item)
        bob = await make_account()
        r = await api.call("POST", f"/applications/{app['id']}/delivery", bob, json={"method": "pickup"})
        assert r.status_code == 404
        await api.call("POST", f"/applications/{app['id']}/delivery", alice, json={"method": "pickup"})
        assert (await api.call("GET", f"/applications/{app['id']}/delivery", bob)).status_code == 404
        staff = await make_account("reviewer")
        assert (await api.call("GET", f"/applications/{app['id']}/delivery", staff)).status_code == 403


class TestDispatchAndTracking:
    async def test_mail_dispatched_at_completion_then_tracked_to_signed(self, api, item, alice, reviewer, sim):
        app = await api.draft(alice, item)
        await api.call("POST", f"/applications/{app['id']}/delivery", alice, json={"method": "mail", "address": ADDRESS})
        from tests.factories import GOOD_FORM, complete_materials

        await api.call("PATCH", f"/applications/{app['id']}", alice,
                       json={"form": GOOD_FORM, "materials": await complete_materials(alice)})
        assert (await api.call("POST", f"/applications/{app['id']}/submit", alice)).status_code == 200
        for action in ("accept", "approve", "complete"):
            assert (await api.review(reviewer, app["id"], action)).status_code == 200
        r = await api.call("GET", f"/applications/{app['id']}/delivery", alice)
        body = r.json()
        assert body["status"] == "shipped" and body["tracking_no"].startswith("SIM") and body["changeable"] is False
        r = await api.call("POST", f"/applications/{app['id']}/delivery", alice, json={"method": "pickup"})
        assert r.status_code == 409 and r.json()["error"]["code"] == "DELIVERY_DISPATCHED"
        # time passes: the scheduled sync moves it through 揽收 and 运输中
        clock.advance(timedelta(hours=7))
        assert await service.sync_shipments() == 1
        body = (await api.call("GET", f"/applications/{app['id']}/delivery", alice)).json()
        assert [e["status"] for e in body["events"]] == ["shipped", "collected", "in_transit"]
        # the dev endpoint pushes it on
        for expected in ("out_for_delivery", "delivered"):
            r = await api.client.post("/courier-sim/dev/advance", json={"tracking_no": body["tracking_no"]})
            assert r.status_code == 200 and r.json()["status"] == expected
        assert r.json()["finished_at"] and "13912345678" not in r.text
        assert await service.sync_shipments() == 0
        detail = (await api.call("GET", f"/applications/{app['id']}", alice)).json()
        steps = [e["data"].get("status") for e in detail["timeline"] if e["action"] == "delivery"]
        assert steps == ["shipped", "collected", "in_transit", "out_for_delivery", "delivered"]
        inbox = (await api.call("GET", "/messages", alice)).json()["items"]
        assert any("已签收" in m["title"] for m in inbox) and any("运输中" in m["title"] for m in inbox)
        sent = sim.get("dev/messages", params={"touser": alice.openid}).json()["messages"]
        assert [m["data"]["phrase2"]["value"] for m in sent if m["template_id"] == "SJT-TPL-DELIVERY"] == [
            "已交寄", "已揽收", "运输中", "派送中", "已签收"]

    async def test_default_pickup_then_handover_at_the_hall(self, api, item, alice, reviewer, hall):
        done = await completed(api, alice, item, reviewer)
        body = (await api.call("GET", f"/applications/{done['id']}/delivery", alice)).json()
        assert body["method"] == "pickup" and body["status"] == "ready" and len(body["pickup_code"]) == 6
        assert body["changeable"] is True
        # the code reaches the applicant's own message only: timelines and delivery events are seen by staff
        code = body["pickup_code"]
        assert code not in str(body["events"])
        review = (await api.call("GET", f"/review/applications/{done['id']}", reviewer)).json()
        assert code not in str(review) and "凭取件码领取" in str(review)
        from app.notifications.models import Message
        assert await Message.filter(account_id=alice.id, kind="delivery", body__contains=code).exists()
        elsewhere = await make_account("counter", hall_id=uuid.uuid4())
        r = await api.call("POST", "/counter/deliveries/pickup", elsewhere, json={"pickup_code": body["pickup_code"]})
        assert r.status_code == 403 and r.json()["error"]["code"] == "WRONG_HALL"
        desk = await make_account("counter", hall_id=hall.id)
        r = await api.call("POST", "/counter/deliveries/pickup", desk, json={"pickup_code": "000000"})
        assert r.status_code == 404
        r = await api.call("POST", "/counter/deliveries/pickup", desk, json={"pickup_code": body["pickup_code"]})
        assert r.status_code == 200 and r.json()["status"] == "picked_up" and r.json()["pickup_code"] is None
        r = await api.call("POST", "/counter/deliveries/pickup", desk, json={"pickup_code": body["pickup_code"]})
        assert r.status_code == 404
        r = await api.call("POST", f"/applications/{done['id']}/delivery", alice, json={"method": "mail", "address": ADDRESS})
        assert r.status_code == 409

    async def test_ready_at_the_hall_can_still_switch_to_mail(self, api, item, alice, reviewer):
        done = await completed(api, alice, item, reviewer)
        r = await api.call("POST", f"/applications/{done['id']}/delivery", alice, json={"method": "mail", "address": ADDRESS})
        assert r.status_code == 200 and r.json()["status"] == "shipped" and r.json()["pickup_code"] is None
        assert [e["status"] for e in r.json()["events"]] == ["ready", "shipped"]

    async def test_not_deliverable_completion_creates_nothing(self, api, cal, alice, reviewer):
        plain = await make_application_item()
        done = await completed(api, alice, plain, reviewer)
        assert not await Delivery.exists(application_id=done["id"])

    async def test_deliverable_item_without_a_hall_completes_without_a_delivery(self, api, cal, alice, reviewer):
        hall_less = await make_application_item(deliverable=True)
        done = await completed(api, alice, hall_less, reviewer)
        assert done["status"] == "completed" and not await Delivery.exists(application_id=done["id"])

    async def test_unknown_tracking_number_is_404(self, api, item):
        r = await api.client.post("/courier-sim/dev/advance", json={"tracking_no": "SIM000"})
        assert r.status_code == 404


async def _mail_case_completed(api, account, item, reviewer) -> dict:
    """A case whose applicant chose mail, completed by the reviewer (the completion answer)."""
    app = await api.accepted(account, item, reviewer)
    r = await api.call("POST", f"/applications/{app['id']}/delivery", account, json={"method": "mail", "address": ADDRESS})
    assert r.status_code == 200, r.text
    assert (await api.review(reviewer, app["id"], "approve")).status_code == 200
    r = await api.review(reviewer, app["id"], "complete")
    assert r.status_code == 200, r.text
    return r.json()


class FlakyCourier:
    """Wraps the simulated courier: fails while `down`, counts the orders it took, and notes whether it
    was called inside a transaction."""

    def __init__(self, monkeypatch):
        from app.delivery import couriers

        self.real = couriers._SIMULATED.create_shipment
        self.down, self.failed, self.orders, self.in_transaction = False, 0, [], []
        monkeypatch.setattr(couriers._SIMULATED, "create_shipment", self)

    async def __call__(self, **kw) -> str:
        from app.core import transactions

        self.in_transaction.append(transactions._after_commit.get() is not None)
        if self.down:
            self.failed += 1
            raise ConnectionError("courier unreachable")
        self.orders.append(await self.real(**kw))
        return self.orders[-1]


class TestCourierAfterCommit:
    async def test_completion_commits_although_the_courier_fails_then_ships_once(self, api, item, alice, reviewer,
                                                                               monkeypatch):
        from app.applications.models import Application

        courier = FlakyCourier(monkeypatch)
        courier.down = True
        done = await _mail_case_completed(api, alice, item, reviewer)
        assert done["status"] == "completed" and (await Application.get(id=done["id"])).status.value == "completed"
        assert courier.failed >= 1 and courier.orders == []  # tried (and retried) after the commit
        body = (await api.call("GET", f"/applications/{done['id']}/delivery", alice)).json()
        assert (body["status"], body["status_label"], body["tracking_no"], body["changeable"]) == (
            "dispatching", "待交寄", None, False)
        assert body["events"] == []
        r = await api.call("POST", f"/applications/{done['id']}/delivery", alice, json={"method": "pickup"})
        assert r.status_code == 409 and r.json()["error"]["code"] == "DELIVERY_DISPATCHED"
        # the courier is back: the scheduled retry picks it up once it has waited a while
        courier.down = False
        assert await service.retry_dispatching() == 0
        clock.advance(service.RETRY_AFTER + timedelta(seconds=1))
        assert await service.retry_dispatching() == 1
        body = (await api.call("GET", f"/applications/{done['id']}/delivery", alice)).json()
        assert body["status"] == "shipped" and body["tracking_no"] == courier.orders[0]
        assert body["tracking_no"].startswith("SIM") and body["dispatched_at"]
        assert [e["status"] for e in body["events"]] == ["shipped"]
        # nothing runs twice: no further retries, a repeated task is a no-op
        clock.advance(service.RETRY_AFTER * 2)
        assert await service.retry_dispatching() == 0
        assert await service.create_shipment(delivery_id=body["id"]) == "skipped"
        assert len(courier.orders) == 1 and not any(courier.in_transaction)
        inbox = (await api.call("GET", "/messages", alice)).json()["items"]
        assert sum("已交寄" in m["title"] for m in inbox) == 1
        timeline = (await api.call("GET", f"/applications/{done['id']}", alice)).json()["timeline"]
        assert [e["data"].get("tracking_no") for e in timeline if e["action"] == "delivery"] == [courier.orders[0]]

    async def test_the_courier_is_called_after_the_commit(self, api, item, alice, reviewer, monkeypatch):
        courier = FlakyCourier(monkeypatch)
        done = await _mail_case_completed(api, alice, item, reviewer)
        body = (await api.call("GET", f"/applications/{done['id']}/delivery", alice)).json()
        assert body["status"] == "shipped" and body["tracking_no"] == courier.orders[0]
        assert courier.in_transaction == [False]

    async def test_concurrent_runs_give_one_order(self, api, item, alice, reviewer, monkeypatch):
        import asyncio

        courier = FlakyCourier(monkeypatch)
        courier.down = True
        done = await _mail_case_completed(api, alice, item, reviewer)
        courier.down = False
        delivery = await Delivery.get(application_id=done["id"])
        real = courier.real

        async def slow(**kw):
            await asyncio.sleep(0.05)
            return await real(**kw)

        courier.real = slow
        results = await asyncio.gather(*[service.create_shipment(delivery_id=delivery.id) for _ in range(3)])
        assert sorted(results) == ["busy", "busy", "shipped"] and len(courier.orders) == 1
        assert (await Delivery.get(id=delivery.id)).tracking_no == courier.orders[0]

    async def test_switching_a_ready_result_to_mail_calls_the_courier_after_commit(self, api, item, alice, reviewer,
                                                                                 monkeypatch):
        done = await completed(api, alice, item, reviewer)
        courier = FlakyCourier(monkeypatch)
        courier.down = True
        r = await api.call("POST", f"/applications/{done['id']}/delivery", alice, json={"method": "mail", "address": ADDRESS})
        assert r.status_code == 200 and r.json()["status"] == "dispatching" and r.json()["pickup_code"] is None
        assert courier.failed >= 1 and not any(courier.in_transaction)

    def test_retry_is_scheduled(self):
        from app.delivery.tasks import create_shipment, retry_dispatching

        assert retry_dispatching.labels["schedule"] == [{"cron": "*/5 * * * *"}]
        assert create_shipment.labels["retry_on_error"] is True

    async def test_simulated_courier_is_idempotent_on_the_reference(self, rt):
        from app.delivery import couriers

        sim = couriers.SimulatedCourier()
        first = await sim.create_shipment(reference="app-1", **ADDRESS)
        assert await sim.create_shipment(reference="app-1", **ADDRESS) == first
        assert await sim.create_shipment(reference="app-2", **ADDRESS) != first
        assert await sim.track(tracking_no=first) == "shipped"
