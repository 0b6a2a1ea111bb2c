"""Catalogue services: regions, halls (service items and bundles build on these)."""

from __future__ import annotations

import uuid

from app.catalog.models import Hall, Region
from app.core.errors import NotFound


async def get_hall(*, hall_id: str | uuid.UUID) -> Hall:
    """A hall by id (404 when unknown)."""
    hall = await Hall.get_or_none(id=hall_id)
    if hall is None:
        raise NotFound("服务大厅不存在", code="HALL_NOT_FOUND")
    return hall


async def get_hall_by_code(*, code: str) -> Hall:
    """A hall by its code (404 when unknown)."""
    hall = await Hall.get_or_none(code=code)
    if hall is None:
        raise NotFound("服务大厅不存在", code="HALL_NOT_FOUND")
    return hall


async def list_regions(*, parent: str | None) -> list[Region]:
    """Child regions of `parent` (the province when no parent is given)."""
    if parent is None:
        return await Region.filter(parent_code=None).order_by("code")
    return await Region.filter(parent_code=parent).order_by("code")


async def region_exists(*, code: str) -> bool:
    """Whether `code` is a known region."""
    return await Region.exists(code=code)


async def get_item(*, code: str, with_materials: bool = True):
    """A published service item by its code, with its materials (404 when unknown)."""
    from app.catalog.models import ServiceItem

    item = await ServiceItem.get_or_none(code=code, published=True)
    if item is None:
        raise NotFound("事项不存在", code="ITEM_NOT_FOUND")
    if with_materials:
        await item.fetch_related("materials")
    return item


async def get_item_by_id(*, item_id: str | uuid.UUID):
    """A service item by id (404 when unknown)."""
    from app.catalog.models import ServiceItem

    item = await ServiceItem.get_or_none(id=item_id)
    if item is None:
        raise NotFound("事项不存在", code="ITEM_NOT_FOUND")
    return item
