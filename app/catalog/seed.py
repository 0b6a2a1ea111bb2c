"""Regions of Shanxi (GB/T 2260) and service halls."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from app.catalog.models import Hall, Region
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
    return {"regions": await Region.all().count(), "halls": await Hall.all().count()}
