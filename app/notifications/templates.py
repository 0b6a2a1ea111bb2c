"""Subscribe-message templates and how platform facts fit WeChat's field limits."""

from __future__ import annotations

# Template ids as configured in the mini-program's WeChat console (simulated in development).
TEMPLATES = {
    "application_status": "SJT-TPL-PROGRESS",  # thing1 事项名称 · phrase2 办理状态 · character_string3 受理编号 · time4 时间 · thing5 备注
    "appointment": "SJT-TPL-APPOINTMENT",  # thing1 事项 · thing2 大厅 · time3 时间 · phrase4 状态 · thing5 提示
    "licence": "SJT-TPL-LICENCE",  # thing1 证照名称 · phrase2 状态 · time3 时间 · thing4 说明
    "payment": "SJT-TPL-PAYMENT",  # thing1 事项 · amount2 金额 · phrase3 状态 · time4 时间
    "delegation": "SJT-TPL-DELEGATION",  # thing1 代办员 · phrase2 状态 · time3 时间 · thing4 说明
    "delivery": "SJT-TPL-DELIVERY",  # thing1 事项 · phrase2 寄递状态 · character_string3 运单号或取件码 · time4 时间 · thing5 说明
}


def thing(text: str) -> dict:
    """`thing` values: at most 20 characters."""
    text = (text or "-").strip()
    return {"value": text if len(text) <= 20 else text[:19] + "…"}


def phrase(text: str) -> dict:
    """`phrase` values: at most 5 Chinese characters, nothing else."""
    han = "".join(ch for ch in (text or "") if "\u4e00" <= ch <= "\u9fff")
    return {"value": (han or "已更新")[:5]}


def character_string(text: str) -> dict:
    value = "".join(ch for ch in (text or "") if "!" <= ch <= "~")[:32]
    return {"value": value or "-"}


def time_value(dt) -> dict:
    from app.core.clock import SHANGHAI

    return {"value": dt.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")}


def amount(fen: int) -> dict:
    return {"value": f"¥{fen // 100}.{fen % 100:02d}"}
