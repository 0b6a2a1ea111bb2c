"""QR images for 亮证 codes and printed verification links."""

from __future__ import annotations

import base64
import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M


def png(data: str, *, box_size: int = 6) -> bytes:
    """A PNG QR code (error correction M, quiet zone 4 modules)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=4)
    code.add_data(data)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def png_base64(data: str) -> str:
    return base64.b64encode(png(data)).decode()
