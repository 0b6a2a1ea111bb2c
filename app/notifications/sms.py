"""Text messages through a pluggable provider; the embedded mode delivers to the simulator's inbox."""

from __future__ import annotations

import logging
from typing import Protocol

import httpx

from app.core import runtime
from app.core.errors import UpstreamError

log = logging.getLogger("sjt.sms")


class SmsProvider(Protocol):
    async def send(self, *, phone: str, text: str) -> None: ...


class SimulatedSms:
    """Posts to the WeChat simulator's SMS inbox (`GET /wechat-sim/dev/sms` lists what was sent)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    async def send(self, *, phone: str, text: str) -> None:
        try:
            async with httpx.AsyncClient(timeout=5) as client:
                r = await client.post(self.base_url + "dev/sms", json={"phone": phone, "text": text})
                r.raise_for_status()
        except httpx.HTTPError as exc:
            log.warning("SMS provider failed: %s", type(exc).__name__)
            raise UpstreamError("短信发送失败，请稍后再试", code="SMS_UNAVAILABLE") from None


def provider() -> SmsProvider:
    settings = runtime.settings()
    if settings.sms_provider == "sim":
        return SimulatedSms(settings.wechat_api_base)
    raise UpstreamError("未配置短信服务", code="SMS_NOT_CONFIGURED")


async def send_sms(*, phone: str, text: str) -> None:
    """Send one text message (the phone number never goes into a log line)."""
    await provider().send(phone=phone, text=text)
