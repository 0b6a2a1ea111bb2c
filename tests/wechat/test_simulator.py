"""The simulator and wechatpy talk over real HTTP; WeChat's error codes come back as clear errors."""

from __future__ import annotations

import httpx
import pytest

from app.core.errors import BadRequest
from app.wechat import miniapp


async def test_minted_code_exchanges_for_openid(rt, sim):
    code = sim.post("dev/login-code", json={"openid": "o-test-1", "unionid": "u-1"}).json()["code"]
    session = await miniapp.code_to_session(code)
    assert session["openid"] == "o-test-1" and session["unionid"] == "u-1"
    assert session["session_key"]


async def test_code_is_single_use(rt, sim):
    code = sim.post("dev/login-code", json={"openid": "o-test-2"}).json()["code"]
    await miniapp.code_to_session(code)
    with pytest.raises(BadRequest) as exc:
        await miniapp.code_to_session(code)
    assert exc.value.code == "WECHAT_CODE_INVALID"
    assert exc.value.details["wechat_errcode"] == 40029


async def test_invalid_code_is_a_clear_error_through_the_api(client, sim):
    r = await client.post("/api/v1/auth/wechat/login", json={"code": "forged-code"})
    assert r.status_code == 400
    body = r.json()["error"]
    assert body["code"] == "WECHAT_CODE_INVALID" and "重新" in body["message"]


async def test_wechat_login_creates_account_once(client, sim):
    code = sim.post("dev/login-code", json={"openid": "o-test-3"}).json()["code"]
    first = await client.post("/api/v1/auth/wechat/login", json={"code": code})
    assert first.status_code == 200 and first.json()["new_account"] is True
    code = sim.post("dev/login-code", json={"openid": "o-test-3"}).json()["code"]
    second = await client.post("/api/v1/auth/wechat/login", json={"code": code})
    assert second.json()["new_account"] is False
    assert second.json()["account"]["id"] == first.json()["account"]["id"]
    me = await client.get("/api/v1/me", headers={"Authorization": "Bearer " + second.json()["access_token"]})
    assert me.status_code == 200 and me.json()["role"] == "resident"


async def test_phone_code_through_wechatpy(rt, sim):
    code = sim.post("dev/phone-code", json={"phone": "13903510009"}).json()["code"]
    assert await miniapp.phone_number(code) == "13903510009"


def test_token_endpoint_rejects_wrong_secret(wechat_sim):
    r = httpx.get(wechat_sim + "cgi-bin/token", params={"grant_type": "client_credential",
                                                         "appid": "wrong", "secret": "x"})
    assert r.json()["errcode"] == 40013


@pytest.mark.parametrize("data,ok", [
    ({"thing1": {"value": "营业执照办理进度更新"}, "phrase2": {"value": "已受理"}}, True),
    ({"thing1": {"value": "这是一个超过二十个字符的事项名称会被微信拒绝的"}}, False),
    ({"phrase2": {"value": "需要补正材料"}}, False),
    ({"character_string3": {"value": "SJT" + "9" * 30}}, False),
    ({"character_string3": {"value": "SJT20261125000123"}}, True),
])
async def test_subscribe_message_field_limits(rt, sim, data, ok):
    from wechatpy.exceptions import WeChatClientException

    client = miniapp.client()
    import asyncio

    call = asyncio.to_thread(client.wxa.send_subscribe_message, "o-msg", "tmpl-progress", data)
    if ok:
        assert (await call)["errcode"] == 0
        assert any(m["touser"] == "o-msg" and m["data"] == data
                   for m in sim.get("dev/messages", params={"touser": "o-msg"}).json()["messages"])
    else:
        with pytest.raises(WeChatClientException) as exc:
            await call
        assert exc.value.errcode == 47003


async def test_rate_limit_answers_45011(rt, sim):
    sim.post("dev/config", json={"rate_per_minute": 1})
    try:
        sim.post("dev/login-code", json={"openid": "o-rate"})
        codes = [sim.post("dev/login-code", json={"openid": "o-rate"}).json()["code"] for _ in range(3)]
        errors = []
        for code in codes:
            try:
                await miniapp.code_to_session(code)
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)
        assert any(getattr(e, "code", "") == "WECHAT_RATE_LIMITED" for e in errors)
    finally:
        sim.post("dev/config", json={"rate_per_minute": 1000})
