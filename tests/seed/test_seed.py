"""Seeding is idempotent: run twice, same counts."""

from __future__ import annotations

import json

from app.seed import seed_all


async def test_seed_twice_gives_same_counts(rt):
    first = await seed_all()
    second = await seed_all()
    assert first == second
    assert first["catalog"]["regions"] >= 100
    assert first["catalog"]["halls"] >= 5


async def test_seed_has_eleven_cities_and_demo_accounts(rt):
    from app.catalog.models import Region

    await seed_all()
    cities = await Region.filter(parent_code="140000").values_list("code", flat=True)
    assert len(cities) == 11 and "140100" in cities and "141100" in cities
    demo = json.loads((rt.settings.data_dir / "demo-accounts.json").read_text())
    roles = {d["role"] for d in demo}
    assert roles >= {"resident", "legal_person", "agent", "counter", "reviewer", "admin"}
