"""Fixtures for 寄递: a deliverable item handled by one hall, plus the applications fixtures."""

from __future__ import annotations

import pytest

from tests.applications.conftest import alice, api, cal, reviewer  # noqa: F401 - shared fixtures
from tests.factories import make_application_item, make_hall


@pytest.fixture
async def hall(cal):
    from app.catalog.models import Region

    await Region.get_or_create(code="140100", defaults={"name": "太原市", "level": "city", "parent_code": "140000"})
    await Region.get_or_create(code="140105", defaults={"name": "小店区", "level": "county", "parent_code": "140100"})
    return await make_hall()


@pytest.fixture
async def item(hall):
    item = await make_application_item(deliverable=True)
    await item.halls.add(hall)
    return item
