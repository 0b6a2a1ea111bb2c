"""BOLA matrix: every operation in the OpenAPI spec whose path names a resource is called with a
SECOND account's token on a resource the first account owns: 100% 403/404 (never 2xx, never 409/422
that would reveal the record). The owner gets through on the same call (the resource is real).

Generic over the spec: an operation with a path parameter that neither RESOURCES nor CAPABILITIES
explains fails the test until someone adds how to create that resource."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.core import clock
from app.identity.models import Role
from app.notifications import service as notifications
from tests.appointments.conftest import DAY, NOW
from tests.factories import (
    auth_headers, make_account, make_agent, make_application_item, make_bookable_item, make_hall, make_licence,
    make_slot, png_bytes, random_id_number,
)
from tests.security.spec import PARAM, body_schema, operations, sample


async def _message(owner) -> str:
    message = await notifications.notify(account_id=owner.id, kind="system", title="测试消息", body="正文")
    return str(message.id)


async def _application(owner) -> str:
    from app.applications import service as applications

    item = await make_application_item()
    _, apps = await applications.create(applicant_id=owner.id, item_code=item.code)
    return str(apps[0].id)


async def _file(owner) -> str:
    from app.files import service as files

    record = await files.store_upload(owner_id=owner.id, actor_id=owner.id, data=png_bytes(), filename="a.png")
    return str(record.id)


async def _appointment(owner) -> str:
    from app.appointments.service import booking

    clock.freeze(NOW)
    hall = await make_hall()
    item = await make_bookable_item(halls=[hall])
    slot = await make_slot(hall=hall, day=DAY, capacity=3)
    appt, _ = await booking.book(principal_id=owner.id, actor_id=owner.id, hall_id=hall.id, item_code=item.code,
                                 slot_id=slot.id)
    return str(appt.id)


async def _waitlist_entry(owner) -> str:
    from app.appointments.service import booking, waitlist

    clock.freeze(NOW)
    hall = await make_hall()
    item = await make_bookable_item(halls=[hall])
    slot = await make_slot(hall=hall, day=DAY, capacity=1)
    other = await make_account()
    await booking.book(principal_id=other.id, actor_id=other.id, hall_id=hall.id, item_code=item.code, slot_id=slot.id)
    entry, _ = await waitlist.join(principal_id=owner.id, actor_id=owner.id, hall_id=hall.id, slot_id=slot.id,
                                   item_code=item.code)
    return str(entry.id)


async def _consultation(owner) -> str:
    from app.feedback import service as feedback

    item = await make_application_item()
    row = await feedback.ask(applicant_id=owner.id, kind="consultation", title="咨询办理条件",
                             content="请问需要哪些材料？", item_code=item.code)
    return str(row.id)


async def _delegation(owner) -> str:
    from app.agents import service as agents

    await _with_id_number(owner)
    agent = await make_agent()
    request = await agents.request_delegation(agent=agent, items=None, days=30)
    delegation = await agents.confirm_delegation(ticket=request["ticket"], resident=owner)
    return str(delegation.id)


async def _with_id_number(owner) -> str:
    from app.core.crypto import blind_index, encrypt

    number = random_id_number()
    owner.id_number_enc = encrypt(number, context="id_number")
    owner.id_number_index = blind_index(number, kind="id_number")
    owner.realname_level = 2
    await owner.save()
    return number


async def _licence(owner) -> str:
    licence = await make_licence("driving_license", holder_number=await _with_id_number(owner))
    return str(licence.id)


async def _grant(owner) -> str:
    from app.licenses import grants

    licence_id = await _licence(owner)
    grant, _ = await grants.create_grant(account_id=owner.id, licence_id=licence_id, purpose="validity",
                                         until=clock.now() + timedelta(days=1), grantee_name="测试银行")
    return str(grant.id)


async def _pending_offline(agent) -> str:
    from app.agents import service as agents
    from app.files import service as files

    form = await files.store_upload(owner_id=agent.id, actor_id=agent.id, data=png_bytes(), filename="form.png")
    pending = await agents.start_offline(agent=agent, name="张晓明", id_number=random_id_number(),
                                         phone="13800138000", form_file_id=form.id, items=None, days=30)
    return str(pending["pending_id"])


async def _payment(owner) -> str:
    # A paid order as the payments domain records it (placing one goes through the WeChat Pay
    # simulator: tests/payments); the application fee itself is not what is under test here.
    import uuid

    from app.payments.models import PaymentOrder, PaymentState

    order = await PaymentOrder.create(
        application_id=uuid.UUID(await _application(owner)), payer_account_id=owner.id, actor_account_id=owner.id,
        channel="jsapi", amount_fen=2500, description="测试缴费", out_trade_no=uuid.uuid4().hex[:32],
        state=PaymentState.PAID, paid_at=clock.now(), expires_at=clock.now() + timedelta(hours=2))
    return str(order.id)


# path parameter -> (role of the owner and of the intruder, how the owner's resource is made)
RESOURCES = {
    "message_id": (Role.RESIDENT, _message),
    "application_id": (Role.RESIDENT, _application),
    "file_id": (Role.RESIDENT, _file),
    "appointment_id": (Role.RESIDENT, _appointment),
    "entry_id": (Role.RESIDENT, _waitlist_entry),
    "consultation_id": (Role.RESIDENT, _consultation),
    "delegation_id": (Role.RESIDENT, _delegation),
    "licence_id": (Role.RESIDENT, _licence),
    "grant_id": (Role.RESIDENT, _grant),
    "pending_id": (Role.AGENT, _pending_offline),
    "payment_id": (Role.RESIDENT, _payment),
}

# How an account of a role is made when a plain one would be stopped before ownership is checked.
ACCOUNTS = {Role.AGENT: make_agent}

# Request bodies where the generic schema sample would be refused before the handler runs.
BODIES = {
    ("POST", "/api/v1/delegations/offline/{pending_id}/verify"): lambda: {"code": "000000"},
    ("POST", "/api/v1/wallet/licenses/{licence_id}/grants"): lambda: {
        "purpose": "validity", "until": (clock.now() + timedelta(days=1)).isoformat(), "grantee_name": "测试银行"},
}

# Operations on an owned record that the owner's role does not call: staff act on it by their own
# role and scope (covered in each domain's tests). The intruder (same role as the owner) must still
# get 403/404 there, but the owner is not expected to get through.
NOT_FOR_THE_OWNER = {
    re.compile(r"^/api/v1/review/"): "reviewers' desk (role + department scope, tests/applications, tests/feedback)",
    re.compile(r"^/api/v1/agent/cases/"): "agent workbench handover (tests/agents)",
    re.compile(r"^/api/v1/appointments/\{appointment_id\}/serve$"): "counter staff of the hall (tests/appointments)",
    re.compile(r"^/api/v1/licenses/\{licence_id\}/(revoke|suspend|reinstate)$"): "issuing authority (tests/licenses)",
    re.compile(r"^/api/v1/payments/\{payment_id\}/refund$"): "reviewer's refund (tests/payments)",
    re.compile(r"^/api/v1/licenses/granted/"): "the grantee (an account or the holder of the access code), "
                                               "not the holder (tests/licenses)",
    # A fresh case has no delivery choice yet, so its owner also reads 404 DELIVERY_NOT_FOUND here;
    # the owner's path is covered in tests/delivery.
    re.compile(r"^/api/v1/applications/\{application_id\}/delivery$"): "owner reads 404 until a choice is made",
}

# Path parameters that are not owned records but bearer capabilities, with the reason.
CAPABILITIES = {
    # A QR-login ticket is shown by a browser to be scanned by whoever logs in: scanning it with
    # another account is the feature. Polling needs the poll_token only that browser holds.
    "ticket": "QR-login / delegation-request ticket (capability shown as a QR code to the person meant to scan it, "
              "see tests/identity/test_qr.py, tests/agents)",
    "token": "public licence check token printed on a paper copy (public by design, rate limited)",
    "code": "service item / bundle code: public catalogue (editing is catalogue-admin only)",
    "material_code": "material of a public catalogue item",
    "kind": "template/sample kind of a public catalogue material",
    "hall_id": "government service hall: public reference data (slot admin is hall-admin only)",
    "slot_id": "public appointment slot of a hall (joining its waitlist creates an entry owned by the caller)",
    "rule_id": "slot rule: hall administration, admin role only (tests/appointments)",
    "point_id": "agent service point: administration, admin role only (tests/agents)",
    "rectification_id": "rectification order: department's own work item, reviewer role + scope (tests/feedback)",
}
OPERATIONS = [(m, p, op) for m, p, op in operations() if PARAM.search(p)]


def test_every_path_parameter_is_known():
    unknown = {name for _, path, _ in OPERATIONS for name in PARAM.findall(path)
               if name not in RESOURCES and name not in CAPABILITIES}
    assert not unknown, (f"add how to create {sorted(unknown)} to RESOURCES in tests/security/test_bola.py "
                         "(or explain in CAPABILITIES why it is not an owned record)")


@pytest.mark.parametrize("method,path", [(m, p) for m, p, _ in OPERATIONS
                                         if all(n in RESOURCES for n in PARAM.findall(p))])
async def test_another_account_gets_403_or_404(client, method, path):
    op = next(o for m, p, o in OPERATIONS if (m, p) == (method, path))
    params = PARAM.findall(path)
    role = RESOURCES[params[0]][0]
    make = ACCOUNTS.get(role) or (lambda: make_account(role))
    owner, intruder = await make(), await make()
    url = path
    for name in params:
        url = url.replace("{" + name + "}", await RESOURCES[name][1](owner))
    schema = body_schema(op)
    body = BODIES.get((method, path))
    kwargs = {"json": body() if body else sample(schema)} if schema else {}
    r = await client.request(method, url, headers=await auth_headers(intruder), **kwargs)
    assert r.status_code in (403, 404), (method, path, r.status_code, r.text)
    if any(pattern.search(path) for pattern in NOT_FOR_THE_OWNER):
        return
    mine = await client.request(method, url, headers=await auth_headers(owner), **kwargs)
    assert mine.status_code not in (403, 404), (method, path, "the owner must reach it", mine.text)
