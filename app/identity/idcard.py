"""Check characters of Chinese identifiers: resident ID numbers (GB 11643) and unified social
credit codes (GB 32100)."""

from __future__ import annotations

import re
from datetime import date

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def id_check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character over the first 17 digits."""
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS)) % 11]


def id_number_problem(value: str, *, today: date | None = None) -> str | None:
    """Why `value` is not a valid 18-digit resident ID number, or None when it is."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{17}[\dXx]", value):
        return "证件号码应为18位，前17位为数字，最后一位为数字或X"
    if value[:2] not in _PROVINCE_PREFIXES:
        return "证件号码的地区码不正确"
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "证件号码中的出生日期不正确"
    if born < date(1900, 1, 1) or born > (today or date.today()):
        return "证件号码中的出生日期不正确"
    if id_check_char(value[:17]) != value[17].upper():
        return "证件号码校验位不正确"
    return None


def uscc_check_char(first17: str) -> str:
    """GB 32100 check character: 31 − (Σ value × weight mod 31), over the 31-character alphabet."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_problem(value: str) -> str | None:
    """Why `value` is not a valid unified social credit code, or None when it is."""
    if not isinstance(value, str) or len(value) != 18:
        return "统一社会信用代码应为18位"
    value = value.upper()
    if any(c not in USCC_ALPHABET for c in value):
        return "统一社会信用代码含有不允许的字符"
    if not re.fullmatch(r"\d{6}", value[2:8]):
        return "统一社会信用代码的登记管理机关行政区划码不正确"
    if uscc_check_char(value[:17]) != value[17]:
        return "统一社会信用代码校验位不正确"
    return None


_PROVINCE_PREFIXES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82",
}
