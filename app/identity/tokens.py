"""Access tokens: ES256 JWTs with a `kid`, verified against a key set that can hold several live
keys (rotation); the public half is published as JWKS."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from app.core import clock, runtime
from app.core.errors import Unauthorized

ALGORITHM = "ES256"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private: ec.EllipticCurvePrivateKey
    created: float

    def public_jwk(self) -> dict:
        numbers = self.private.public_key().public_numbers()
        return {"kty": "EC", "crv": "P-256", "x": _b64(numbers.x.to_bytes(32, "big")),
                "y": _b64(numbers.y.to_bytes(32, "big")), "use": "sig", "alg": ALGORITHM, "kid": self.kid}


def thumbprint(private: ec.EllipticCurvePrivateKey) -> str:
    """RFC 7638 JWK thumbprint of the public key: a stable, content-derived `kid`."""
    n = private.public_key().public_numbers()
    canonical = json.dumps({"crv": "P-256", "kty": "EC", "x": _b64(n.x.to_bytes(32, "big")),
                            "y": _b64(n.y.to_bytes(32, "big"))}, separators=(",", ":"), sort_keys=True)
    return _b64(hashlib.sha256(canonical.encode()).digest())


def generate_key(folder: Path) -> SigningKey:
    """Create a new signing key in `folder`; it signs from now on, older keys keep verifying."""
    folder.mkdir(parents=True, exist_ok=True)
    private = ec.generate_private_key(ec.SECP256R1())
    kid = thumbprint(private)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    path = folder / f"{int(time.time() * 1000)}-{kid}.pem"
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(pem)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    _keyring.cache_clear()
    return SigningKey(kid=kid, private=private, created=time.time())


def _jwt_folder_path() -> str:
    return os.path.join(runtime.settings().keys_dir, "jwt")  # a str: no Path built on every verify


def jwt_folder() -> Path:
    return Path(_jwt_folder_path())


@lru_cache(maxsize=4)
def _keyring(folder: str) -> tuple[SigningKey, ...]:
    path = Path(folder)
    files = sorted(path.glob("*.pem")) if path.exists() else []
    keys = []
    for file in files:
        private = serialization.load_pem_private_key(file.read_bytes(), password=None)
        assert isinstance(private, ec.EllipticCurvePrivateKey)
        keys.append(SigningKey(kid=thumbprint(private), private=private,
                               created=float(file.name.split("-", 1)[0]) / 1000))
    return tuple(keys)


def keyring() -> tuple[SigningKey, ...]:
    """Live keys, oldest first; the newest signs. At most two are kept live (current + previous)."""
    folder = _jwt_folder_path()
    keys = _keyring(folder)
    if not keys:
        generate_key(Path(folder))
        keys = _keyring(folder)
    return keys[-2:]


def rotate_signing_key() -> SigningKey:
    """Add a new signing key: it signs from now on, the previous one keeps verifying (two live in
    JWKS); tokens of the key before that stop verifying. CLI: `python -m app.cli rotate-jwt-key`."""
    return generate_key(jwt_folder())


_last_reload = 0.0


def _find_key(kid: str | None) -> SigningKey | None:
    """The live key with this kid; an unknown kid re-reads the key folder (another worker may have
    rotated), at most every few seconds."""
    global _last_reload
    key = next((k for k in keyring() if k.kid == kid), None)
    if key is None and kid and time.monotonic() - _last_reload > 5:
        _last_reload = time.monotonic()
        _keyring.cache_clear()
        key = next((k for k in keyring() if k.kid == kid), None)
    return key


_jwks_cache: dict[tuple[str, ...], tuple[dict, bytes]] = {}


def jwks() -> dict:
    return _jwks_entry()[0]


def jwks_bytes() -> bytes:
    """The JWKS document as JSON, built once per set of live keys (it is served on every verify)."""
    return _jwks_entry()[1]


def _jwks_entry() -> tuple[dict, bytes]:
    keys = keyring()
    kids = tuple(k.kid for k in keys)
    entry = _jwks_cache.get(kids)
    if entry is None:
        doc = {"keys": [k.public_jwk() for k in keys]}
        _jwks_cache.clear()
        entry = _jwks_cache[kids] = (doc, json.dumps(doc, separators=(",", ":")).encode())
    return {"keys": [dict(k) for k in entry[0]["keys"]]}, entry[1]


def issue_access_token(*, account_id: str, role: str, session_id: str, extra: dict | None = None) -> tuple[str, int]:
    settings = runtime.settings()
    key = keyring()[-1]
    now = int(clock.now().timestamp())
    ttl = settings.access_token_ttl
    claims = {"iss": settings.jwt_issuer, "aud": settings.jwt_audience, "sub": account_id,
              "role": role, "sid": session_id, "iat": now, "nbf": now, "exp": now + ttl,
              "jti": uuid.uuid4().hex, "typ": "access", **(extra or {})}
    token = jwt.encode(claims, key.private, algorithm=ALGORITHM, headers={"kid": key.kid, "typ": "JWT"})
    return token, ttl


# Signature-checked claims per token, per worker (an ES256 verify costs more CPU than the rest of a
# cached read). Only the signature/kid/iss/aud result is reused: the key must still be live and
# the time checks run on every call.
_VERIFIED_MAX = 20_000
_verified: dict[str, tuple[str, dict]] = {}


def verify_access_token(token: str) -> dict:
    """Claims of a valid access token; Unauthorized for anything else (alg pinned to ES256)."""
    hit = _verified.get(token)
    if hit is not None and _find_key(hit[0]) is not None:
        return _check_claims(dict(hit[1]))
    kid, claims = _verify_signature(token)
    if len(_verified) >= _VERIFIED_MAX:
        _verified.clear()
    _verified[token] = (kid, dict(claims))
    return _check_claims(claims)


def _verify_signature(token: str) -> tuple[str, dict]:
    settings = runtime.settings()
    if not token.isascii():  # a JWT is base64url + dots; anything else cannot even be encoded
        raise Unauthorized("登录凭证无效", code="TOKEN_INVALID")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise Unauthorized("登录凭证无效", code="TOKEN_INVALID") from None
    if header.get("alg") != ALGORITHM:
        raise Unauthorized("登录凭证无效", code="TOKEN_INVALID")
    key = _find_key(header.get("kid"))
    if key is None:
        raise Unauthorized("登录凭证无效", code="TOKEN_INVALID")
    try:
        claims = jwt.decode(token, key.private.public_key(), algorithms=[ALGORITHM],
                            audience=settings.jwt_audience, issuer=settings.jwt_issuer,
                            options={"require": ["exp", "iat", "iss", "aud", "sub", "jti"],
                                     # time is checked below against the platform clock
                                     "verify_exp": False, "verify_iat": False, "verify_nbf": False})
    except jwt.PyJWTError:
        raise Unauthorized("登录凭证无效", code="TOKEN_INVALID") from None
    return key.kid, claims


def _check_claims(claims: dict) -> dict:
    now = clock.now().timestamp()
    if not isinstance(claims["exp"], int) or claims["exp"] <= now:
        raise Unauthorized("登录已过期，请重新登录", code="TOKEN_EXPIRED")
    if claims.get("typ") != "access":
        raise Unauthorized("登录凭证无效", code="TOKEN_INVALID")
    return claims
