"""Simulated WeChat Pay API v3: JSAPI/Native orders, query, close, refunds, the trade bill, and
notifies signed and encrypted as WeChat sends them (with WeChat's retry schedule, compressed).

Every merchant request must carry a valid `Authorization: WECHATPAY2-SHA256-RSA2048 ...` made
with the merchant key; every answer is signed with the platform key (`Wechatpay-*` headers)."""

from __future__ import annotations

import asyncio
import base64
import gzip
import hashlib
import logging
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import httpx
import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sanic import Blueprint, HTTPResponse, Request

log = logging.getLogger("sjt.wechat_sim.pay")

CST = timezone(timedelta(hours=8))
# WeChat re-sends an unanswered notify after 15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h.
RETRY_SCHEDULE = (15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600)
SIGN_WINDOW = 300
_AUTH = re.compile(r'(\w+)="([^"]*)"')


def _rfc3339(ts: float) -> str:
    return datetime.fromtimestamp(ts, CST).isoformat(timespec="seconds")


@dataclass
class PayState:
    creds: dict
    appid: str
    orders: dict[str, dict] = field(default_factory=dict)  # out_trade_no -> order
    refunds: dict[str, dict] = field(default_factory=dict)  # out_refund_no -> refund
    bills: dict[str, bytes] = field(default_factory=dict)  # download token -> file
    notifies: list[dict] = field(default_factory=list)  # every delivery attempt
    time_scale: float = 0.01  # 15 s of WeChat's schedule = 0.15 s here
    max_attempts: int = 6
    refund_delay: float = 0.05

    def __post_init__(self) -> None:
        self.merchant_public = serialization.load_pem_public_key(self.creds["merchant_public_key"].encode())
        self.platform_private = serialization.load_pem_private_key(self.creds["platform_private_key"].encode(), None)

    def sign(self, message: str) -> str:
        return base64.b64encode(self.platform_private.sign(message.encode(), padding.PKCS1v15(),
                                                           hashes.SHA256())).decode()

    def signed_headers(self, body: str) -> dict[str, str]:
        ts, nonce = str(int(time.time())), secrets.token_hex(16).upper()
        return {"Wechatpay-Timestamp": ts, "Wechatpay-Nonce": nonce,
                "Wechatpay-Serial": self.creds["platform_public_key_id"],
                "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
                "Wechatpay-Signature": self.sign(f"{ts}\n{nonce}\n{body}\n")}

    def encrypt(self, plaintext: dict, associated_data: str) -> dict:
        nonce = secrets.token_urlsafe(9)[:12]
        cipher = AESGCM(self.creds["apiv3_key"].encode()).encrypt(
            nonce.encode(), orjson.dumps(plaintext), associated_data.encode())
        return {"algorithm": "AEAD_AES_256_GCM", "ciphertext": base64.b64encode(cipher).decode(),
                "associated_data": associated_data, "nonce": nonce}


def _reply(state: PayState, data: dict | None, status: int = 200) -> HTTPResponse:
    body = orjson.dumps(data).decode() if data is not None else ""
    headers = state.signed_headers(body)
    if data is None:
        return HTTPResponse(status=status, headers=headers)
    return HTTPResponse(body, status=status, headers=headers, content_type="application/json")


def _error(state: PayState, status: int, code: str, message: str) -> HTTPResponse:
    return _reply(state, {"code": code, "message": message}, status)


