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
