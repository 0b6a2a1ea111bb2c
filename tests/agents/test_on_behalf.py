"""Acting on behalf on every path: within scope it works and records both people; out of scope,
expired, revoked, another agent's delegation and another point's agent are 403 with nothing written."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest

from app.agents import service as agents
from app.applications import review
from app.applications import service as applications
from app.applications.models import Application, ApplicationEvent
from app.appointments.models import Appointment
from app.calendar import service as calendar
from app.core import clock
from app.delivery.models import Delivery, Method
from app.files.models import File
from app.notifications.models import Message
from app.payments.models import PaymentOrder
from app.seed import load_json
from tests.agents.test_delegations import _delegation, _new_id, _resident
from tests.factories import (GOOD_FORM, auth_headers, complete_materials, make_agent, make_application_item,
                             make_hall, make_point, make_reviewer, make_slot, png_bytes)

API = "/api/v1"
DAY = date(2026, 11, 3)


@dataclass
class World:
    agent: object
    resident: object
    reviewer: object
    delegation: object
    item: object  # in the delegation's scope
    other: object  # outside it
    hall: object
    slots: dict
    id_number: str


@pytest.fixture
async def world(rt):
    calendar.invalidate()
    await calendar.load_year(data=load_json("holidays-cn-2026.json"))
    clock.freeze(datetime(2026, 11, 2, 10, 0))  # Monday
    hall = await make_hall()
    item = await make_application_item(fee_fen=2500, bookable=True, deliverable=True)
    other = await make_application_item(fee_fen=2500, bookable=True, deliverable=True)
    await item.halls.add(hall)
    await other.halls.add(hall)
    slots = {item.code: await make_slot(hall=hall, day=DAY, item_codes=[item.code]),
             other.code: await make_slot(hall=hall, day=DAY, start="10:00", end="10:30", item_codes=[other.code])}
    id_number = _new_id()
    agent, resident = await make_agent(display_name="赵丽"), await _resident(real_name="李桂花", id_number=id_number)
    delegation = await _delegation(agent, resident, items=[item.code])
    yield World(agent=agent, resident=resident, reviewer=await make_reviewer(), delegation=delegation, item=item,
                other=other, hall=hall, slots=slots, id_number=id_number)
    calendar.invalidate()


# --- the records each path works on (made by the resident themself, so refusals have a target) ------

async def _draft(w: World, item, *, complete: bool = False):
    materials = await complete_materials(w.resident) if complete else None
    _, apps = await applications.create(applicant_id=w.resident.id, item_code=item.code, form=dict(GOOD_FORM),
                                        materials=materials)
    return apps[0]


async def _submitted(w: World, item):
    app = await _draft(w, item, complete=True)
    return await applications.submit(application_id=app.id, applicant_id=w.resident.id)


async def _accepted(w: World, item):
    app = await _submitted(w, item)
    return await review.accept(application_id=app.id, reviewer=w.reviewer)


async def _file(w: World, item):
    from app.files import service as files

    return await files.store_upload(owner_id=w.resident.id, actor_id=w.resident.id, data=png_bytes(),
                                    filename="户口本.png")


async def _booked(w: World, item):
    from app.appointments import service as appointments

    appt, _ = await appointments.book(principal_id=w.resident.id, actor_id=w.resident.id, hall_id=w.hall.id,
                                      item_code=item.code, slot_id=w.slots[item.code].id, idempotency_key=None)
    return appt


async def _pickup_chosen(w: World, item):
    from app.delivery import service as delivery

    app = await _draft(w, item)
    await delivery.choose(application_id=app.id, applicant_id=w.resident.id, method=Method.PICKUP)
    return app


async def _order(w: World, item):
    from app.payments import service as payments

    app = await _accepted(w, item)
    return await payments.create_order(account_id=w.resident.id, actor_id=w.resident.id, openid=None,
                                       application_id=app.id, channel="native", idempotency_key=None)


# --- the paths: (prepare the target, send the agent's request, check both people were recorded) -----

async def _create(client, w, h, item, _):
    return await client.post(f"{API}/applications", json={"item_code": item.code, "form": GOOD_FORM}, headers=h)


async def _check_create(w, r, _):
    app = await Application.get(id=r.json()["items"][0]["id"])
    assert (app.applicant_id, app.actor_id, app.agent_id) == (w.resident.id, w.agent.id, w.agent.id)
    event = await ApplicationEvent.get(application_id=app.id, action="created")
    assert (event.actor_id, event.on_behalf_of) == (w.agent.id, w.resident.id)


async def _patch(client, w, h, item, app):
    return await client.patch(f"{API}/applications/{app.id}", json={"form": {**GOOD_FORM, "copies": 2}}, headers=h)


async def _check_patch(w, r, app):
    assert r.json()["form"]["copies"] == 2
    event = await ApplicationEvent.get(application_id=app.id, action="agent_update")
    assert (event.actor_id, event.on_behalf_of) == (w.agent.id, w.resident.id)


async def _submit(client, w, h, item, app):
    return await client.post(f"{API}/applications/{app.id}/submit", headers=h)


async def _check_submit(w, r, app):
    assert r.json()["status"] == "submitted"
    event = await ApplicationEvent.get(application_id=app.id, action="submit")
    assert (event.actor_id, event.on_behalf_of) == (w.agent.id, w.resident.id)
    assert await Message.filter(account_id=w.resident.id, kind="application_status", ref=str(app.id)).exists()


async def _withdraw(client, w, h, item, app):
    return await client.post(f"{API}/applications/{app.id}/withdraw", json={"reason": "居民不再需要"}, headers=h)


async def _check_withdraw(w, r, app):
    assert r.json()["status"] == "withdrawn"
    event = await ApplicationEvent.get(application_id=app.id, action="withdraw")
    assert (event.actor_id, event.on_behalf_of) == (w.agent.id, w.resident.id)
    assert await Message.filter(account_id=w.resident.id, ref=str(app.id)).exists()


async def _upload(client, w, h, item, _):
    return await client.post(f"{API}/files", files={"file": ("户口本.png", png_bytes(), "image/png")}, headers=h)


async def _check_upload(w, r, _):
    row = await File.get(id=r.json()["id"])
    assert (row.owner_id, row.uploaded_by) == (w.resident.id, w.agent.id)


async def _read(client, w, h, item, f):
    return await client.get(f"{API}/files/{f.id}", headers=h)


async def _check_read(w, r, f):
    assert r.json()["owner_id"] == str(w.resident.id)


async def _book(client, w, h, item, _):
    body = {"hall_id": str(w.hall.id), "item_code": item.code, "slot_id": str(w.slots[item.code].id)}
    return await client.post(f"{API}/appointments", json=body, headers=h)


async def _check_book(w, r, _):
    appt = await Appointment.get(id=r.json()["id"])
    assert (appt.principal_id, appt.actor_id, appt.delegation_id) == (w.resident.id, w.agent.id, w.delegation.id)


async def _cancel(client, w, h, item, appt):
    return await client.post(f"{API}/appointments/{appt.id}/cancel", headers=h)


async def _check_cancel(w, r, appt):
    assert (await Appointment.get(id=appt.id)).status.value == "cancelled"


async def _choose_delivery(client, w, h, item, app):
    return await client.post(f"{API}/applications/{app.id}/delivery", json={"method": "pickup"}, headers=h)


async def _check_choose_delivery(w, r, app):
    assert r.json()["method"] == "pickup" and r.json()["hall_name"] == w.hall.name
    row = await Delivery.get(application_id=app.id)
    assert row.applicant_id == w.resident.id
    event = await ApplicationEvent.get(application_id=app.id, action="delivery_chosen")
    assert (event.actor_id, event.on_behalf_of) == (w.agent.id, w.resident.id)


async def _read_delivery(client, w, h, item, app):
    return await client.get(f"{API}/applications/{app.id}/delivery", headers=h)


async def _check_read_delivery(w, r, app):
    assert r.json()["application_id"] == str(app.id) and r.json()["status"] == "pending"


async def _pay(client, w, h, item, app):
    return await client.post(f"{API}/payments", json={"application_id": str(app.id), "channel": "native"}, headers=h)


async def _check_pay(w, r, app):
    order = await PaymentOrder.get(id=r.json()["id"])
    assert (order.payer_account_id, order.actor_account_id) == (w.resident.id, w.agent.id)
    assert r.json()["code_url"]  # Native: the resident scans and pays


async def _query(client, w, h, item, order):
    return await client.get(f"{API}/payments/{order.id}", headers=h)


async def _check_query(w, r, order):
    assert r.json()["payer_account_id"] == str(w.resident.id) and r.json()["state"] == "created"


PATHS = {
    "applications.create": (None, _create, _check_create, 201),
    "applications.patch": (_draft, _patch, _check_patch, 200),
    "applications.submit": (lambda w, i: _draft(w, i, complete=True), _submit, _check_submit, 200),
    "applications.withdraw": (_submitted, _withdraw, _check_withdraw, 200),
    "files.upload": (None, _upload, _check_upload, 201),
    "files.read": (_file, _read, _check_read, 200),
    "appointments.book": (None, _book, _check_book, 201),
    "appointments.cancel": (_booked, _cancel, _check_cancel, 200),
    "delivery.choose": (_draft, _choose_delivery, _check_choose_delivery, 200),
    "delivery.read": (_pickup_chosen, _read_delivery, _check_read_delivery, 200),
    "payments.create": (_accepted, _pay, _check_pay, 201),
    "payments.query": (_order, _query, _check_query, 200),
}
ITEMLESS = {"files.upload", "files.read"}  # a file is not tied to an item: scope does not apply
REFUSALS = {"out_of_scope": "DELEGATION_OUT_OF_SCOPE", "expired": "DELEGATION_EXPIRED",
            "revoked": "DELEGATION_REVOKED", "other_agent": "DELEGATION_INVALID",
            "other_point": "DELEGATION_OTHER_POINT"}


async def snapshot() -> tuple:
    """Everything an on-behalf request could write."""
    return (await Application.all().count(), await ApplicationEvent.all().count(), await File.all().count(),
            await Appointment.all().count(), await PaymentOrder.all().count(),
            tuple(sorted((str(d.id), d.method.value, d.status.value, str(d.updated_at)) for d in await Delivery.all())),
            tuple(sorted((str(a.id), a.status.value, a.form_enc, str(a.updated_at)) for a in await Application.all())),
            tuple(sorted((str(a.id), a.status.value) for a in await Appointment.all())))


class TestMatrix:
    @pytest.mark.parametrize("path", sorted(PATHS))
    async def test_within_scope_works_and_records_both_people(self, client, sim, world, path):
        prepare, act, check, status = PATHS[path]
        target = await prepare(world, world.item) if prepare else None
        headers = {**await auth_headers(world.agent), "X-On-Behalf-Of": str(world.delegation.id)}
        r = await act(client, world, headers, world.item, target)
        assert r.status_code == status, r.text
        await check(world, r, target)

    # Files carry no item, so "out of scope" does not apply to them (only the delegation's validity).
    @pytest.mark.parametrize("path,case", [(p, c) for p in sorted(PATHS) for c in sorted(REFUSALS)
                                           if not (c == "out_of_scope" and p in ITEMLESS)])
    async def test_refused_with_nothing_written(self, client, sim, world, path, case):
        prepare, act, _, _ = PATHS[path]
        item = world.other if case == "out_of_scope" else world.item
        target = await prepare(world, item) if prepare else None
        actor, delegation_id = world.agent, world.delegation.id
        if case == "expired":
            clock.advance(timedelta(days=31))
        elif case == "revoked":
            await agents.revoke(account=world.resident, delegation_id=delegation_id)
        elif case == "other_agent":
            actor = await make_agent(await agents.get_point(point_id=world.agent.service_point_id))  # same point
        elif case == "other_point":
            world.agent.service_point_id = (await make_point()).id
            await world.agent.save()
        before = await snapshot()
        headers = {**await auth_headers(actor), "X-On-Behalf-Of": str(delegation_id)}
        r = await act(client, world, headers, item, target)
        assert r.status_code == 403, r.text
        assert r.json()["error"]["code"] == REFUSALS[case]
        assert await snapshot() == before


class TestOtherRefusals:
    async def test_agent_without_header_is_told_to_name_the_principal(self, client, world):
        r = await client.post(f"{API}/applications", json={"item_code": world.item.code},
                              headers=await auth_headers(world.agent))
        assert r.status_code == 403 and r.json()["error"]["code"] == "ON_BEHALF_REQUIRED"

    async def test_resident_cannot_use_the_header(self, client, world):
        r = await client.post(f"{API}/applications", json={"item_code": world.item.code},
                              headers={**await auth_headers(world.resident), "X-On-Behalf-Of": str(world.delegation.id)})
        assert r.status_code == 403 and r.json()["error"]["code"] == "NOT_AN_AGENT"

    async def test_bundle_needs_every_item_in_scope(self, client, world):
        from tests.factories import make_bundle

        bundle = await make_bundle([world.item, world.other])
        before = await snapshot()
        r = await client.post(f"{API}/applications", json={"bundle_code": bundle.code},
                              headers={**await auth_headers(world.agent), "X-On-Behalf-Of": str(world.delegation.id)})
        assert r.status_code == 403 and r.json()["error"]["code"] == "DELEGATION_OUT_OF_SCOPE"
        assert await snapshot() == before

    async def test_another_residents_case_is_404(self, client, world):
        stranger = await _resident()
        _, apps = await applications.create(applicant_id=stranger.id, item_code=world.item.code)
        r = await client.get(f"{API}/applications/{apps[0].id}",
                             headers={**await auth_headers(world.agent), "X-On-Behalf-Of": str(world.delegation.id)})
        assert r.status_code == 404

    async def test_another_residents_delivery_is_404(self, client, world):
        from app.delivery import service as delivery

        stranger = await _resident()
        _, apps = await applications.create(applicant_id=stranger.id, item_code=world.item.code)
        await delivery.choose(application_id=apps[0].id, applicant_id=stranger.id, method=Method.PICKUP)
        headers = {**await auth_headers(world.agent), "X-On-Behalf-Of": str(world.delegation.id)}
        before = await snapshot()
        r = await client.get(f"{API}/applications/{apps[0].id}/delivery", headers=headers)
        assert r.status_code == 404
        r = await client.post(f"{API}/applications/{apps[0].id}/delivery", json={"method": "pickup"}, headers=headers)
        assert r.status_code == 404
        assert await snapshot() == before

    async def test_agent_without_header_cannot_choose_delivery(self, client, world):
        app = await _draft(world, world.item)
        r = await client.post(f"{API}/applications/{app.id}/delivery", json={"method": "pickup"},
                              headers=await auth_headers(world.agent))
        assert r.status_code == 403 and r.json()["error"]["code"] == "ON_BEHALF_REQUIRED"

    async def test_case_another_agent_handles_is_theirs(self, client, world):
        point = await agents.get_point(point_id=world.agent.service_point_id)
        colleague = await make_agent(point)
        second = await _delegation(colleague, world.resident, items=[world.item.code])
        made = await client.post(f"{API}/applications", json={"item_code": world.item.code, "form": GOOD_FORM},
                                 headers={**await auth_headers(colleague), "X-On-Behalf-Of": str(second.id)})
        app_id = made.json()["items"][0]["id"]
        headers = {**await auth_headers(world.agent), "X-On-Behalf-Of": str(world.delegation.id)}
        r = await client.post(f"{API}/applications/{app_id}/delivery", json={"method": "pickup"}, headers=headers)
        assert r.status_code == 403 and r.json()["error"]["code"] == "CASE_OTHER_AGENT"


class TestSpec:
    """The committed OpenAPI spec documents `X-On-Behalf-Of` on every operation of the matrix."""

    OPERATIONS = [("post", "/api/v1/applications"), ("patch", "/api/v1/applications/{application_id}"),
                  ("post", "/api/v1/applications/{application_id}/submit"),
                  ("post", "/api/v1/applications/{application_id}/withdraw"),
                  ("post", "/api/v1/files"), ("get", "/api/v1/files/{file_id}"), ("post", "/api/v1/appointments"),
                  ("post", "/api/v1/appointments/{appointment_id}/cancel"), ("post", "/api/v1/payments"),
                  ("get", "/api/v1/payments/{payment_id}"),
                  ("post", "/api/v1/applications/{application_id}/delivery"),
                  ("get", "/api/v1/applications/{application_id}/delivery")]

    @pytest.mark.parametrize("method,path", OPERATIONS)
    def test_header_is_documented(self, method, path):
        from tests.security.spec import spec

        op = spec()["paths"][path][method]
        [header] = [p for p in op.get("parameters", []) if p["in"] == "header" and p["name"] == "X-On-Behalf-Of"]
        assert header["required"] is False and "DELEGATION_EXPIRED" in header["description"]
        assert {"403", "422"} <= set(op["responses"])


class TestLicences:
    async def test_wallet_refuses_the_header(self, client, world):
        headers = {**await auth_headers(world.resident), "X-On-Behalf-Of": str(world.delegation.id)}
        r = await client.get(f"{API}/wallet/licenses", headers=headers)
        assert r.status_code == 403 and r.json()["error"]["code"] == "ON_BEHALF_NOT_ALLOWED"
        r = await client.get(f"{API}/wallet/licenses", headers=await auth_headers(world.agent))
        assert r.status_code == 403  # agents have no wallet of their own either

    async def test_agent_references_the_principals_licence_at_submit(self, client, world):
        from tests.factories import make_licence

        licence = await make_licence("id_card", holder_number=world.id_number, holder_name="李桂花")
        app = await _draft(world, world.item, complete=True)
        headers = {**await auth_headers(world.agent), "X-On-Behalf-Of": str(world.delegation.id)}
        r = await client.patch(f"{API}/applications/{app.id}",
                               json={"materials": {"M01": {"license_id": str(licence.id)}}}, headers=headers)
        assert r.status_code == 200, r.text
        r = await client.post(f"{API}/applications/{app.id}/submit", headers=headers)
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "submitted"


class TestResidentSeesEverything:
    async def test_agent_made_case_is_in_the_residents_list_with_notifications(self, client, world):
        headers = {**await auth_headers(world.agent), "X-On-Behalf-Of": str(world.delegation.id)}
        materials = {}
        for code in ("M01", "M02"):
            up = await client.post(f"{API}/files", files={"file": (f"{code}.png", png_bytes(), "image/png")},
                                   headers=headers)
            materials[code] = {"file_ids": [up.json()["id"]]}
        r = await client.post(f"{API}/applications", json={"item_code": world.item.code, "form": GOOD_FORM,
                                                            "materials": materials}, headers=headers)
        app_id = r.json()["items"][0]["id"]
        r = await client.post(f"{API}/applications/{app_id}/submit", headers=headers)
        assert r.status_code == 200, r.text
        mine = await client.get(f"{API}/applications", headers=await auth_headers(world.resident))
        assert [a["id"] for a in mine.json()["items"]] == [app_id]
        assert mine.json()["items"][0]["agent_id"] == str(world.agent.id)
        inbox = await client.get(f"{API}/messages", headers=await auth_headers(world.resident))
        assert inbox.status_code == 200 and any(m.get("ref") == app_id for m in inbox.json()["items"])
        # the resident reads the files uploaded in their name
        file_id = materials["M01"]["file_ids"][0]
        r = await client.get(f"{API}/files/{file_id}", headers=await auth_headers(world.resident))
        assert r.status_code == 200 and r.json()["uploaded_by"] == str(world.agent.id)


class TestRevocation:
    async def test_takes_effect_on_the_next_request(self, client, world):
        headers = {**await auth_headers(world.agent), "X-On-Behalf-Of": str(world.delegation.id)}
        r = await client.post(f"{API}/applications", json={"item_code": world.item.code, "form": GOOD_FORM},
                              headers=headers)
        assert r.status_code == 201
        app_id = r.json()["items"][0]["id"]
        r = await client.delete(f"{API}/delegations/{world.delegation.id}",
                                headers=await auth_headers(world.resident))
        assert r.status_code == 200
        r = await client.get(f"{API}/applications/{app_id}", headers=headers)
        assert r.status_code == 403 and r.json()["error"]["code"] == "DELEGATION_REVOKED"

    async def test_in_flight_cases_stay_with_the_resident(self, client, world):
        headers = {**await auth_headers(world.agent), "X-On-Behalf-Of": str(world.delegation.id)}
        app = await _draft(world, world.item, complete=True)
        r = await client.post(f"{API}/applications/{app.id}/submit", headers=headers)
        assert r.status_code == 200
        made = await client.post(f"{API}/applications", json={"item_code": world.item.code, "form": GOOD_FORM},
                                 headers=headers)
        made_id = made.json()["items"][0]["id"]
        await agents.revoke(account=world.resident, delegation_id=world.delegation.id)
        # the cases keep their state and belong to the resident, who carries on alone
        assert (await Application.get(id=app.id)).status.value == "submitted"
        assert (await Application.get(id=made_id)).agent_id is None  # off the agent's workbench
        cases = await client.get(f"{API}/agent/cases", headers=await auth_headers(world.agent))
        assert cases.json()["items"] == []
        mine = await auth_headers(world.resident)
        r = await client.patch(f"{API}/applications/{made_id}", json={"form": {**GOOD_FORM, "copies": 3}}, headers=mine)
        assert r.status_code == 200
        r = await client.post(f"{API}/applications/{app.id}/withdraw", json={"reason": "自己办"}, headers=mine)
        assert r.status_code == 200 and r.json()["status"] == "withdrawn"

    async def test_appointments_stop_too(self, client, world):
        headers = {**await auth_headers(world.agent), "X-On-Behalf-Of": str(world.delegation.id)}
        booked = await _book(client, world, headers, world.item, None)
        assert booked.status_code == 201
        appt_id = booked.json()["id"]
        assert (await client.get(f"{API}/appointments/{appt_id}", headers=headers)).status_code == 200
        await agents.revoke(account=world.resident, delegation_id=world.delegation.id)
        r = await client.get(f"{API}/appointments/{appt_id}", headers=headers)
        assert r.status_code == 403 and r.json()["error"]["code"] == "DELEGATION_REVOKED"
        r = await client.get(f"{API}/appointments/{appt_id}", headers=await auth_headers(world.agent))
        assert r.status_code == 403 and r.json()["error"]["code"] == "ON_BEHALF_REQUIRED"
        r = await client.post(f"{API}/appointments/{appt_id}/cancel", headers=await auth_headers(world.resident))
        assert r.status_code == 200 and r.json()["status"] == "cancelled"  # the resident keeps it in hand
