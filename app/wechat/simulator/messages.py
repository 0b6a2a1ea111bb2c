"""WeChat's value rules for subscribe-message fields (keys are `<type><n>`, e.g. `thing1`)."""

from __future__ import annotations

import re

_HAN = re.compile(r"^[\u4e00-\u9fff]+$")
_RULES = {
    "thing": lambda v: 0 < len(v) <= 20,
    "number": lambda v: re.fullmatch(r"[0-9.]{1,32}", v) is not None,
    "letter": lambda v: re.fullmatch(r"[A-Za-z]{1,32}", v) is not None,
    "symbol": lambda v: 0 < len(v) <= 5,
    "character_string": lambda v: re.fullmatch(r"[\x21-\x7e]{1,32}", v) is not None,
    "time": lambda v: re.fullmatch(r"(\d{4}年\d{1,2}月\d{1,2}日 |\d{4}-\d{2}-\d{2} )?\d{1,2}:\d{2}(:\d{2})?"
                                   r"|\d{4}年\d{1,2}月\d{1,2}日 \d{1,2}:\d{2}", v) is not None,
    "date": lambda v: re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日( \d{1,2}:\d{2})?|\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?",
                                   v) is not None,
    "amount": lambda v: re.fullmatch(r"[¥￥$]?\d{1,10}(\.\d{1,2})?元?", v) is not None,
    "phone_number": lambda v: re.fullmatch(r"[0-9+\-]{1,17}", v) is not None,
    "car_number": lambda v: 0 < len(v) <= 8,
    "name": lambda v: (0 < len(v) <= 10) if _HAN.match(v) else (0 < len(v) <= 20),
    "phrase": lambda v: _HAN.match(v) is not None and len(v) <= 5,
}


def invalid_field(data: dict) -> str | None:
    """The first `data.<key>.value` WeChat would reject, or None when all are valid."""
    if not isinstance(data, dict) or not data:
        return "data"
    for key, item in data.items():
        kind = re.sub(r"\d+$", "", key)
        rule = _RULES.get(kind)
        value = item.get("value") if isinstance(item, dict) else None
        if rule is None or not isinstance(value, str) or not rule(value):
            return f"data.{key}.value"
    return None
