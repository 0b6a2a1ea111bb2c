"""Personal data at rest: AES-256-GCM with a key id (for rotation), an HMAC blind index for
lookups, and masking for every response."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app.core import runtime
from app.core.keys import blind_index_key, data_key


@lru_cache(maxsize=8)
def _aead(key: bytes) -> AESGCM:
    return AESGCM(key)


def _keys() -> tuple[str, bytes]:
    settings = runtime.settings()
    return settings.data_key_id, data_key(settings)


def encrypt(plaintext: str, *, context: str = "") -> str:
    """`<key id>:<base64(nonce || ciphertext)>`; `context` binds the value to its column."""
    key_id, key = _keys()
    nonce = os.urandom(12)
    ct = _aead(key).encrypt(nonce, plaintext.encode(), context.encode() or None)
    return f"{key_id}:{base64.b64encode(nonce + ct).decode()}"


def decrypt(token: str, *, context: str = "") -> str:
    key_id, key = _keys()
    stored_id, _, payload = token.partition(":")
    if stored_id != key_id:
        raise ValueError(f"no key for key id {stored_id!r}")
    raw = base64.b64decode(payload)
    return _aead(key).decrypt(raw[:12], raw[12:], context.encode() or None).decode()


def blind_index(value: str, *, kind: str) -> str:
    """Keyed hash for equality lookups without storing the value (`kind` separates domains)."""
    key = blind_index_key(runtime.settings())
    normalized = value.strip().upper()
    return hmac.new(key, f"{kind}:{normalized}".encode(), hashlib.sha256).hexdigest()


def mask_id_number(value: str | None) -> str | None:
    if not value:
        return value
    if len(value) <= 8:
        return value[:1] + "*" * (len(value) - 1)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str | None:
    if not value:
        return value
    return value[:3] + "****" + value[-4:] if len(value) >= 11 else "*" * len(value)


def mask_name(value: str | None) -> str | None:
    if not value:
        return value
    return value[0] + "*" * (len(value) - 1) if len(value) <= 2 else value[0] + "*" * (len(value) - 2) + value[-1]
