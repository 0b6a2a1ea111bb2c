"""Real-name verification (GB 11643), face level 3, enterprise binding (GB 32100)."""

from __future__ import annotations

import pytest

from app.audit.models import AuditEvent
from app.core.crypto import blind_index, decrypt
from app.identity import limits, realname
from app.identity.idcard import uscc_check_char
from app.identity.models import Account, Role
from tests.factories import auth_headers, make_account, valid_id_number

VALID = valid_id_number("14010519900307002")
OTHER_VALID = valid_id_number("14072119951231004")


def wrong_check(number: str) -> str:
    digits = "0123456789X"
    return number[:17] + next(c for c in digits if c != number[17])


async def submit(client, headers, name="张三", id_number=VALID):
    return await client.post("/api/v1/me/real-name", json={"name": name, "id_number": id_number}, headers=headers)


def field_of(r) -> str:
    return r.json()["error"]["details"]["fields"][0]["field"]


class TestRealName:
    async def test_valid_number_reaches_level_two_encrypted_and_masked(self, client, rt):
        account = await make_account()
        r = await submit(client, await auth_headers(account), id_number=VALID.lower())
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["realname_level"] == 2
        assert body["id_number"] == VALID[:4] + "*" * 10 + VALID[-4:] and body["real_name"] == "张*"
        assert VALID not in r.text
        row = await Account.get(id=account.id)
        assert VALID not in row.id_number_enc and row.id_number_enc.startswith(rt.settings.data_key_id + ":")
        assert decrypt(row.id_number_enc, context="id_number") == VALID
        found = await Account.get(id_number_index=blind_index(VALID, kind="id_number"))
        assert found.id == account.id
        event = await AuditEvent.get(action="identity.realname", outcome="success")
        assert VALID not in str(event.details) and event.details["id_number"] == body["id_number"]

    @pytest.mark.parametrize("number,why", [
        (VALID[:17], "18位"),                                    # length
        (VALID + "1", "18位"),
        ("14010519900307002A", "18位"),                          # characters
        ("wrong-check", "18位"),
        (None, "校验位"),                                         # check digit (filled below)
        (valid_id_number("14010519900230001"), "出生日期"),       # 30 February
        (valid_id_number("14010521000101001"), "出生日期"),       # born in the future
        (valid_id_number("99010519900307002"), "地区码"),         # no such province
    ])
    async def test_invalid_numbers_are_422_naming_the_field(self, client, rt, number, why):
        number = number or wrong_check(VALID)
        account = await make_account()
        r = await submit(client, await auth_headers(account), id_number=number)
        assert r.status_code == 422 and field_of(r) == "id_number" and why in r.json()["error"]["message"]
        assert (await Account.get(id=account.id)).realname_level == 1

    async def test_bad_name_is_422(self, client, rt):
        r = await submit(client, await auth_headers(await make_account()), name="张3<script>")
        assert r.status_code == 422 and field_of(r) == "name"

    async def test_same_number_on_another_account_is_409(self, client, rt):
        first, second = await make_account(), await make_account()
        assert (await submit(client, await auth_headers(first))).status_code == 200
        r = await submit(client, await auth_headers(second), name="李四")
        assert r.status_code == 409 and r.json()["error"]["code"] == "ID_NUMBER_TAKEN"
        assert await AuditEvent.filter(action="identity.realname", outcome="conflict").exists()

    async def test_cannot_switch_to_another_number(self, client, rt):
        account = await make_account()
        headers = await auth_headers(account)
        await submit(client, headers)
        assert (await submit(client, headers)).status_code == 200  # same number again is fine
        r = await submit(client, headers, id_number=OTHER_VALID)
        assert r.status_code == 409 and r.json()["error"]["code"] == "REALNAME_ALREADY_BOUND"

    async def test_registry_rejection_is_audited(self, client, rt):
        account = await make_account()
        r = await submit(client, await auth_headers(account), id_number="140105198001010011")
        assert r.status_code == 422 and r.json()["error"]["code"] == "REALNAME_MISMATCH"
        assert await AuditEvent.filter(action="identity.realname", outcome="failure").exists()

    async def test_configured_reject_list_and_pluggable_registry(self, client, rt, monkeypatch):
        monkeypatch.setattr(rt.settings, "realname_demo_reject", OTHER_VALID)
        r = await submit(client, await auth_headers(await make_account()), id_number=OTHER_VALID)
        assert r.json()["error"]["code"] == "REALNAME_MISMATCH"

        class Strict:
            seen = []

            async def verify(self, *, name, id_number):
                self.seen.append((name, id_number))
                return name == "王五"

        strict = Strict()
        realname.use_registry(strict)
        try:
            assert (await submit(client, await auth_headers(await make_account()))).status_code == 422
            assert (await submit(client, await auth_headers(await make_account()), name="王五")).status_code == 200
            assert strict.seen == [("张三", VALID), ("王五", VALID)]
        finally:
            realname.use_registry(None)

    async def test_staff_cannot_use_it(self, client, rt):
        r = await submit(client, await auth_headers(await make_account(Role.COUNTER)))
        assert r.status_code == 403

    async def test_rate_limited_per_account(self, client, rt, monkeypatch):
        monkeypatch.setitem(limits.LIMITS, "realname:account", (2, 3600))
        headers = await auth_headers(await make_account())
        for _ in range(2):
            await submit(client, headers, id_number=wrong_check(VALID))
        r = await submit(client, headers)
        assert r.status_code == 429 and r.headers["Retry-After"]


