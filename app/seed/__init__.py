"""Demo and reference data, loaded idempotently (upserts by natural key): run it twice, same rows.

Each domain contributes `app/<domain>/seed.py` with `async def seed() -> dict[str, int]`; they run
in SEED_ORDER so that later domains can refer to what earlier ones created."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

from app.core.config import ROOT

DATA = Path(__file__).parent / "data"
SEED_ORDER = ["calendar", "catalog", "identity", "appointments", "agents", "licenses", "applications", "payments"]


def load_json(name: str):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def seed_modules() -> list[str]:
    present = [p.parent.name for p in (ROOT / "app").glob("*/seed.py")]
    ordered = [d for d in SEED_ORDER if d in present] + sorted(d for d in present if d not in SEED_ORDER)
    return [f"app.{d}.seed" for d in ordered]


async def seed_all() -> dict[str, dict]:
    """Run every domain's seed in order; returns the row counts each reports."""
    summary = {}
    for name in seed_modules():
        module = importlib.import_module(name)
        summary[name.split(".")[1]] = await module.seed()
    return summary
