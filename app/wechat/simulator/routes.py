"""The simulator's HTTP surface: WeChat's own paths plus /dev helpers for clients and tests."""

from __future__ import annotations

import asyncio

import base64
import os
import time

from sanic import Blueprint, Request
from sanic.response import json
from sanic_ext import openapi

from app.core.config import Settings
from app.wechat.simulator import pay as sim_pay
from app.wechat.simulator.credentials import load_credentials, load_pay_credentials
from app.wechat.simulator.messages import invalid_field
from app.wechat.simulator.state import SimState


def _err(code: int, msg: str):
    return json({"errcode": code, "errmsg": msg})


def make_blueprint(settings: Settings, url_prefix: str = "/wechat-sim") -> Blueprint:
    creds = load_credentials(settings.data_dir)
    state = SimState(appid=creds["appid"], secret=creds["secret"])
    bp = Blueprint("wechat_sim", url_prefix=url_prefix)
    bp.ctx.state = state

    def body(request: Request) -> dict:
        try:
            data = request.json
        except Exception:  # noqa: BLE001 - WeChat answers malformed bodies with 47001
            return {"__bad__": True}
        return data if isinstance(data, dict) else {"__bad__": True}

    def check_token(request: Request):
        token = request.args.get("access_token")
        if not token:
            return _err(41001, "access_token missing")
        if not state.token_valid(token):
            return _err(40001, "invalid credential, access_token is invalid or not latest")
        return None

    # --- WeChat's own endpoints -------------------------------------------------------------
    @bp.get("/cgi-bin/token")
    async def token(request: Request):
        if request.args.get("grant_type") != "client_credential":
            return _err(40002, "invalid grant_type")
        if request.args.get("appid") != state.appid:
            return _err(40013, "invalid appid")
        if request.args.get("secret") != state.secret:
            return _err(40125, "invalid appsecret")
        if state.over_rate("token"):
            return _err(45011, "api minute-quota reach limit")
        return json({"access_token": state.issue_token(), "expires_in": 7200})

    @bp.get("/sns/jscode2session")
    async def jscode2session(request: Request):
        if request.args.get("appid") != state.appid:
            return _err(40013, "invalid appid")
        if request.args.get("secret") != state.secret:
            return _err(40125, "invalid appsecret")
        if state.over_rate("jscode2session"):
            return _err(45011, "api minute-quota reach limit mustslower retry next minute")
        redeemed = state.redeem_login_code(request.args.get("js_code", ""))
        if redeemed is None:
            return _err(40029, "invalid code")
        openid, unionid = redeemed
        result = {"openid": openid, "session_key": base64.b64encode(os.urandom(16)).decode()}
        if unionid:
            result["unionid"] = unionid
        return json(result)

    @bp.post("/wxa/business/getuserphonenumber")
    async def phone_number(request: Request):
        if (denied := check_token(request)) is not None:
            return denied
        phone = state.redeem_phone_code(body(request).get("code", ""))
        if phone is None:
            return _err(40029, "invalid code")
        return json({"errcode": 0, "errmsg": "ok", "phone_info": {
            "phoneNumber": phone, "purePhoneNumber": phone, "countryCode": "86",
            "watermark": {"timestamp": int(time.time()), "appid": state.appid}}})

    @bp.post("/cgi-bin/message/subscribe/send")
    async def subscribe_send(request: Request):
        if (denied := check_token(request)) is not None:
            return denied
        data = body(request)
        if data.get("__bad__"):
            return _err(47001, "data format error")
        if not data.get("touser"):
            return _err(40003, "invalid openid")
        if not data.get("template_id"):
            return _err(40037, "invalid template_id")
        bad = invalid_field(data.get("data"))
        if bad:
            return _err(47003, f"argument invalid! {bad} invalid")
        if state.over_rate("subscribe_send"):
            return _err(45011, "api minute-quota reach limit")
        if state.send_delay:
            # a caller that disconnects meanwhile cancels this handler: WeChat never got the message
            await asyncio.sleep(state.send_delay)
        state.messages.append({"touser": data["touser"], "template_id": data["template_id"],
                               "page": data.get("page"), "data": data["data"], "sent_at": time.time()})
        return json({"errcode": 0, "errmsg": "ok", "msgid": int(time.time() * 1000)})

    # --- dev helpers -------------------------------------------------------------------------
    @bp.post("/dev/login-code")
    async def dev_login_code(request: Request):
        data = body(request)
        openid = data.get("openid")
        if not isinstance(openid, str) or not openid:
            return json({"error": "openid required"}, status=400)
        return json({"code": state.mint_login_code(openid, data.get("unionid"))})

    @bp.post("/dev/phone-code")
    async def dev_phone_code(request: Request):
        phone = body(request).get("phone")
        if not isinstance(phone, str) or not phone.isdigit():
            return json({"error": "phone required"}, status=400)
        return json({"code": state.mint_phone_code(phone)})

    @bp.get("/dev/messages")
    async def dev_messages(request: Request):
        touser = request.args.get("touser")
        items = [m for m in state.messages if touser is None or m["touser"] == touser]
        return json({"messages": items})

    @bp.post("/dev/sms")
    async def dev_sms_send(request: Request):
        data = body(request)
        if not data.get("phone") or not data.get("text"):
            return json({"error": "phone and text required"}, status=400)
        state.sms.append({"phone": data["phone"], "text": data["text"], "sent_at": time.time()})
        return json({"ok": True})

    @bp.get("/dev/sms")
    async def dev_sms(request: Request):
        phone = request.args.get("phone")
        return json({"sms": [m for m in state.sms if phone is None or m["phone"] == phone]})

    @bp.post("/dev/config")
    async def dev_config(request: Request):
        data = body(request)
        if isinstance(data.get("rate_per_minute"), int):
            state.rate_per_minute = data["rate_per_minute"]
        if isinstance(data.get("send_delay"), (int, float)):
            state.send_delay = float(data["send_delay"])
        return json({"rate_per_minute": state.rate_per_minute, "appid": state.appid,
                     "send_delay": state.send_delay})

    bp.ctx.pay = sim_pay.PayState(creds=load_pay_credentials(settings.data_dir), appid=state.appid)
    sim_pay.register(bp, bp.ctx.pay, url_prefix)

    for route in bp._future_routes:  # WeChat's API, not ours: keep it out of the platform's spec
        openapi.exclude()(route.handler)
    return bp
