"""Secrets from settings; in the embedded mode, generated once into data/keys/ (never committed)."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from app.core.config import Settings


def _load_or_create(path: Path, size: int = 32) -> bytes:
    if path.exists():
        return base64.b64decode(path.read_text().strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    value = os.urandom(size)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(base64.b64encode(value).decode())
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return value


def data_key(settings: Settings) -> bytes:
    if settings.data_key:
        return base64.b64decode(settings.data_key)
    return _load_or_create(Path(settings.keys_dir) / "data.key")


def blind_index_key(settings: Settings) -> bytes:
    if settings.blind_index_key:
        return base64.b64decode(settings.blind_index_key)
    return _load_or_create(Path(settings.keys_dir) / "blind-index.key")


def secret_file(settings: Settings, name: str, size: int = 32) -> bytes:
    """Any other named secret kept beside the data key (e.g. ticket-signing keys)."""
    return _load_or_create(Path(settings.keys_dir) / name, size)
