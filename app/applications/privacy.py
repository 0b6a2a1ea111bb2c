"""Personal data inside free-form application content: the form is encrypted at rest, and ID numbers
and mobile numbers found in any free text (form values, notes, reasons) are masked in responses."""

from __future__ import annotations

import re
from typing import Any

import orjson

from app.core.crypto import decrypt, encrypt, mask_id_number, mask_phone

_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
_ELEVEN_DIGITS = re.compile(r"\d{11}")  # both patterns need at least this; most content has none
FORM_CONTEXT = "application_form"


def seal_form(form: dict | None) -> str:
    """The form as stored: encrypted JSON."""
    return encrypt(orjson.dumps(form or {}).decode(), context=FORM_CONTEXT)


def open_form(token: str) -> dict:
    return orjson.loads(decrypt(token, context=FORM_CONTEXT)) if token else {}


def mask_text(text: str) -> str:
    """`text` with every ID number and mobile number masked."""
    if not text or len(text) < 11 or not _ELEVEN_DIGITS.search(text):
        return text
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)) or "", text)
    return _PHONE.sub(lambda m: mask_phone(m.group(0)) or "", text)


def mask_values(value: Any) -> Any:
    """Every string inside `value` (dicts and lists too) passed through mask_text."""
    if isinstance(value, (dict, list)):
        try:
            if not _ELEVEN_DIGITS.search(orjson.dumps(value).decode()):
                return value  # one pass over the JSON text instead of a walk through every string
        except TypeError:
            pass
    return _mask_walk(value)


def _mask_walk(value: Any) -> Any:
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: _mask_walk(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_walk(v) for v in value]
    return value


def keep_masked(new: Any, old: Any) -> Any:
    """`new` where a client sent back a masked value unchanged: the stored original is kept."""
    if isinstance(new, str) and isinstance(old, str):
        return old if new != old and mask_text(old) == new else new
    if isinstance(new, dict) and isinstance(old, dict):
        return {k: keep_masked(v, old.get(k)) for k, v in new.items()}
    if isinstance(new, list) and isinstance(old, list):
        return [keep_masked(v, old[i]) if i < len(old) else v for i, v in enumerate(new)]
    return new