def _verify_merchant(state: PayState, request: Request, prefix: str) -> HTTPResponse | None:
    scheme, _, params = request.headers.get("authorization", "").partition(" ")
    if scheme != "WECHATPAY2-SHA256-RSA2048":
        return _error(state, 401, "SIGN_ERROR", "Authorization 缺失或认证类型不正确")
    fields = dict(_AUTH.findall(params))
    if fields.get("mchid") != state.creds["mchid"]:
        return _error(state, 401, "SIGN_ERROR", "商户号与签名不匹配")
    if fields.get("serial_no") != state.creds["merchant_serial"]:
        return _error(state, 401, "SIGN_ERROR", "商户证书序列号不正确")
    try:
        ts = int(fields.get("timestamp", ""))
    except ValueError:
        return _error(state, 401, "SIGN_ERROR", "时间戳格式不正确")
    if abs(time.time() - ts) > SIGN_WINDOW:
        return _error(state, 401, "SIGN_ERROR", "请求已过期")
    url = request.path[len(prefix):] + (f"?{request.query_string}" if request.query_string else "")
    message = f"{request.method}\n{url}\n{ts}\n{fields.get('nonce_str', '')}\n{request.body.decode()}\n"
    try:
        state.merchant_public.verify(base64.b64decode(fields.get("signature", "")), message.encode(),
                                     padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        return _error(state, 401, "SIGN_ERROR", "签名错误")
    return None


def _transaction(state: PayState, order: dict) -> dict:
    data = {"appid": order["appid"], "mchid": order["mchid"], "out_trade_no": order["out_trade_no"],
            "trade_type": order["trade_type"], "trade_state": order["trade_state"],
            "trade_state_desc": order["trade_state_desc"], "attach": order.get("attach", ""),
            "amount": {"total": order["total"], "currency": "CNY"}}
    if order.get("transaction_id"):
        data.update(transaction_id=order["transaction_id"], bank_type="OTHERS",
                    success_time=_rfc3339(order["paid_at"]), payer={"openid": order["openid"]})
        data["amount"].update(payer_total=order["total"], payer_currency="CNY")
    return data


async def _deliver(state: PayState, url: str, event_type: str, summary: str, original_type: str,
                   plaintext: dict) -> None:
    """Send one notify; re-send on WeChat's schedule until the platform answers 200/204."""
    notify_id = secrets.token_hex(16)
    for attempt in range(1, state.max_attempts + 1):
        body = orjson.dumps({"id": notify_id, "create_time": _rfc3339(time.time()),
                             "resource_type": "encrypt-resource", "event_type": event_type,
                             "summary": summary,
                             "resource": {"original_type": original_type,
                                          **state.encrypt(plaintext, original_type)}}).decode()
        record = {"id": notify_id, "event_type": event_type, "attempt": attempt, "url": url,
                  "out_trade_no": plaintext.get("out_trade_no"), "status": None, "at": time.time()}
        state.notifies.append(record)
        try:
            async with httpx.AsyncClient(timeout=5) as client:
                answer = await client.post(url, content=body, headers={
                    "Content-Type": "application/json", **state.signed_headers(body)})
            record["status"] = answer.status_code
            if answer.status_code in (200, 204):
                return
        except httpx.HTTPError as exc:
            record["status"] = type(exc).__name__
        if attempt < state.max_attempts:
            await asyncio.sleep(RETRY_SCHEDULE[min(attempt - 1, len(RETRY_SCHEDULE) - 1)] * state.time_scale)
    log.warning("notify %s to %s gave up after %d attempts", notify_id, url, state.max_attempts)


def _spawn(request: Request, coro) -> None:
    try:
        request.app.add_task(coro)
    except Exception:  # noqa: BLE001 - outside a running server (e.g. an ASGI test) use the loop
        asyncio.get_running_loop().create_task(coro)


def _bill(state: PayState, bill_date: str) -> bytes:
    def amt(fen: int) -> str:
        return f"{fen / 100:.2f}"

    head = ("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,"
            "货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,"
            "商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注")
    rows, paid_total, refund_total = [], 0, 0
    for o in state.orders.values():
        if o.get("paid_at") and datetime.fromtimestamp(o["paid_at"], CST).date().isoformat() == bill_date:
            paid_total += o["total"]
            rows.append([datetime.fromtimestamp(o["paid_at"], CST).strftime("%Y-%m-%d %H:%M:%S"), o["appid"],
                         o["mchid"], "0", "", o["transaction_id"], o["out_trade_no"], o["openid"],
                         o["trade_type"], "SUCCESS", "OTHERS", "CNY", amt(o["total"]), "0.00", "0", "0", "0.00",
                         "0.00", "", "", o["description"], o.get("attach", ""), "0.00000", "0.60%",
                         amt(o["total"]), "0.00", ""])
    for r in state.refunds.values():
        if r.get("success_at") and datetime.fromtimestamp(r["success_at"], CST).date().isoformat() == bill_date:
            o = state.orders[r["out_trade_no"]]
            refund_total += r["refund"]
            rows.append([datetime.fromtimestamp(r["success_at"], CST).strftime("%Y-%m-%d %H:%M:%S"), o["appid"],
                         o["mchid"], "0", "", o["transaction_id"], o["out_trade_no"], o["openid"],
                         o["trade_type"], "REFUND", "OTHERS", "CNY", "0.00", "0.00", r["refund_id"],
                         r["out_refund_no"], amt(r["refund"]), "0.00", "ORIGINAL", "SUCCESS", o["description"],
                         "", "0.00000", "0.60%", "0.00", amt(r["refund"]), ""])
    lines = [head] + [",".join("`" + str(v) for v in row) for row in rows]
    lines += ["总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额",
              ",".join("`" + v for v in (str(len(rows)), amt(paid_total), amt(refund_total), "0.00", "0.00000",
                                         amt(paid_total), amt(refund_total)))]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def register(bp: Blueprint, state: PayState, prefix: str) -> None:
    """Add WeChat Pay's v3 paths and the payer's dev helpers to the simulator blueprint."""

    def guard(request: Request) -> tuple[dict | None, HTTPResponse | None]:
        if (denied := _verify_merchant(state, request, prefix)) is not None:
            return None, denied
        if request.method != "POST":
            return {}, None
        try:
            data = orjson.loads(request.body or b"{}")
        except orjson.JSONDecodeError:
            return None, _error(state, 400, "PARAM_ERROR", "请求体不是合法的 JSON")
        if not isinstance(data, dict):
            return None, _error(state, 400, "PARAM_ERROR", "请求体应为 JSON 对象")
        return data, None

    async def place(request: Request, trade_type: str):
        data, denied = guard(request)
        if denied:
            return denied
        total = (data.get("amount") or {}).get("total")
        no = data.get("out_trade_no")
        if data.get("mchid") != state.creds["mchid"] or data.get("appid") != state.appid:
            return _error(state, 400, "PARAM_ERROR", "mchid 或 appid 不正确")
        if not isinstance(no, str) or not 6 <= len(no) <= 32 or not isinstance(total, int) or total < 1:
            return _error(state, 400, "PARAM_ERROR", "out_trade_no 或 amount.total 不正确")
        if not str(data.get("notify_url", "")).startswith(("http://", "https://")):
            return _error(state, 400, "PARAM_ERROR", "notify_url 不正确")
        openid = (data.get("payer") or {}).get("openid")
        if trade_type == "JSAPI" and not openid:
            return _error(state, 400, "PARAM_ERROR", "JSAPI 下单缺少 payer.openid")
        existing = state.orders.get(no)
        if existing:
            if existing["trade_state"] == "SUCCESS":
                return _error(state, 400, "ORDERPAID", "该订单已支付")
            if existing["trade_state"] == "CLOSED":
                return _error(state, 400, "ORDERCLOSED", "该订单已关闭")
            if existing["total"] != total or existing["trade_type"] != trade_type:
                return _error(state, 400, "INVALID_REQUEST", "201 商户订单号重复")
        else:
            existing = state.orders[no] = {
                "appid": data["appid"], "mchid": data["mchid"], "out_trade_no": no, "total": total,
                "description": str(data.get("description", ""))[:127], "attach": data.get("attach", ""),
                "notify_url": data["notify_url"], "trade_type": trade_type, "trade_state": "NOTPAY",
                "trade_state_desc": "订单未支付", "openid": openid, "created": time.time(),
                "prepay_id": "wx" + secrets.token_hex(16),
                "code_url": "weixin://wxpay/bizpayurl?pr=" + secrets.token_urlsafe(8)}
        if trade_type == "JSAPI":
            return _reply(state, {"prepay_id": existing["prepay_id"]})
        return _reply(state, {"code_url": existing["code_url"]})

    @bp.post("/v3/pay/transactions/jsapi")
    async def jsapi(request: Request):
        return await place(request, "JSAPI")

    @bp.post("/v3/pay/transactions/native")
    async def native(request: Request):
        return await place(request, "NATIVE")

    @bp.get("/v3/pay/transactions/out-trade-no/<no:str>")
    async def query(request: Request, no: str):
        _, denied = guard(request)
        if denied:
            return denied
        order = state.orders.get(no)
        if order is None or request.args.get("mchid") != state.creds["mchid"]:
            return _error(state, 404, "ORDER_NOT_EXIST", "订单不存在")
        return _reply(state, _transaction(state, order))

    @bp.post("/v3/pay/transactions/out-trade-no/<no:str>/close")
    async def close(request: Request, no: str):
        data, denied = guard(request)
        if denied:
            return denied
        order = state.orders.get(no)
        if order is None or data.get("mchid") != state.creds["mchid"]:
            return _error(state, 404, "ORDER_NOT_EXIST", "订单不存在")
        if order["trade_state"] in ("SUCCESS", "REFUND"):
            return _error(state, 400, "ORDERPAID", "订单已支付，不能关闭")
        order.update(trade_state="CLOSED", trade_state_desc="订单已关闭")
        return _reply(state, None, 204)

    def refund_view(r: dict) -> dict:
        o = state.orders[r["out_trade_no"]]
        view = {"refund_id": r["refund_id"], "out_refund_no": r["out_refund_no"],
                "transaction_id": o["transaction_id"], "out_trade_no": o["out_trade_no"], "channel": "ORIGINAL",
                "user_received_account": "支付用户零钱", "create_time": _rfc3339(r["created"]),
                "status": r["status"], "amount": {"total": o["total"], "refund": r["refund"],
                                                  "payer_total": o["total"], "payer_refund": r["refund"],
                                                  "currency": "CNY"}}
        if r.get("success_at"):
            view["success_time"] = _rfc3339(r["success_at"])
        return view

    async def settle_refund(r: dict) -> None:
        await asyncio.sleep(state.refund_delay)
        r.update(status="SUCCESS", success_at=time.time())
        state.orders[r["out_trade_no"]].update(trade_state="REFUND", trade_state_desc="订单发生过退款")
        if r.get("notify_url"):
            o = state.orders[r["out_trade_no"]]
            await _deliver(state, r["notify_url"], "REFUND.SUCCESS", "退款成功", "refund", {
                "mchid": o["mchid"], "out_trade_no": o["out_trade_no"], "transaction_id": o["transaction_id"],
                "out_refund_no": r["out_refund_no"], "refund_id": r["refund_id"], "refund_status": "SUCCESS",
                "success_time": _rfc3339(r["success_at"]), "user_received_account": "支付用户零钱",
                "amount": {"total": o["total"], "refund": r["refund"], "payer_total": o["total"],
                           "payer_refund": r["refund"]}})

    @bp.post("/v3/refund/domestic/refunds")
    async def refund(request: Request):
        data, denied = guard(request)
        if denied:
            return denied
        order = state.orders.get(data.get("out_trade_no", ""))
        if order is None:
            return _error(state, 404, "RESOURCE_NOT_EXISTS", "订单不存在")
        out_refund_no = data.get("out_refund_no")
        amount = data.get("amount") or {}
        if not isinstance(out_refund_no, str) or not out_refund_no or not isinstance(amount.get("refund"), int):
            return _error(state, 400, "PARAM_ERROR", "out_refund_no 或 amount.refund 不正确")
        if out_refund_no in state.refunds:
            return _reply(state, refund_view(state.refunds[out_refund_no]))
        if order["trade_state"] not in ("SUCCESS", "REFUND"):
            return _error(state, 403, "NOT_ENOUGH", "订单未支付，不能退款")
        if amount.get("total") != order["total"]:
            return _error(state, 400, "PARAM_ERROR", "订单金额与原订单不一致")
        refunded = sum(r["refund"] for r in state.refunds.values() if r["out_trade_no"] == order["out_trade_no"])
        if amount["refund"] < 1 or refunded + amount["refund"] > order["total"]:
            return _error(state, 403, "NOT_ENOUGH", "申请退款金额超过订单可退金额")
        r = state.refunds[out_refund_no] = {
            "out_refund_no": out_refund_no, "out_trade_no": order["out_trade_no"], "refund": amount["refund"],
            "refund_id": "50" + secrets.token_hex(14), "status": "PROCESSING", "created": time.time(),
            "notify_url": data.get("notify_url")}
        _spawn(request, settle_refund(r))
        return _reply(state, refund_view(r))

    @bp.get("/v3/refund/domestic/refunds/<out_refund_no:str>")
    async def refund_query(request: Request, out_refund_no: str):
        _, denied = guard(request)
        if denied:
            return denied
        r = state.refunds.get(out_refund_no)
        if r is None:
            return _error(state, 404, "RESOURCE_NOT_EXISTS", "退款单不存在")
        return _reply(state, refund_view(r))

    @bp.get("/v3/bill/tradebill")
    async def tradebill(request: Request):
        _, denied = guard(request)
        if denied:
            return denied
        bill_date = request.args.get("bill_date", "")
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", bill_date):
            return _error(state, 400, "PARAM_ERROR", "bill_date 格式不正确")
        raw = _bill(state, bill_date)
        gz = request.args.get("tar_type") == "GZIP"
        content = gzip.compress(raw) if gz else raw
        token = secrets.token_urlsafe(16)
        state.bills[token] = content
        base = f"{request.scheme}://{request.host}{prefix}"
        return _reply(state, {"hash_type": "SHA1", "hash_value": hashlib.sha1(content).hexdigest(),
                              "download_url": f"{base}/v3/billdownload/file?token={token}"})

    @bp.get("/v3/billdownload/file")
    async def billdownload(request: Request):
        _, denied = guard(request)
        if denied:
            return denied
        content = state.bills.get(request.args.get("token", ""))
        if content is None:
            return _error(state, 404, "RESOURCE_NOT_EXISTS", "账单不存在")
        return HTTPResponse(content, content_type="application/octet-stream")  # WeChat does not sign files

    # --- the payer's side (dev helpers) ----------------------------------------------------------
    @bp.post("/dev/pay")
    async def dev_pay(request: Request):
        try:
            data = orjson.loads(request.body or b"{}")
        except orjson.JSONDecodeError:
            data = {}
        data = data if isinstance(data, dict) else {}
        order = next((o for o in state.orders.values()
                      if (data.get("prepay_id") and o["prepay_id"] == data["prepay_id"])
                      or (data.get("code_url") and o["code_url"] == data["code_url"])), None)
        if order is None:
            return HTTPResponse(orjson.dumps({"error": "unknown prepay_id or code_url"}), status=404,
                                content_type="application/json")
        if order["trade_state"] != "NOTPAY":
            return HTTPResponse(orjson.dumps({"error": f"order is {order['trade_state']}"}), status=409,
                                content_type="application/json")
        order.update(trade_state="SUCCESS", trade_state_desc="支付成功", paid_at=time.time(),
                     transaction_id="42000" + str(int(time.time())) + str(secrets.randbelow(10**12)).zfill(12),
                     openid=order["openid"] or data.get("openid") or "o-sim-" + secrets.token_hex(8))
        if data.get("notify", True):
            _spawn(request, _deliver(state, order["notify_url"], "TRANSACTION.SUCCESS", "支付成功",
                                     "transaction", _transaction(state, order)))
        return HTTPResponse(orjson.dumps({"out_trade_no": order["out_trade_no"],
                                          "transaction_id": order["transaction_id"]}),
                            content_type="application/json")

    @bp.get("/dev/pay/notifies")
    async def dev_notifies(request: Request):
        no = request.args.get("out_trade_no")
        return HTTPResponse(orjson.dumps({"notifies": [n for n in state.notifies
                                                       if no is None or n["out_trade_no"] == no]}),
                            content_type="application/json")

    @bp.post("/dev/pay/config")
    async def dev_pay_config(request: Request):
        data = orjson.loads(request.body or b"{}")
        for key in ("time_scale", "max_attempts", "refund_delay"):
            if isinstance(data.get(key), (int, float)):
                setattr(state, key, type(getattr(state, key))(data[key]))
        if data.get("reset"):  # tests that compare whole bills start from an empty merchant
            for table in (state.orders, state.refunds, state.bills, state.notifies):
                table.clear()
        return HTTPResponse(orjson.dumps({"time_scale": state.time_scale, "max_attempts": state.max_attempts,
                                          "mchid": state.creds["mchid"]}), content_type="application/json")


__all__ = ["PayState", "register"]
