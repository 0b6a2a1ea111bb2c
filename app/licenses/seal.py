"""Seals and signed codes: pluggable signature suites (Ed25519, SM2 with SM3), issuer keys with a
`kid` kept under data/keys/licenses/, the public key document, canonical serialisation.

Nothing here touches the database: a third party holding the published key document can run
`verify_signature` / `offline.verify_show_payload` without the platform."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.core import runtime

ED25519 = "ed25519"
SM2 = "sm2"
SUITES = (ED25519, SM2)
ALG = {ED25519: "EdDSA", SM2: "SM2-SM3"}
# The platform's own key that signs 亮证 codes (hot path: always Ed25519).
WALLET_KEY_OWNER = "SJT-WALLET"
SM2_USER_ID = b"1234567812345678"  # GM/T 0009 default distinguishing identifier


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def canonical(document: Any) -> bytes:
    """Sorted, compact, UTF-8 JSON (the JCS shape for the strings, integers and lists we sign)."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


# --- suites ---------------------------------------------------------------------------------

class Suite:
    name: str

    def generate(self) -> bytes: ...
    def public_jwk(self, private: bytes) -> dict: ...
    def sign(self, private: bytes, data: bytes) -> bytes: ...
    def verify(self, jwk: dict, signature: bytes, data: bytes) -> bool: ...


class Ed25519Suite(Suite):
    name = ED25519

    def generate(self) -> bytes:
        return Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())

    def public_jwk(self, private: bytes) -> dict:
        return {"kty": "OKP", "crv": "Ed25519", "x": _ed_public_x(private)}

    def sign(self, private: bytes, data: bytes) -> bytes:
        return _ed_private(private).sign(data)

    def verify(self, jwk: dict, signature: bytes, data: bytes) -> bool:
        try:
            _ed_public(jwk["x"]).verify(signature, data)
            return True
        except (InvalidSignature, ValueError, KeyError, TypeError):
            return False


