"""亮证 codes: `SJT1:L:{kid}.{body}.{sig}` — a compact signed claim set the wallet key signs.

`body` is base64url of the canonical JSON list `[1, licence ref, holder mask, purpose, exp, nonce]`;
the signature covers everything before the last dot. `verify_code` needs only the published key
document (no database), so a third party can check a code offline; the platform adds single use
and the licence's live state."""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass

from app.licenses import seal

PREFIX = "SJT1:L:"
VERSION = 1
MAX_TTL = 60


@dataclass(frozen=True)
class CodeClaims:
    licence_id: uuid.UUID
    holder: str
    purpose: str
    exp: int
    nonce: str
    kid: str


class CodeError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def make_code(*, licence_id: uuid.UUID, holder: str, purpose: str, now: float, ttl: int = MAX_TTL) -> tuple[str, int, str]:
    """A fresh code for one licence; returns (payload, exp, nonce)."""
    key = seal.current_key(seal.WALLET_KEY_OWNER, seal.ED25519)
    exp = int(now) + min(ttl, MAX_TTL)
    nonce = seal.b64u(os.urandom(9))
    body = seal.b64u(seal.canonical([VERSION, seal.b64u(licence_id.bytes), holder, purpose, exp, nonce]))
    signed = f"{PREFIX}{key.kid}.{body}"
    return f"{signed}.{seal.b64u(key.sign(signed.encode()))}", exp, nonce


def parse_code(payload: str) -> tuple[str, str, bytes, list]:
    if not payload.startswith(PREFIX):
        raise CodeError("MALFORMED")
    parts = payload[len(PREFIX):].split(".")
    if len(parts) != 3 or not all(parts):
        raise CodeError("MALFORMED")
    kid, body, sig = parts
    try:
        claims = json.loads(seal.unb64u(body))
        signature = seal.unb64u(sig)
    except (ValueError, TypeError):
        raise CodeError("MALFORMED") from None
    if (not isinstance(claims, list) or len(claims) != 6 or claims[0] != VERSION
            or not all(isinstance(c, str) for c in (claims[1], claims[2], claims[3], claims[5]))
            or not isinstance(claims[4], int)):
        raise CodeError("MALFORMED")
    return kid, f"{PREFIX}{kid}.{body}", signature, claims


def verify_code(payload: str, keys: dict | list, *, now: float) -> CodeClaims:
    """Signature (by a published wallet key) and expiry; raises CodeError(reason) otherwise."""
    kid, signed, signature, claims = parse_code(payload.strip())
    jwk = seal.find_jwk(keys, kid)
    if jwk is None or jwk.get("owner") != seal.WALLET_KEY_OWNER:
        raise CodeError("BAD_SIGNATURE")
    if not seal.verify_signature(jwk, signature, signed.encode()):
        raise CodeError("BAD_SIGNATURE")
    try:
        licence_id = uuid.UUID(bytes=seal.unb64u(claims[1]))
    except ValueError:
        raise CodeError("MALFORMED") from None
    exp = claims[4]
    if exp <= now:
        raise CodeError("EXPIRED_CODE")
    if exp > now + MAX_TTL + 5:
        raise CodeError("MALFORMED")
    return CodeClaims(licence_id=licence_id, holder=claims[2], purpose=claims[3], exp=exp, nonce=claims[5], kid=kid)
