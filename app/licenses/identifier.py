"""Licence identifiers in the GB/T 36904 structure with an ISO 7064 MOD 37,36 check character."""

from __future__ import annotations

import re

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PREFIX = "1.2.156.3005.2"
_M = 36
_PATTERN = re.compile(r"^1\.2\.156\.3005\.2\.(\d{1,8})\.([0-9A-Z]{18})\.(\d{1,16})\.(\d{3})\.([0-9A-Z])$")


def _digits(text: str) -> list[int]:
    values = []
    for ch in text.upper():
        if ch == ".":
            continue
        index = ALPHABET.find(ch)
        if index < 0:
            raise ValueError(f"character {ch!r} is outside 0-9A-Z")
        values.append(index)
    return values


def mod37_36(text: str) -> str:
    """The ISO 7064 hybrid MOD 37,36 check character of `text` (dots ignored)."""
    p = _M
    for value in _digits(text):
        s = (p + value) % _M or _M
        p = (s * 2) % (_M + 1)
    return ALPHABET[(_M + 1 - p) % _M]


def check_mod37_36(text_with_check: str) -> bool:
    """True when the last character is the right check character for what precedes it."""
    try:
        p = _M
        values = _digits(text_with_check)
        if not values:
            return False
        for value in values[:-1]:
            s = (p + value) % _M or _M
            p = (s * 2) % (_M + 1)
        return (p + values[-1]) % _M == 1
    except ValueError:
        return False


def build(*, type_code: str, issuer_code: str, serial: str, version: int = 1) -> str:
    """`1.2.156.3005.2.{type}.{issuer}.{serial}.{version}.{check}`."""
    body = f"{PREFIX}.{type_code}.{issuer_code.upper()}.{serial}.{version:03d}"
    return f"{body}.{mod37_36(body)}"


def is_valid(identifier: str) -> bool:
    """Structure and check character are both right."""
    return bool(_PATTERN.match(identifier or "")) and check_mod37_36(identifier)


def parse(identifier: str) -> dict:
    match = _PATTERN.match(identifier or "")
    if not match or not check_mod37_36(identifier):
        raise ValueError("invalid licence identifier")
    type_code, issuer, serial, version, check = match.groups()
    return {"type_code": type_code, "issuer_code": issuer, "serial": serial, "version": int(version),
            "check": check}
