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


async def hall_item_codes(*, hall_id: str | uuid.UUID, bookable_only: bool = True) -> list[str]:
    """Codes of the published items a hall handles (only bookable ones by default)."""
    from app.catalog.models import ServiceItem

    qs = ServiceItem.filter(halls__id=hall_id, published=True)
    if bookable_only:
        qs = qs.filter(bookable=True)
    return sorted(set(await qs.values_list("code", flat=True)))


async def hall_handles_item(*, hall_id: str | uuid.UUID, item_code: str) -> bool:
    """Whether the hall handles the published item `item_code`."""
    from app.catalog.models import ServiceItem

    return await ServiceItem.filter(code=item_code, published=True, halls__id=hall_id).exists()


async def list_halls(*, codes: list[str] | None = None) -> list[Hall]:
    """Every hall (or those with the given codes), by code."""
    qs = Hall.all() if codes is None else Hall.filter(code__in=codes)
    return await qs.order_by("code")
