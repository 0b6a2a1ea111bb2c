"""Mass assignment: role, state, amounts, ownership and verification levels are never taken from
the client. Generic part: no request body in the spec declares such a field (new endpoints are
covered as they merge); concrete part: the existing write endpoints ignore them when sent."""

from __future__ import annotations

import pytest

from app.identity.models import Account, Role
from tests.factories import auth_headers, bearer, make_account, valid_id_number, wechat_login
from tests.security.spec import body_schema, operations, resolve

# Fields whose value the server decides. A body may only carry one with a reason in ALLOWED.
PROTECTED = {"role", "roles", "state", "status", "owner", "owner_id", "account_id", "amount", "amount_fen",
             "paid", "paid_at", "paid_fen", "fee_fen", "price_fen", "total_fen", "realname_level", "is_shadow",
             "is_admin", "hall_id", "created_at", "updated_at", "id", "applicant_id", "agent_id", "reviewer_id",
             "verified", "verified_at", "refunded_fen"}
# (METHOD, path, field) -> why the client legitimately sends it
# (these paths land with the catalogue, appointments, licences, payments and agents merges)
ALLOWED: dict[tuple[str, str, str], str] = {
    ("POST", "/api/v1/appointments", "hall_id"): "the resident chooses the hall to book at",
    ("POST", "/api/v1/items", "fee_fen"): "admin-only catalogue editing sets the item's fee",
    ("PATCH", "/api/v1/items/{code}", "fee_fen"): "admin-only catalogue editing sets the item's fee",
    ("POST", "/api/v1/licenses/verifiers", "account_id"): "admin designates which account may verify",
    ("POST", "/api/v1/payments/{payment_id}/refund", "amount_fen"):
        "staff refund part of a payment (payments must cap it at the amount paid: check at merge)",
    ("POST", "/api/v1/service-points/{point_id}/agents", "account_id"): "admin assigns an agent to a point",
}

INJECTED = {"role": "admin", "status": "disabled", "state": "approved", "realname_level": 9, "is_shadow": True,
            "account_id": "00000000-0000-0000-0000-000000000001", "owner_id": "00000000-0000-0000-0000-000000000001",
            "amount_fen": 1, "id": "00000000-0000-0000-0000-000000000001", "hall_id": None}


def _props(schema: dict, prefix: str = "") -> list[str]:
    schema = resolve(schema)
    found = []
    for name, prop in schema.get("properties", {}).items():
        found.append(prefix + name)
        inner = resolve(prop)
        if inner.get("type") == "object":
            found += _props(inner, f"{prefix}{name}.")
        if inner.get("type") == "array" and isinstance(inner.get("items"), dict):
            found += _props(inner["items"], f"{prefix}{name}[].")
    return found


def test_no_request_body_declares_a_server_decided_field():
    offending = []
    for method, path, op in operations():
        schema = body_schema(op)
        if schema is None:
            continue
        for name in _props(schema):
            leaf = name.rsplit(".", 1)[-1].removesuffix("[]")
            if leaf in PROTECTED and (method, path, leaf) not in ALLOWED:
                offending.append(f"{method} {path}: {name}")
    assert not offending, "server-decided fields in request bodies (or add a reason to ALLOWED): " + "; ".join(
        offending)


async def _snapshot(account_id) -> dict:
    row = await Account.get(id=account_id)
    return {"role": row.role, "status": row.status, "realname_level": row.realname_level,
            "is_shadow": row.is_shadow, "hall_id": row.hall_id, "id": row.id}


class TestExtraFieldsIgnored:
    async def test_wechat_login(self, client, sim):
        code = sim.post("dev/login-code", json={"openid": "o-mass-1"}).json()["code"]
        r = await client.post("/api/v1/auth/wechat/login", json={"code": code, **INJECTED})
        assert r.status_code in (200, 422), r.text
        if r.status_code == 200:
            assert r.json()["account"]["role"] == "resident"
            row = await Account.get(openid="o-mass-1")
            assert row.role == Role.RESIDENT and row.realname_level < 2 and not row.is_shadow

    async def test_real_name(self, client):
        account = await make_account()
        before = await _snapshot(account.id)
        r = await client.post("/api/v1/me/real-name", headers=await auth_headers(account), json={
            "name": "张三", "id_number": valid_id_number("14010519900315123"), **INJECTED})
        assert r.status_code in (200, 422), r.text
        after = await _snapshot(account.id)
        assert after["role"] == before["role"] and after["status"] == before["status"]
        assert after["realname_level"] in (before["realname_level"], 2) and after["id"] == before["id"]

    async def test_enterprise(self, client):
        account = await make_account(id_number=valid_id_number("14010519800101002"))
        r = await client.post("/api/v1/me/enterprise", headers=await auth_headers(account), json={
            "credit_code": "91140100MA0K8Y2Q38", "org_name": "测试公司", **INJECTED})
        assert r.status_code in (200, 409, 422), r.text
        row = await Account.get(id=account.id)
        assert row.role in (Role.RESIDENT, Role.LEGAL_PERSON) and row.status.value == "active"
        assert row.realname_level == 2 and not row.is_shadow

    async def test_staff_login_cannot_raise_its_role(self, client):
        staff = await make_account(Role.COUNTER, password="Str0ng!Pass#2026")
        r = await client.post("/api/v1/auth/password/login", json={
            "username": staff.username, "password": "Str0ng!Pass#2026", **INJECTED})
        assert r.status_code in (200, 422), r.text
        if r.status_code == 200:
            assert r.json()["account"]["role"] == "counter"
            me = await client.get("/api/v1/me", headers=bearer(r.json()))
            assert me.json()["role"] == "counter"
        assert (await Account.get(id=staff.id)).role == Role.COUNTER


@pytest.mark.parametrize("field", sorted(INJECTED))
async def test_me_is_unchanged_after_any_extra_field(client, sim, field):
    login = await wechat_login(client, sim)
    before = (await client.get("/api/v1/me", headers=bearer(login))).json()
    for path in ("/api/v1/messages/read-all", "/api/v1/auth/wechat/phone"):
        await client.post(path, headers=bearer(login), json={"code": "x", field: INJECTED[field]})
    after = (await client.get("/api/v1/me", headers=bearer(login))).json()
    assert after["role"] == before["role"] and after["realname_level"] == before["realname_level"]
    assert after["id"] == before["id"]
