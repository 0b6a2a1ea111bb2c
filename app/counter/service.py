"""The counter's single scan box: one payload in, dispatched by its `SJT1:<type>:` prefix."""

from __future__ import annotations

import importlib

from app.core.errors import ValidationFailed
from app.identity.models import Account

# prefix → (module, function). Each function takes (payload=, staff=) and returns (kind, result).
SCAN_HANDLERS: dict[str, tuple[str, str]] = {
    "A": ("app.appointments.service", "check_in_by_scan"),
    "L": ("app.licenses.service", "verify_by_scan"),
}


def parse_prefix(payload: str) -> str:
    """The type letter of a 三晋通 QR payload (`SJT1:A:…` → `A`)."""
    parts = payload.strip().split(":", 2)
    if len(parts) < 3 or parts[0] != "SJT1" or not parts[2]:
        raise ValidationFailed("无法识别的二维码，请扫描三晋通预约凭证或亮证码", code="SCAN_UNRECOGNISED",
                               details={"fields": [{"field": "payload", "message": "不是三晋通二维码"}]})
    return parts[1]


async def scan(*, payload: str, staff: Account) -> tuple[str, dict]:
    """Check in an appointment or verify a licence code, whichever the payload is."""
    prefix = parse_prefix(payload)
    target = SCAN_HANDLERS.get(prefix)
    if target is None:
        raise ValidationFailed("该二维码不能在窗口扫码使用", code="SCAN_UNSUPPORTED",
                               details={"fields": [{"field": "payload", "message": f"类型 {prefix} 不支持"}]})
    module = importlib.import_module(target[0])
    return await getattr(module, target[1])(payload=payload.strip(), staff=staff)
