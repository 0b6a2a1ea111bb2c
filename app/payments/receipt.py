"""The e-receipt (电子缴费凭证) of a paid order, as a PDF with Chinese text (CID font STSong-Light)."""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A5, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from app.core import clock
from app.payments.models import PaymentOrder

FONT = "STSong-Light"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def render(order: PaymentOrder, *, payer_name: str) -> bytes:
    """A one-page receipt: payer, item, non-tax code, amount, time, WeChat transaction id."""
    font = _font()
    buf = io.BytesIO()
    width, height = landscape(A5)
    pdf = canvas.Canvas(buf, pagesize=(width, height))
    pdf.setTitle(f"电子缴费凭证 {order.out_trade_no}")
    pdf.setAuthor("三晋通")
    pdf.setFont(font, 18)
    pdf.drawCentredString(width / 2, height - 20 * mm, "山西省政务服务 电子缴费凭证")
    paid_at = order.paid_at.astimezone(clock.SHANGHAI).strftime("%Y-%m-%d %H:%M:%S") if order.paid_at else ""
    rows = [("凭证号", order.out_trade_no), ("缴款人", payer_name), ("缴费项目", order.description),
            ("非税收入项目编码", order.nontax_code or "—"), ("金额（元）", yuan(order.amount_fen)),
            ("已退款（元）", yuan(order.refunded_fen)), ("支付方式", "微信支付"),
            ("微信支付交易单号", order.transaction_id or ""), ("支付时间", paid_at),
            ("办件编号", str(order.application_id))]
    y = height - 36 * mm
    for label, value in rows:
        pdf.setFont(font, 11)
        pdf.drawString(20 * mm, y, label)
        pdf.drawString(70 * mm, y, value)
        y -= 8 * mm
    pdf.setFont(font, 9)
    pdf.drawString(20 * mm, 12 * mm, f"本凭证由三晋通生成于 {clock.local_now():%Y-%m-%d %H:%M}，可凭凭证号核验。")
    pdf.showPage()
    pdf.save()
    return buf.getvalue()
