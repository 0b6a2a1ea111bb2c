"""Printable application forms (空白表格 and 填写示例) generated from an item's form schema."""

from __future__ import annotations

import io
from functools import lru_cache
from typing import Any

import orjson

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _example(prop: dict[str, Any]) -> str:
    value = (prop.get("examples") or [""])[0]
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def render_form(*, item_name: str, material_name: str, schema: dict[str, Any], sample: bool) -> bytes:
    """A one-page A4 PDF: the form's fields as a table, blank or filled with example values."""
    return _render(item_name, material_name, orjson.dumps(schema, option=orjson.OPT_SORT_KEYS).decode(), sample)


@lru_cache(maxsize=256)
def _render(item_name: str, material_name: str, canonical: str, sample: bool) -> bytes:
    schema = orjson.loads(canonical)
    title_style = ParagraphStyle("t", fontName=FONT, fontSize=16, leading=22, alignment=1)
    note_style = ParagraphStyle("n", fontName=FONT, fontSize=9, leading=13, textColor=colors.grey)
    required = set(schema.get("required", []))
    rows = [["项目", "填写内容"]]
    for name, prop in (schema.get("properties") or {}).items():
        label = prop.get("title", name) + (" *" if name in required else "")
        if prop.get("enum"):
            hint = "□" + "  □".join(prop["enum"])
        elif prop.get("type") == "array" and prop.get("items", {}).get("enum"):
            hint = "□" + "  □".join(prop["items"]["enum"])
        else:
            hint = ""
        rows.append([label, _example(prop) if sample else hint])
    table = Table(rows, colWidths=[150, 330])
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 10), ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [None]), ("BOTTOMPADDING", (0, 1), (-1, -1), 9),
    ]))
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, title=f"{item_name} {material_name}", author="三晋通",
                            invariant=1)
    story = [Paragraph(material_name + ("（填写示例）" if sample else ""), title_style), Spacer(1, 6),
             Paragraph(f"事项：{item_name}　　带 * 为必填项；也可在三晋通在线填写，无需打印。", note_style), Spacer(1, 10),
             table, Spacer(1, 24), Paragraph("申请人（签字）：　　　　　　　　　日期：　　年　　月　　日", note_style)]
    doc.build(story)
    return buf.getvalue()
