from __future__ import annotations

import pytest_asyncio

from app.catalog import seed as catalog_seed


@pytest_asyncio.fixture
async def catalog(rt):
    """The seeded catalogue (regions, halls, topics, items, bundles) and its counts."""
    return await catalog_seed.seed()
