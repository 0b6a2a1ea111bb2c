"""Regions of Shanxi (GB/T 2260), service halls, topics, service items and life-event bundles."""

from __future__ import annotations

from app.core.transactions import in_transaction

from app.catalog import cache, service
from app.catalog.forms_pdf import render_form
from app.catalog.models import BundleItem, Hall, LifeEventBundle, Material, Region, ServiceItem, Topic
from app.catalog.schemas import ItemCreate, ItemPatch
from app.catalog.seed_data import BUNDLES, TOPICS, all_items
from app.core import runtime
from app.seed import load_json

WEEKDAY_HOURS = {d: ["09:00-12:00", "13:30-17:30"] for d in ("mon", "tue", "wed", "thu", "fri")}


def _windows(groups: dict[str, tuple[str, int]]) -> list[dict]:
    return [{"no": f"{g}{i:02d}", "group": g, "name": name}
            for g, (name, count) in groups.items() for i in range(1, count + 1)]


HALLS = [
    {"code": "SX-140000-ZWFW", "name": "山西省政务服务中心", "region_code": "140000",
     "address": "太原市小店区长治路与南中环街交叉口", "phone": "0351-96303",
     "windows": _windows({"A": ("综合受理", 8), "B": ("企业开办", 6), "C": ("不动产登记", 4), "D": ("出件", 2)}),
     "latitude": 37.8121, "longitude": 112.5650},
    {"code": "SX-140100-ZWFW", "name": "太原市政务服务中心", "region_code": "140100",
     "address": "太原市万柏林区滨河西路51号", "phone": "0351-12345",
     "windows": _windows({"A": ("综合受理", 10), "B": ("企业开办", 6), "C": ("社保医保", 4), "D": ("出件", 2)}),
     "latitude": 37.8567, "longitude": 112.5380},
    {"code": "SX-140121-ZWFW", "name": "清徐县政务服务中心", "region_code": "140121",
     "address": "清徐县清源镇文源路18号", "phone": "0351-5722345",
     "windows": _windows({"A": ("综合受理", 6), "B": ("社保医保", 3), "D": ("出件", 1)}),
     "latitude": 37.6070, "longitude": 112.3580},
    {"code": "SX-140700-ZWFW", "name": "晋中市政务服务中心", "region_code": "140700",
     "address": "晋中市榆次区汇通路与迎宾街交叉口", "phone": "0354-12345",
     "windows": _windows({"A": ("综合受理", 8), "B": ("企业开办", 4), "C": ("不动产登记", 4), "D": ("出件", 2)}),
     "latitude": 37.6872, "longitude": 112.7527},
    {"code": "SX-140728-ZWFW", "name": "平遥县政务服务中心", "region_code": "140728",
     "address": "平遥县古陶镇新建南路66号", "phone": "0354-5682345",
     "windows": _windows({"A": ("综合受理", 6), "B": ("企业开办", 2), "D": ("出件", 1)}),
     "latitude": 37.1893, "longitude": 112.1758},
    {"code": "SX-140121100-BMFW", "name": "清源镇便民服务中心", "region_code": "140121100",
     "address": "清徐县清源镇府前街2号", "phone": "0351-5721100",
     "windows": _windows({"A": ("综合受理", 3)}), "latitude": 37.6050, "longitude": 112.3550},
]


async def seed() -> dict[str, int]:
    async with in_transaction():
        for row in load_json("regions.json"):
            await Region.update_or_create(code=row["code"], defaults={
                "name": row["name"], "level": row["level"], "parent_code": row["parent_code"]})
        for hall in HALLS:
            await Hall.update_or_create(code=hall["code"], defaults={
                **{k: v for k, v in hall.items() if k != "code"}, "opening_hours": WEEKDAY_HOURS})
        for sort, (code, name, audience) in enumerate(TOPICS):
            await Topic.update_or_create(code=code, defaults={"name": name, "audience": audience, "sort": sort})
    for data in all_items():
        await _seed_item(data)
    for sort, data in enumerate(BUNDLES):
        await _seed_bundle(data, sort)
    await cache.invalidate_all()
    return {"regions": await Region.all().count(), "halls": await Hall.all().count(),
            "topics": await Topic.all().count(), "items": await ServiceItem.all().count(),
            "materials": await Material.all().count(), "bundles": await LifeEventBundle.all().count()}


async def _seed_item(data: dict) -> None:
    materials = [{**m, "code": f"M{i:02d}"} for i, m in enumerate(data["materials"], start=1)]
    values = {**data, "materials": [{k: v for k, v in m.items() if k != "template"} for m in materials]}
    if await ServiceItem.exists(code=data["code"]):
        item = await service.update_item(code=data["code"], changes=ItemPatch.model_validate(
            {k: v for k, v in values.items() if k != "code"}))
    else:
        item = await service.create_item(data=ItemCreate.model_validate(values))
    for m in materials:
        if not m["template"]:
            continue
        keys = {}
        for kind in ("template", "sample"):
            key = f"catalog/forms/{item.code}/{m['code']}-{kind}.pdf"
            pdf = render_form(item_name=item.name, material_name=m["name"], schema=item.form_schema,
                              sample=kind == "sample")
            await runtime.storage().put(key, pdf, "application/pdf")
            keys[f"{kind}_key"] = key
        await Material.filter(item_id=item.id, code=m["code"]).update(**keys)


async def _seed_bundle(data: dict, sort: int) -> None:
    async with in_transaction():
        bundle, _ = await LifeEventBundle.update_or_create(code=data["code"], defaults={
            "name": data["name"], "aliases": data.get("aliases", []), "description": data["description"],
            "department": data.get("department", ""), "audience": data.get("audience", "person"),
            "promised_days": data["promised_days"], "sort": sort, "published": True})
        items = {i.code: i for i in await ServiceItem.filter(code__in=data["items"])}
        await BundleItem.filter(bundle_id=bundle.id).delete()
        for position, code in enumerate(data["items"]):
            await BundleItem.create(bundle_id=bundle.id, item_id=items[code].id, sort=position)