class TestFace:
    async def test_face_raises_to_level_three(self, client, rt):
        account = await make_account()
        headers = await auth_headers(account)
        r = await client.post("/api/v1/me/real-name/face", json={"liveness_token": "sim-ok"}, headers=headers)
        assert r.status_code == 403 and r.json()["error"]["code"] == "REALNAME_REQUIRED"
        await submit(client, headers)
        r = await client.post("/api/v1/me/real-name/face", json={"liveness_token": "fail-spoof"}, headers=headers)
        assert r.status_code == 422 and r.json()["error"]["code"] == "FACE_MISMATCH"
        r = await client.post("/api/v1/me/real-name/face", json={"liveness_token": "sim-ok"}, headers=headers)
        assert r.status_code == 200 and r.json()["realname_level"] == 3


def valid_uscc(first17: str) -> str:
    return first17 + uscc_check_char(first17)


class TestEnterprise:
    async def test_bind_enterprise(self, client, rt):
        code = valid_uscc("91140100MA0K8Y2Q3")
        account = await make_account(id_number=VALID)
        headers = await auth_headers(account)
        r = await client.post("/api/v1/me/enterprise", json={"credit_code": code, "org_name": "太原测试有限公司"},
                              headers=headers)
        assert r.status_code == 200 and r.json()["role"] == "legal_person" and r.json()["credit_code"] == code
        other = await make_account(id_number=OTHER_VALID)
        r = await client.post("/api/v1/me/enterprise", json={"credit_code": code, "org_name": "x"},
                              headers=await auth_headers(other))
        assert r.status_code == 409 and r.json()["error"]["code"] == "ENTERPRISE_TAKEN"

    @pytest.mark.parametrize("code", ["91140100MA0K8Y2Q3", "91140100MA0K8Y2QIO", None])
    async def test_invalid_credit_code_is_422(self, client, rt, code):
        if code is None:
            good = valid_uscc("91140100MA0K8Y2Q3")
            code = good[:17] + ("0" if good[17] != "0" else "1")
        headers = await auth_headers(await make_account(id_number=VALID))
        r = await client.post("/api/v1/me/enterprise", json={"credit_code": code, "org_name": "x"}, headers=headers)
        assert r.status_code == 422 and field_of(r) == "credit_code"

    async def test_needs_real_name_first(self, client, rt):
        r = await client.post("/api/v1/me/enterprise", json={"credit_code": valid_uscc("91140100MA0K8Y2Q3"),
                                                             "org_name": "x"},
                              headers=await auth_headers(await make_account()))
        assert r.status_code == 403
