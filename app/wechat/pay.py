"""WeChat Pay API v3 for the platform, through wechatpayv3's async client in public-key mode.

The gateway override (the simulator, or WeChat's own host) lives in `_client()` only. Several
platform public keys may be live at once (key rotation): answers and notifies are verified with
the key named by their `Wechatpay-Serial`."""

from __future__ import annotations

import base64
import gzip
import hashlib
import logging
import secrets
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import orjson
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from wechatpayv3.async_ import AsyncWeChatPay
from wechatpayv3.async_.type import WeChatPayType  # the async module's own enum

from app.core import clock, runtime
from app.core.errors import ServiceUnavailable, UpstreamError

log = logging.getLogger("sjt.wechat.pay")

SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"
TIMESTAMP_WINDOW = 300  # seconds either side, as WeChat recommends


@dataclass(frozen=True)
class PayConfig:
    mchid: str
    appid: str
    merchant_key_pem: str
    merchant_serial: str
    apiv3_key: str
    platform_keys: tuple[tuple[str, str], ...]  # (public key id, PEM), the first is the current one
    gateway: str
    notify_url: str

    @property
    def merchant_key(self):
        return _load_private(self.merchant_key_pem)

    def platform_key(self, serial: str):
        pem = dict(self.platform_keys).get(serial)
        return _load_public(pem) if pem else None


@lru_cache(maxsize=8)
def _load_private(pem: str):
    return serialization.load_pem_private_key(pem.encode(), password=None)


@lru_cache(maxsize=16)
def _load_public(pem: str):
    return serialization.load_pem_public_key(pem.encode())


class WeChatPayError(Exception):
    """WeChat Pay answered with an error (`status`, WeChat's `code` and `message`)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


class NotifyRejected(Exception):
    """A notify that must not be trusted (bad signature, stale, unknown key, undecryptable)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def config() -> PayConfig:
    """The merchant and platform keys from settings (the simulator's files in embedded/test mode)."""
    s = runtime.settings()
    from app.wechat.miniapp import credentials

    appid = credentials(s)[0]
    if s.wechat_simulator and not s.wechatpay_mchid:
        from app.wechat.simulator.credentials import load_pay_credentials

        creds = load_pay_credentials(s.data_dir)
        return PayConfig(mchid=creds["mchid"], appid=appid, merchant_key_pem=creds["merchant_private_key"],
                         merchant_serial=creds["merchant_serial"], apiv3_key=creds["apiv3_key"],
                         platform_keys=((creds["platform_public_key_id"], creds["platform_public_key"]),),
                         gateway=s.wechatpay_api_base.rstrip("/"), notify_url=s.wechatpay_notify_url)
    paths = [p.strip() for p in s.wechatpay_public_key_paths.split(",") if p.strip()]
    ids = [i.strip() for i in s.wechatpay_public_key_ids.split(",") if i.strip()]
    if not (s.wechatpay_mchid and s.wechatpay_merchant_key_path and s.wechatpay_merchant_serial
            and s.wechatpay_apiv3_key and paths and len(paths) == len(ids)):
        raise ServiceUnavailable("微信支付未配置", code="WECHATPAY_NOT_CONFIGURED")
    return PayConfig(mchid=s.wechatpay_mchid, appid=appid,
                     merchant_key_pem=Path(s.wechatpay_merchant_key_path).read_text(),
                     merchant_serial=s.wechatpay_merchant_serial, apiv3_key=s.wechatpay_apiv3_key,
                     platform_keys=tuple((i, Path(p).read_text()) for i, p in zip(ids, paths)),
                     gateway=s.wechatpay_api_base.rstrip("/"), notify_url=s.wechatpay_notify_url)