@lru_cache(maxsize=64)
def _ed_private(private: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(private)


@lru_cache(maxsize=64)
def _ed_public_x(private: bytes) -> str:
    return b64u(_ed_private(private).public_key().public_bytes(serialization.Encoding.Raw,
                                                               serialization.PublicFormat.Raw))


@lru_cache(maxsize=256)
def _ed_public(x: str) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(unb64u(x))


class Sm2Suite(Suite):
    """SM2 signature with SM3 digest (GB/T 32918, GM/T 0009) via gmssl — pure Python, ~10–25 ms."""

    name = SM2

    def generate(self) -> bytes:
        from gmssl import sm2

        n = int(sm2.default_ecc_table["n"], 16)
        k = int.from_bytes(os.urandom(32), "big") % (n - 1) + 1
        return k.to_bytes(32, "big")

    def _public_hex(self, private: bytes) -> str:
        from gmssl import sm2

        return sm2.CryptSM2(private_key=private.hex(), public_key="")._kg(
            int.from_bytes(private, "big"), sm2.default_ecc_table["g"])

    def public_jwk(self, private: bytes) -> dict:
        public = bytes.fromhex(self._public_hex(private))
        return {"kty": "EC", "crv": "SM2", "x": b64u(public[:32]), "y": b64u(public[32:])}

    def sign(self, private: bytes, data: bytes) -> bytes:
        from gmssl import func

        signer = _sm2(private.hex(), self._public_hex(private))
        return bytes.fromhex(signer.sign_with_sm3(data, func.random_hex(signer.para_len)))

    def verify(self, jwk: dict, signature: bytes, data: bytes) -> bool:
        try:
            public = (unb64u(jwk["x"]) + unb64u(jwk["y"])).hex()
            if len(signature) != 64:
                return False
            return bool(_sm2(None, public).verify_with_sm3(signature.hex(), data))
        except Exception:  # noqa: BLE001 - malformed keys or points are simply not a valid signature
            return False


def _sm2(private_hex: str | None, public_hex: str):
    from gmssl import sm2

    crypt = sm2.CryptSM2(private_key=private_hex, public_key="")
    # gmssl's constructor does `public_key.lstrip("04")`, which also eats leading 0/4 digits of x
    # (about 1 key in 200 breaks); set the uncompressed x||y after construction instead.
    crypt.public_key = public_hex
    return crypt


_SUITES: dict[str, Suite] = {ED25519: Ed25519Suite(), SM2: Sm2Suite()}


def suite(name: str) -> Suite:
    return _SUITES[name]


# --- keys -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class IssuerKey:
    kid: str
    owner: str  # issuer credit code, or WALLET_KEY_OWNER
    suite: str
    private: bytes

    def public_jwk(self, **extra: str) -> dict:
        return {**suite(self.suite).public_jwk(self.private), "kid": self.kid, "alg": ALG[self.suite],
                "use": "sig", "owner": self.owner, **extra}

    def sign(self, data: bytes) -> bytes:
        return suite(self.suite).sign(self.private, data)


def _keys_folder_path() -> str:
    return os.path.join(runtime.settings().keys_dir, "licenses")  # a str: no Path built on every verify


def keys_folder() -> Path:
    return Path(_keys_folder_path())


def _kid(suite_name: str, private: bytes) -> str:
    jwk = suite(suite_name).public_jwk(private)
    digest = hashlib.sha256(canonical({k: jwk[k] for k in sorted(jwk)})).digest()
    return f"{'e' if suite_name == ED25519 else 's'}{b64u(digest)[:7]}"


def _write(path: Path, data: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(data)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


@lru_cache(maxsize=8)
def _load_all(folder: str) -> dict[str, IssuerKey]:
    keys: dict[str, IssuerKey] = {}
    path = Path(folder)
    for file in sorted(path.glob("*.key.json")) if path.exists() else []:
        raw = json.loads(file.read_text())
        key = IssuerKey(kid=raw["kid"], owner=raw["owner"], suite=raw["suite"], private=unb64u(raw["d"]))
        keys[key.kid] = key
    return keys


def all_keys() -> dict[str, IssuerKey]:
    return _load_all(_keys_folder_path())


_last_reload = 0.0


def lookup(kid: str) -> IssuerKey | None:
    """The key with this kid; an unknown kid re-reads the folder (at most every 10 s) so that a key
    another worker just created is found."""
    global _last_reload
    key = all_keys().get(kid)
    if key is None and time.monotonic() - _last_reload > 10:
        _last_reload = time.monotonic()
        _load_all.cache_clear()
        key = all_keys().get(kid)
    return key


def current_key(owner: str, suite_name: str = ED25519) -> IssuerKey:
    """The newest key of `owner` in `suite_name`, created on first use."""
    candidates = [k for k in all_keys().values() if k.owner == owner and k.suite == suite_name]
    if candidates:
        return candidates[-1]
    return generate_key(owner, suite_name)


def generate_key(owner: str, suite_name: str = ED25519) -> IssuerKey:
    """A new key for `owner` (rotation: older keys stay published and keep verifying)."""
    private = suite(suite_name).generate()
    kid = _kid(suite_name, private)
    existing = len(list(keys_folder().glob("*.key.json"))) if keys_folder().exists() else 0
    _write(keys_folder() / f"{existing:04d}-{owner}-{kid}.key.json",
           json.dumps({"kid": kid, "owner": owner, "suite": suite_name, "d": b64u(private)}))
    _load_all.cache_clear()
    return all_keys()[kid]


def key_document(names: dict[str, str] | None = None) -> dict:
    """The public key document (JWKS-style): every issuer seal key and the wallet code key."""
    names = names or {}
    return {"keys": [k.public_jwk(owner_name=names.get(k.owner, "三晋通电子证照亮证" if k.owner == WALLET_KEY_OWNER
                                                      else k.owner))
                     for k in all_keys().values()]}


# --- signing --------------------------------------------------------------------------------

def seal(document: dict, *, owner: str, suite_name: str = ED25519) -> dict:
    """The issuer's seal over the canonical form of `document`."""
    key = current_key(owner, suite_name)
    signature = key.sign(canonical(document))
    return {"kid": key.kid, "alg": ALG[key.suite], "sig": b64u(signature)}


def find_jwk(keys: dict | list, kid: str) -> dict | None:
    items = keys.get("keys", []) if isinstance(keys, dict) else keys
    return next((k for k in items if k.get("kid") == kid), None)


def verify_signature(jwk: dict, signature: bytes, data: bytes) -> bool:
    """Verify with a published key (its `alg` picks the suite)."""
    name = {v: k for k, v in ALG.items()}.get(jwk.get("alg", ""))
    return name is not None and suite(name).verify(jwk, signature, data)


def verify_seal(document: dict, seal_value: dict, keys: dict | list) -> bool:
    """True when `seal_value` is a valid seal of `document` by a key in `keys`."""
    jwk = find_jwk(keys, seal_value.get("kid", ""))
    if jwk is None or jwk.get("alg") != seal_value.get("alg"):
        return False
    try:
        signature = unb64u(seal_value.get("sig", ""))
    except (ValueError, TypeError):
        return False
    return verify_signature(jwk, signature, canonical(document))
