"""Regions, halls, topics and life-event bundles."""

from __future__ import annotations

from app.catalog import service
from app.catalog.models import ServiceItem

API = "/api/v1"


class TestRegions:
    async def test_province_then_cities_then_counties(self, client, catalog):
        r = await client.get(f"{API}/regions")
        assert [x["code"] for x in r.json()["items"]] == ["140000"]
        cities = (await client.get(f"{API}/regions", params={"parent": "140000"})).json()["items"]
        assert len(cities) == 11 and {"level": "city", "code": "140100", "name": "太原市", "parent_code": "140000"} in cities
        villages = (await client.get(f"{API}/regions", params={"parent": "140121100"})).json()["items"]
        assert villages and all(v["level"] == "village" for v in villages)
        assert (await client.get(f"{API}/regions", params={"parent": "x"})).status_code == 422


class TestHalls:
    async def test_region_filter_includes_sub_regions(self, client, catalog):
        r = await client.get(f"{API}/halls", params={"region": "140100"})
        codes = {h["code"] for h in r.json()["items"]}
        assert codes == {"SX-140100-ZWFW", "SX-140121-ZWFW", "SX-140121100-BMFW"}
        hall = next(h for h in r.json()["items"] if h["code"] == "SX-140121-ZWFW")
        assert hall["address"] and hall["opening_hours"]["fri"] == ["09:00-12:00", "13:30-17:30"]
        assert hall["window_count"] == 10
        r = await client.get(f"{API}/halls", params={"region": "140000"})
        assert len(r.json()["items"]) == 6

    async def test_item_filter_and_pagination(self, client, catalog):
        r = await client.get(f"{API}/halls", params={"item": "140121-07-0301"})
        assert [h["code"] for h in r.json()["items"]] == ["SX-140121-ZWFW"]
        r = await client.get(f"{API}/halls", params={"item": "140121-07-0301", "region": "140700"})
        assert r.json()["items"] == []
        assert (await client.get(f"{API}/halls", params={"item": "nope"})).status_code == 404
        page1 = await client.get(f"{API}/halls", params={"limit": 4})
        page2 = await client.get(f"{API}/halls", params={"limit": 4, "cursor": page1.json()["next_cursor"]})
        codes = [h["code"] for h in page1.json()["items"] + page2.json()["items"]]
        assert len(codes) == 6 == len(set(codes)) and page2.json()["next_cursor"] is None

    async def test_service_lookups(self, rt, catalog):
        hall = await service.get_hall_by_code(code="SX-140000-ZWFW")
        assert (await service.get_hall(hall_id=hall.id)).code == "SX-140000-ZWFW"
        assert await service.region_ancestors(code="140121100201") == ["140121100", "140121", "140100", "140000"]


class TestTopics:
    async def test_counts_match_items(self, client, catalog):
        topics = {t["code"]: t for t in (await client.get(f"{API}/topics")).json()["items"]}
        birth = await ServiceItem.filter(published=True, topic_index__contains="|birth|").count()
        assert topics["birth"]["item_count"] == birth and topics["birth"]["name"] == "生育收养"
        business = {t["code"] for t in (await client.get(f"{API}/topics", params={"audience": "legal_person"})).json()["items"]}
        assert "enterprise_start" in business and "birth" not in business and "social_security" in business


class TestBundles:
    async def test_list_and_detail(self, client, catalog):
        bundles = (await client.get(f"{API}/bundles")).json()["items"]
        assert len(bundles) >= 5 and bundles[0]["code"] == "newborn" and bundles[0]["item_count"] == 4
        d = (await client.get(f"{API}/bundles/newborn")).json()
        assert [i["code"] for i in d["items"]] == ["140100-20-0601", "140121-07-0201", "140121-20-0501", "140000-20-0401"]
        by_name = {m["name"]: m for m in d["materials"]}
        assert by_name["居民身份证"]["license_type"] == "id_card"
        assert set(by_name["出生医学证明"]["items"]) == {"140121-07-0201", "140121-20-0501", "140000-20-0401"}
        assert d["separate_visits"] >= 1 and d["total_fee_fen"] == 0
        r = await client.get(f"{API}/bundles/open_restaurant")
        assert r.json()["audience"] == "legal_person" and len(r.json()["items"]) == 5
        assert (await client.get(f"{API}/bundles/nope")).json()["error"]["code"] == "BUNDLE_NOT_FOUND"