def verify_signature(cfg: PayConfig, headers, body: str) -> bool:
    """RSA-SHA256 over `timestamp\\nnonce\\nbody\\n` with the platform key named by Wechatpay-Serial."""
    key = cfg.platform_key(headers.get("wechatpay-serial", ""))
    if key is None:
        return False
    message = f"{headers.get('wechatpay-timestamp', '')}\n{headers.get('wechatpay-nonce', '')}\n{body}\n"
    try:
        key.verify(base64.b64decode(headers.get("wechatpay-signature", ""), validate=True), message.encode(),
                   padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        return False
    return True


@asynccontextmanager
async def _client():
    cfg = config()
    current_id, current_pem = cfg.platform_keys[0]
    wx = AsyncWeChatPay(wechatpay_type=WeChatPayType.MINIPROG, mchid=cfg.mchid, private_key=cfg.merchant_key_pem,
                        cert_serial_no=cfg.merchant_serial, appid=cfg.appid, apiv3_key=cfg.apiv3_key,
                        notify_url=cfg.notify_url, public_key=current_pem, public_key_id=current_id,
                        timeout=(3, 10))
    wx._core._gate_way = cfg.gateway  # no public option for the base URL (see STACK-NOTES)

    async def verify_any_live_key(headers, body):  # the library knows one key; we accept every live one
        return verify_signature(cfg, headers, body)

    wx._core._verify_signature_async = verify_any_live_key
    async with wx:
        yield wx


async def _call(method: str, *args, **kwargs) -> tuple[int, dict]:
    try:
        async with _client() as wx:
            status, text = await getattr(wx, method)(*args, **kwargs)
    except (ServiceUnavailable, WeChatPayError):
        raise
    except Exception as exc:  # noqa: BLE001 - network errors and unverifiable answers
        log.warning("WeChat Pay %s failed: %s", method, type(exc).__name__, extra={"code": "WECHATPAY_UNREACHABLE"})
        raise UpstreamError("微信支付暂时无法连接，请稍后再试", code="WECHATPAY_UNAVAILABLE") from None
    data = orjson.loads(text) if isinstance(text, (str, bytes)) and text else {}
    if not 200 <= status < 300:
        raise WeChatPayError(status, data.get("code", "UNKNOWN"), data.get("message", ""))
    return status, data


async def place_order(*, channel: str, out_trade_no: str, amount_fen: int, description: str,
                      openid: str | None, attach: str = "", time_expire: str | None = None) -> dict:
    """JSAPI (`{"prepay_id"}`) or Native (`{"code_url"}`) order at WeChat."""
    kind = WeChatPayType.MINIPROG if channel == "jsapi" else WeChatPayType.NATIVE
    _, data = await _call("pay", description=description[:127], out_trade_no=out_trade_no,
                          amount={"total": amount_fen, "currency": "CNY"},
                          payer={"openid": openid} if openid else None, attach=attach or None,
                          time_expire=time_expire, pay_type=kind)
    return data


async def query_order(*, out_trade_no: str) -> dict | None:
    """WeChat's view of an order (None when WeChat does not know it)."""
    try:
        return (await _call("query", out_trade_no=out_trade_no))[1]
    except WeChatPayError as exc:
        if exc.code == "ORDER_NOT_EXIST":
            return None
        raise


async def close_order(*, out_trade_no: str) -> None:
    """Close an unpaid order at WeChat (WeChat refuses with ORDERPAID when it was paid meanwhile)."""
    await _call("close", out_trade_no=out_trade_no)


async def refund(*, out_trade_no: str, out_refund_no: str, refund_fen: int, total_fen: int, reason: str) -> dict:
    """Ask WeChat to refund (the result comes by a refund notify, or by `query_refund`)."""
    return (await _call("refund", out_refund_no=out_refund_no, out_trade_no=out_trade_no, reason=reason[:80] or None,
                        amount={"refund": refund_fen, "total": total_fen, "currency": "CNY"}))[1]


async def query_refund(*, out_refund_no: str) -> dict:
    return (await _call("query_refund", out_refund_no=out_refund_no))[1]


async def trade_bill(*, bill_date: str) -> str:
    """The day's trade bill (all transactions and refunds), hash-checked and unzipped, as text."""
    try:
        _, info = await _call("trade_bill", bill_date=bill_date, bill_type="ALL", tar_type="GZIP")
    except WeChatPayError as exc:
        if exc.code == "NO_STATEMENT_EXIST":  # WeChat's answer for a day without any trade
            return ""
        raise
    cfg = config()
    url, gateway = urlsplit(info["download_url"]), urlsplit(cfg.gateway)
    path = url.path[len(gateway.path):] if url.path.startswith(gateway.path) else url.path
    path += f"?{url.query}" if url.query else ""
    try:
        async with _client() as wx:
            status, content = await wx._core.request(path, skip_verify=True)  # WeChat does not sign files
    except Exception as exc:  # noqa: BLE001
        log.warning("WeChat Pay bill download failed: %s", type(exc).__name__)
        raise UpstreamError("微信支付账单下载失败", code="WECHATPAY_UNAVAILABLE") from None
    content = content.encode() if isinstance(content, str) else content
    if status != 200 or hashlib.sha1(content).hexdigest() != info.get("hash_value"):
        raise UpstreamError("微信支付账单校验失败", code="WECHATPAY_BILL_INVALID")
    return gzip.decompress(content).decode("utf-8")


def jsapi_params(prepay_id: str) -> dict:
    """The `wx.requestPayment` arguments, signed with the merchant key."""
    cfg = config()
    ts, nonce, package = str(int(clock.now().timestamp())), secrets.token_hex(16), f"prepay_id={prepay_id}"
    message = f"{cfg.appid}\n{ts}\n{nonce}\n{package}\n"
    sign = cfg.merchant_key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())
    return {"appId": cfg.appid, "timeStamp": ts, "nonceStr": nonce, "package": package, "signType": "RSA",
            "paySign": base64.b64encode(sign).decode()}


def open_notify(headers, body: bytes) -> dict:
    """Verify a notify (key by serial, signature, ±5 min window) and decrypt its resource.

    Returns the notify with `resource` replaced by the decrypted JSON; raises NotifyRejected."""
    cfg = config()
    if headers.get("wechatpay-signature-type", SIGNATURE_TYPE) != SIGNATURE_TYPE:
        raise NotifyRejected("unsupported signature type")
    if cfg.platform_key(headers.get("wechatpay-serial", "")) is None:
        raise NotifyRejected("unknown platform key serial")
    try:
        ts = int(headers.get("wechatpay-timestamp", ""))
    except ValueError:
        raise NotifyRejected("bad timestamp") from None
    if abs(clock.now().timestamp() - ts) > TIMESTAMP_WINDOW:
        raise NotifyRejected("timestamp outside the 5 minute window")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise NotifyRejected("body is not UTF-8") from None
    if not verify_signature(cfg, headers, text):
        raise NotifyRejected("bad signature")
    try:
        data = orjson.loads(text)
        resource = data["resource"]
        if resource.get("algorithm") != "AEAD_AES_256_GCM":
            raise NotifyRejected("unsupported algorithm")
        plain = AESGCM(cfg.apiv3_key.encode()).decrypt(
            resource["nonce"].encode(), base64.b64decode(resource["ciphertext"]),
            (resource.get("associated_data") or "").encode())
        data["resource"] = orjson.loads(plain)
    except NotifyRejected:
        raise
    except (InvalidTag, KeyError, TypeError, ValueError, AttributeError, orjson.JSONDecodeError):
        raise NotifyRejected("resource cannot be decrypted") from None
    if not isinstance(data["resource"], dict):
        raise NotifyRejected("resource is not an object")
    return data
