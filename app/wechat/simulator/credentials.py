"""The simulator's identities and keys, generated on first run into data/wechat-sim/ and read by
both the simulator and the platform's clients (never committed)."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path


def sim_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "wechat-sim"


def load_credentials(data_dir: Path) -> dict:
    """App id and secret of the simulated mini-program (created once, then stable)."""
    folder = sim_dir(data_dir)
    path = folder / "app.json"
    if path.exists():
        return json.loads(path.read_text())
    folder.mkdir(parents=True, exist_ok=True)
    creds = {"appid": "wx" + secrets.token_hex(8), "secret": secrets.token_hex(16)}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(creds))
    os.chmod(tmp, 0o600)
    try:
        os.link(tmp, path)  # first writer wins when two processes start together
    except FileExistsError:
        pass
    tmp.unlink(missing_ok=True)
    return json.loads(path.read_text())


def _pem_private(key) -> str:
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def _pem_public(key) -> str:
    from cryptography.hazmat.primitives import serialization

    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def _new_pay_credentials() -> dict:
    from cryptography.hazmat.primitives.asymmetric import rsa

    merchant = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    platform = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return {
        "mchid": str(1900000000 + secrets.randbelow(99_999_999)),
        "merchant_serial": secrets.token_hex(20).upper(),
        "merchant_private_key": _pem_private(merchant),
        "merchant_public_key": _pem_public(merchant),
        "apiv3_key": secrets.token_urlsafe(24)[:32],
        "platform_public_key_id": "PUB_KEY_ID_" + secrets.token_hex(12).upper(),
        "platform_private_key": _pem_private(platform),
        "platform_public_key": _pem_public(platform),
    }


def pay_files(data_dir: Path) -> dict[str, Path]:
    """Where the WeChat Pay keys are written (the platform's settings default to these)."""
    folder = sim_dir(data_dir)
    return {"merchant_key": folder / "merchant_key.pem", "platform_public_key": folder / "platform_public_key.pem"}


def load_pay_credentials(data_dir: Path) -> dict:
    """WeChat Pay identities of the simulated merchant and platform: merchant RSA key + serial,
    platform RSA key + public key id, APIv3 key, mchid (created once, then stable)."""
    folder = sim_dir(data_dir)
    path = folder / "pay.json"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f"pay.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        tmp.write_text(json.dumps(_new_pay_credentials()))
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)  # first writer wins when two processes start together
        except FileExistsError:
            pass
        tmp.unlink(missing_ok=True)
    creds = json.loads(path.read_text())
    files = pay_files(data_dir)
    for name, content in (("merchant_key", creds["merchant_private_key"]),
                          ("platform_public_key", creds["platform_public_key"])):
        target = files[name]
        if not target.exists() or target.read_text() != content:
            tmp = target.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(content)
            os.chmod(tmp, 0o600)
            os.replace(tmp, target)
    return creds
