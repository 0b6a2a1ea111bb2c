"""The downloadable licence file: a one-page PDF with the content, issuer, seal and a QR that opens
the public verification page. Chinese text uses reportlab's built-in STSong-Light CID font."""

from __future__ import annotations

import io
from datetime import datetime

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from app.licenses import qr

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _wrap(text: str, width: int) -> list[str]:
    return [text[i:i + width] for i in range(0, len(text), width)] or [""]


def render(*, title: str, identifier: str, holder: str, issuer: str, valid_from: str, valid_until: str,
           status: str, fields: list[dict], seal: dict, verify_url: str, generated_at: datetime) -> bytes:
    """One A4 page; `fields` are [{label, value}] already masked."""
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    c.setTitle(f"{title} {identifier}")
    c.setAuthor(issuer)
    c.setSubject("三晋通电子证照")
    width, height = A4
    y = height - 25 * mm
    c.setFont(FONT, 22)
    c.drawCentredString(width / 2, y, title)
    y -= 9 * mm
    c.setFont(FONT, 9)
    c.drawCentredString(width / 2, y, f"证照标识：{identifier}")
    y -= 12 * mm
    c.setFont(FONT, 12)
    rows = [("持证主体", holder), *[(f["label"], f["value"]) for f in fields],
            ("发证机关", issuer), ("有效期", f"{valid_from} 至 {valid_until}"), ("状态", status)]
    for label, value in rows:
        lines = _wrap(str(value or "—"), 30)
        c.drawString(25 * mm, y, f"{label}：")
        for line in lines:
            c.drawString(62 * mm, y, line)
            y -= 7 * mm
        if y < 90 * mm:
            break
    y = 80 * mm
    c.setFont(FONT, 9)
    c.drawString(25 * mm, y, f"电子印章：{seal.get('alg', '')}  kid={seal.get('kid', '')}")
    sig = seal.get("sig", "")
    for i, line in enumerate(_wrap(sig, 64)[:3]):
        c.drawString(25 * mm, y - (i + 1) * 5 * mm, line)
    c.drawString(25 * mm, y - 22 * mm, "扫描右侧二维码核验本证照真伪及状态（仅显示脱敏信息）。")
    c.drawString(25 * mm, y - 27 * mm, f"生成时间：{generated_at.strftime('%Y-%m-%d %H:%M')}（北京时间）")
    c.drawImage(ImageReader(io.BytesIO(qr.png(verify_url, box_size=4))), width - 70 * mm, 25 * mm,
                45 * mm, 45 * mm)
    c.showPage()
    c.save()
    return buffer.getvalue()
