"""Appointment tickets: `SJT1:A:<token>`, token = base64url(appointment id ‖ issued-at) "." HMAC-SHA256.

The key is a named secret (`app.core.keys.secret_file`), so every API worker verifies what any
other worker signed. A forged, altered or truncated token fails with TICKET_INVALID."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import struct
import uuid
from datetime import datetime, timezone
from functools import lru_cache

from app.core import runtime
from app.core.errors import ValidationFailed
from app.core.keys import secret_file

PREFIX = "SJT1:A:"
KEY_NAME = "appointment-ticket.key"
_MAC_BYTES = 16


@lru_cache(maxsize=4)
def _key(keys_dir: str) -> bytes:
    return secret_file(runtime.settings(), KEY_NAME)


def _mac(body: bytes) -> bytes:
    key = _key(str(runtime.settings().keys_dir))
    return hmac.new(key, b"SJT1:A|" + body, hashlib.sha256).digest()[:_MAC_BYTES]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(*, appointment_id: uuid.UUID, issued_at: datetime) -> str:
    """The QR payload for an appointment."""
    body = appointment_id.bytes + struct.pack(">I", int(issued_at.timestamp()))
    return f"{PREFIX}{_b64(body)}.{_b64(_mac(body))}"


def invalid(reason: str) -> ValidationFailed:
    return ValidationFailed("预约凭证无效或已被篡改，请让办事人刷新预约凭证后重试", code="TICKET_INVALID",
                            details={"fields": [{"field": "payload", "message": reason}]})


def verify(payload: str) -> tuple[uuid.UUID, datetime]:
    """(appointment id, issued at) of a genuine ticket; TICKET_INVALID otherwise."""
    if not payload.startswith(PREFIX):
        raise invalid("不是预约凭证")
    token = payload[len(PREFIX):]
    body_text, dot, mac_text = token.partition(".")
    if not dot:
        raise invalid("凭证格式不正确")
    try:
        body, mac = _unb64(body_text), _unb64(mac_text)
    except (ValueError, TypeError):
        raise invalid("凭证格式不正确") from None
    if len(body) != 20 or len(mac) != _MAC_BYTES:
        raise invalid("凭证格式不正确")
    if not hmac.compare_digest(mac, _mac(body)):
        raise invalid("凭证签名校验失败")
    issued = datetime.fromtimestamp(struct.unpack(">I", body[16:])[0], tz=timezone.utc)
    return uuid.UUID(bytes=body[:16]), issued


def qr_png(payload: str) -> bytes:
    """The ticket as a PNG QR code."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=8, border=2)
    qr.add_data(payload)
    qr.make(fit=True)
    out = io.BytesIO()
    qr.make_image().save(out, format="PNG")
    return out.getvalue()
