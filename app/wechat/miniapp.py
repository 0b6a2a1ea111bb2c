"""The mini-program server APIs through wechatpy (synchronous, so every call runs in a thread)."""

from __future__ import annotations

import asyncio
import logging
from functools import lru_cache

from wechatpy.client import WeChatClient
from wechatpy.client.api import WeChatWxa
from wechatpy.exceptions import WeChatClientException
from wechatpy.session.memorystorage import MemoryStorage

from app.core import runtime
from app.core.config import Settings
from app.core.errors import BadRequest, UpstreamError

log = logging.getLogger("sjt.wechat")

# WeChat's error codes the platform turns into clear answers.
INVALID_CODE = 40029
RATE_LIMITED = 45011
CODE_USED = 40163


def _client_class(base: str) -> type[WeChatClient]:
    class _Wxa(WeChatWxa):
        API_BASE_URL = base

    class _Client(WeChatClient):
        API_BASE_URL = base + "cgi-bin/"
        wxa = _Wxa()

        def fetch_access_token(self):  # the real class hard-codes WeChat's host
            return self._fetch_access_token(
                url=base + "cgi-bin/token",
                params={"grant_type": "client_credential", "appid": self.appid, "secret": self.secret},
            )

    return _Client


def credentials(settings: Settings) -> tuple[str, str]:
    if settings.wechat_simulator and not settings.wechat_secret:
        from app.wechat.simulator.credentials import load_credentials

        creds = load_credentials(settings.data_dir)
        return creds["appid"], creds["secret"]
    return settings.wechat_appid, settings.wechat_secret


@lru_cache(maxsize=4)
def _client(base: str, appid: str, secret: str) -> WeChatClient:
    return _client_class(base)(appid, secret, session=MemoryStorage(), timeout=5)


def client() -> WeChatClient:
    settings = runtime.settings()
    appid, secret = credentials(settings)
    return _client(settings.wechat_api_base, appid, secret)


async def _call(fn, *args, **kwargs):
    try:
        return await asyncio.to_thread(fn, *args, **kwargs)
    except WeChatClientException as exc:
        raise _translate(exc) from None
    except Exception as exc:  # noqa: BLE001 - network failures reaching WeChat
        log.warning("WeChat unreachable: %s", type(exc).__name__)
        raise UpstreamError("微信服务暂时无法连接，请稍后再试", code="WECHAT_UNAVAILABLE") from None


def _translate(exc: WeChatClientException):
    code = int(exc.errcode or 0)
    if code in (INVALID_CODE, CODE_USED):
        return BadRequest("微信登录凭证无效或已使用，请重新进入小程序", code="WECHAT_CODE_INVALID",
                          details={"field": "code", "wechat_errcode": code})
    if code == RATE_LIMITED:
        return UpstreamError("微信接口调用过于频繁，请稍后再试", code="WECHAT_RATE_LIMITED",
                             status=503, headers={"Retry-After": "60"})
    log.warning("WeChat error %s", code)
    return UpstreamError("微信服务返回错误", code="WECHAT_ERROR", details={"wechat_errcode": code})


async def code_to_session(code: str) -> dict:
    """Exchange a `wx.login` code for openid (and unionid when bound)."""
    return await _call(client().wxa.code_to_session, code)


async def phone_number(code: str) -> str:
    """Exchange a phone-number button code for the verified phone number."""
    c = client()
    result = await _call(c.wxa._post, "wxa/business/getuserphonenumber", data={"code": code})
    return result["phone_info"]["purePhoneNumber"]


async def send_subscribe_message(openid: str, template_id: str, data: dict, page: str | None = None) -> dict:
    return await _call(client().wxa.send_subscribe_message, openid, template_id, data, page)
