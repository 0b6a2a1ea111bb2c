"""Catalogue API: search with Chinese and pinyin, filters, stable cursors, guides, caching, admin edits."""

from __future__ import annotations

from app.catalog.models import Material, ServiceItem
from app.identity.models import Role
from tests.factories import auth_headers, make_account, make_item

API = "/api/v1"


async def all_pages(client, **params):
    seen, cursor = [], None
    for _ in range(100):
        r = await client.get(f"{API}/items", params={**params, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, r.text
        seen += [i["code"] for i in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if not cursor:
            return seen
    raise AssertionError("pagination does not end")


class TestSearch:
    async def test_pinyin_initials_find_business_licence(self, client, catalog):
        r = await client.get(f"{API}/items", params={"q": "yyzz"})
        codes = [i["code"] for i in r.json()["items"]]
        assert "140000-01-0101" in codes and "140728-01-0102" in codes
        names = {i["name"] for i in r.json()["items"]}
        assert names == {"企业设立登记", "个体工商户设立登记"}

    async def test_chinese_name_alias_and_full_pinyin(self, client, catalog):
        r = await client.get(f"{API}/items", params={"q": "营业执照"})
        assert {i["name"] for i in r.json()["items"]} == {"企业设立登记", "个体工商户设立登记"}
        r = await client.get(f"{API}/items", params={"q": "结婚登记"})
        assert r.json()["items"][0]["name"] == "内地居民结婚登记"
        r = await client.get(f"{API}/items", params={"q": "jiehun"})
        assert {i["name"] for i in r.json()["items"]} == {"内地居民结婚登记"}
        r = await client.get(f"{API}/items", params={"q": "SBK"})
        assert r.json()["items"][0]["code"] == "140000-20-0401"

    async def test_exact_name_ranks_first(self, client, catalog):
        r = await client.get(f"{API}/items", params={"q": "不动产抵押登记"})
        assert r.json()["items"][0]["code"] == "140728-07-0702"
        r = await client.get(f"{API}/items", params={"q": "bdc"})
        codes = [i["code"] for i in r.json()["items"]]
        assert set(codes) == {"140100-07-0701", "140728-07-0702"}

    async def test_several_words_must_all_match(self, client, catalog):
        r = await client.get(f"{API}/items", params={"q": "残疾 补贴"})
        names = {i["name"] for i in r.json()["items"]}
        assert names == {"残疾人辅助器具适配补贴申请", "困难残疾人生活补贴和重度残疾人护理补贴申请"}

    async def test_no_match_and_wildcards_are_literal(self, client, catalog):
        for q in ("不存在的事项", "%", "_", "'; drop table service_item; --"):
            r = await client.get(f"{API}/items", params={"q": q})
            assert r.status_code == 200 and r.json()["items"] == [], q

    async def test_ranking_reads_the_stored_pinyin_forms(self, client, catalog):
        """Search ranks by the forms stored when the item was written (no pypinyin per query):
        forms edited in the row change the match, and a row without forms is computed."""
        item = await ServiceItem.get(code="140000-01-0101")
        assert item.pinyin_forms[0] == ["qysldj", "qiyeshelidengji"]
        item.pinyin_forms = [["qqqq", "qqqq"]] + item.pinyin_forms[1:]
        item.search_text += "qqqq|"
        await item.save()
        r = await client.get(f"{API}/items", params={"q": "qqqq"})
        assert [i["code"] for i in r.json()["items"]] == ["140000-01-0101"]
        await ServiceItem.filter(code="140000-01-0101").update(pinyin_forms=None)
        r = await client.get(f"{API}/items", params={"q": "qysl"})
        assert "140000-01-0101" in [i["code"] for i in r.json()["items"]]


def test_an_api_worker_does_not_load_pypinyin():
    """Its phrase dictionary costs ~60 MB per worker (bench: 2 000 long-polls under 200 MB)."""
    import subprocess
    import sys

    code = ("import sys; from app.core.config import load_settings; from app.server import create_app; "
            "create_app(load_settings(DATABASE_URL='sqlite://:memory:', REDIS_URL='memory://')); "
            "print('pypinyin' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False"


class TestFilters:
    async def test_region_includes_sub_regions(self, client, catalog):
        codes = await all_pages(client, region="140121")
        rows = await ServiceItem.filter(code__in=codes)
        assert rows and all(r.region_code.startswith("140121") for r in rows)
        assert {"township", "village", "county"} <= {r.level for r in rows}

    async def test_region_with_parents_adds_province_and_city_items(self, client, catalog):
        codes = await all_pages(client, region="140121100", with_parents="true")
        regions = set(await ServiceItem.filter(code__in=codes).values_list("region_code", flat=True))
        assert {"140000", "140100", "140121", "140121100", "140121100201"} <= regions
        assert "140728" not in regions and "140700" not in regions

    async def test_level_audience_topic_department_mobile(self, client, catalog):
        await make_item(name="线下专办事项", mobile_enabled=False, region_code="140000")
        rows = await ServiceItem.filter(code__in=await all_pages(client, level="village"))
        assert len(rows) == 2 and {r.level for r in rows} == {"village"}
        rows = await ServiceItem.filter(code__in=await all_pages(client, audience="legal_person"))
        assert rows and {r.audience for r in rows} <= {"legal_person", "both"}
        assert "140100-07-0701" in {r.code for r in rows}  # audience "both" serves legal persons too
        rows = await ServiceItem.filter(code__in=await all_pages(client, topic="birth"))
        assert {r.code for r in rows} >= {"140100-20-0601", "140121-07-0201", "140121100-20-0601"}
        assert all("birth" in r.topics for r in rows)
        rows = await ServiceItem.filter(code__in=await all_pages(client, department="公安"))
        assert len(rows) == 4
        assert [r.name for r in await ServiceItem.filter(code__in=await all_pages(client, mobile="false"))] == ["线下专办事项"]

    async def test_bad_filters_are_422(self, client, catalog):
        for params in ({"region": "999999"}, {"region": "abc"}, {"level": "galaxy"}, {"limit": "0"},
                       {"cursor": "@@@"}, {"mobile": "maybe"}):
            r = await client.get(f"{API}/items", params=params)
            assert r.status_code == 422, params
        r = await client.get(f"{API}/items", params={"region": "999999"})
        assert r.json()["error"]["code"] == "REGION_NOT_FOUND"


class TestPagination:
    async def test_pages_cover_everything_once_in_order(self, client, catalog):
        for params in ({}, {"q": "登记"}, {"q": "dj"}, {"region": "140100"}):
            full = await client.get(f"{API}/items", params={**params, "limit": 100})
            expected = [i["code"] for i in full.json()["items"]]
            assert len(expected) >= 4, params
            assert await all_pages(client, **params, limit=3) == expected, params

    async def test_cursor_survives_new_items(self, client, catalog):
        first = await client.get(f"{API}/items", params={"q": "登记", "limit": 2})
        await make_item(name="AAA登记测试", code="000000-20-0001")  # sorts before everything
        rest = await all_pages(client, q="登记", cursor=first.json()["next_cursor"], limit=2)
        assert not set(rest) & {i["code"] for i in first.json()["items"]}

    async def test_same_data_for_every_channel(self, client, catalog):
        bodies = []
        for ua in ("Mozilla/5.0 MicroMessenger miniProgram", "Mozilla/5.0 (iPhone) Safari", "SJT-Counter/1.0"):
            r = await client.get(f"{API}/items", params={"q": "社保"}, headers={"User-Agent": ua, "X-Device": ua})
            bodies.append(r.json())
        assert bodies[0] == bodies[1] == bodies[2] and bodies[0]["items"]


class TestGuide:
    async def test_full_guide(self, client, catalog):
        r = await client.get(f"{API}/items/140100-07-0701")
        assert r.status_code == 200
        g = r.json()
        assert g["fee"] == {"charged": True, "amount_fen": 8000, "basis": g["fee"]["basis"], "nontax_code": "103045002"}
        assert "发改价格规〔2016〕2559号" in g["fee"]["basis"]
        assert g["limits"] == {"legal_days": 30, "promised_days": 5, "visits": 1}
        assert g["region_name"] == "太原市" and g["level_label"] == "市级"
        assert g["halls"][0]["address"] and g["halls"][0]["opening_hours"]["mon"]
        assert g["form_schema"]["type"] == "object" and "buyer_name" in g["form_schema"]["required"]
        by_name = {m["name"]: m for m in g["materials"]}
        assert by_name["不动产权证书"]["license_type"] == "real_estate"
        assert by_name["结婚证"]["required"] is False and by_name["结婚证"]["condition"]
        form = by_name["不动产登记申请书"]
        pdf = await client.get(form["template_url"])
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pdf.headers["content-type"] == "application/pdf"
        assert (await client.get(form["sample_url"])).content.startswith(b"%PDF")
        assert (await client.get(f"{API}/items/140100-07-0701/materials/M02/template")).status_code == 404
        assert (await client.get(f"{API}/items/140100-07-0701/materials/M01/other")).status_code == 404

    async def test_guide_lists_bundles_and_topics(self, client, catalog):
        g = (await client.get(f"{API}/items/140121-07-0201")).json()
        assert {"code": "newborn", "name": "新生儿出生一件事"} in g["bundles"]
        assert {"code": "household", "name": "户籍办理"} in g["topics"]

    async def test_unknown_and_unpublished_are_404(self, client, catalog):
        assert (await client.get(f"{API}/items/nope")).json()["error"]["code"] == "ITEM_NOT_FOUND"
        await make_item(code="140000-20-HIDDEN", published=False)
        assert (await client.get(f"{API}/items/140000-20-HIDDEN")).status_code == 404

    async def test_cached_reads_and_etag(self, client, catalog):
        first = await client.get(f"{API}/items/140000-01-0101")
        second = await client.get(f"{API}/items/140000-01-0101")
        assert first.headers["x-cache"] == "miss" and second.headers["x-cache"] == "hit"
        assert first.json() == second.json()
        r = await client.get(f"{API}/items/140000-01-0101", headers={"If-None-Match": second.headers["etag"]})
        assert r.status_code == 304

    async def test_admin_edit_invalidates_the_cache(self, client, catalog):
        await client.get(f"{API}/items/140000-01-0101")
        admin = await auth_headers(await make_account(Role.ADMIN))
        r = await client.patch(f"{API}/items/140000-01-0101", json={"promised_days": 0, "notes": "当场办结"},
                               headers=admin)
        assert r.status_code == 200, r.text
        after = await client.get(f"{API}/items/140000-01-0101")
        assert after.headers["x-cache"] == "miss" and after.json()["limits"]["promised_days"] == 0
        assert after.json()["notes"] == "当场办结"


class TestAdminEditing:
    NEW = {"code": "140121-20-9901", "name": "老年人优待证办理", "aliases": ["老年证"], "type": "公共服务",
           "department": "民政", "implementer": "清徐县民政局", "level": "county", "region_code": "140121",
           "topics": ["retirement"], "legal_basis": "《中华人民共和国老年人权益保障法》", "conditions": "年满六十周岁",
           "legal_days": 10, "promised_days": 3, "online_depth": 4, "halls": ["SX-140121-ZWFW"],
           "steps": [{"title": "网上申请", "description": "填写表单"}],
           "form_schema": {"type": "object", "properties": {"name": {"type": "string", "title": "姓名"}},
                           "required": ["name"]},
           "materials": [{"code": "M01", "name": "居民身份证", "license_type": "id_card", "original": "original"}]}

    async def test_create_then_search_by_pinyin(self, client, catalog):
        admin = await auth_headers(await make_account(Role.ADMIN))
        r = await client.post(f"{API}/items", json=self.NEW, headers=admin)
        assert r.status_code == 201, r.text
        assert r.json()["halls"][0]["code"] == "SX-140121-ZWFW" and r.json()["materials"][0]["license_type"] == "id_card"
        found = await client.get(f"{API}/items", params={"q": "lnz"})
        assert [i["code"] for i in found.json()["items"]] == ["140121-20-9901"]
        assert (await client.post(f"{API}/items", json=self.NEW, headers=admin)).status_code == 409

    async def test_roles(self, client, catalog):
        assert (await client.post(f"{API}/items", json=self.NEW)).status_code == 401
        resident = await auth_headers(await make_account(Role.RESIDENT))
        reviewer = await auth_headers(await make_account(Role.REVIEWER))
        for headers in (resident, reviewer):
            r = await client.post(f"{API}/items", json=self.NEW, headers=headers)
            assert r.status_code == 403 and r.json()["error"]["code"] == "ROLE_FORBIDDEN"
            r = await client.patch(f"{API}/items/140000-01-0101", json={"published": False}, headers=headers)
            assert r.status_code == 403

    async def test_every_fault_is_reported_at_once(self, client, catalog):
        admin = await auth_headers(await make_account(Role.ADMIN))
        bad = {**self.NEW, "type": "随便", "level": "city", "promised_days": 30, "fee_fen": 500,
               "smart_approval": True, "online_depth": 3, "topics": ["nope"],
               "form_schema": {"type": "object", "properties": {}, "required": ["x"]},
               "materials": [{"code": "M01", "name": "证", "license_type": "passport"},
                             {"code": "M02", "name": "可选", "required": False}]}
        r = await client.post(f"{API}/items", json=bad, headers=admin)
        assert r.status_code == 422
        fields = {f["field"] for f in r.json()["error"]["details"]["fields"]}
        assert fields == {"type", "level", "promised_days", "fee_basis", "smart_approval", "topics", "form_schema",
                          "materials.0.license_type", "materials.1.condition"}
        r = await client.post(f"{API}/items", json={**self.NEW, "form_schema": {"type": 12}}, headers=admin)
        assert r.status_code == 422 and r.json()["error"]["details"]["fields"][0]["field"] == "form_schema"
        r = await client.post(f"{API}/items", json={**self.NEW, "halls": ["NOPE"]}, headers=admin)
        assert r.status_code == 422 and r.json()["error"]["code"] == "HALL_NOT_FOUND"

    async def test_materials_are_kept_by_code_and_unpublish_hides(self, client, catalog):
        admin = await auth_headers(await make_account(Role.ADMIN))
        item = await ServiceItem.get(code="140121-07-1001")
        before = {m.code: m.id for m in await Material.filter(item_id=item.id)}
        r = await client.patch(f"{API}/items/140121-07-1001", headers=admin, json={"materials": [
            {"code": "M01", "name": "申请人居民身份证", "license_type": "id_card", "original": "original"},
            {"code": "M09", "name": "新增材料", "required": False, "condition": "有监护人的"}]})
        assert r.status_code == 200, r.text
        after = {m.code: m.id for m in await Material.filter(item_id=item.id)}
        assert set(after) == {"M01", "M09"} and after["M01"] == before["M01"]
        r = await client.patch(f"{API}/items/140121-07-1001", headers=admin, json={"published": False})
        assert r.status_code == 200 and r.json()["published"] is False
        assert (await client.get(f"{API}/items/140121-07-1001")).status_code == 404
        assert "140121-07-1001" not in await all_pages(client, q="残疾人证")
        assert (await client.patch(f"{API}/items/none", headers=admin, json={"notes": "x"})).status_code == 404


class TestCaching:
    async def test_search_results_are_cached_until_an_edit(self, client, catalog):
        params = {"q": "结婚"}
        first = await client.get(f"{API}/items", params=params)
        second = await client.get(f"{API}/items", params=params)
        assert (first.headers["x-cache"], second.headers["x-cache"]) == ("miss", "hit")
        assert first.json() == second.json() and len(first.json()["items"]) == 2
        admin = await auth_headers(await make_account(Role.ADMIN))
        r = await client.patch(f"{API}/items/140728-07-0301", json={"published": False}, headers=admin)
        assert r.status_code == 200
        third = await client.get(f"{API}/items", params=params)
        assert third.headers["x-cache"] == "miss" and [i["code"] for i in third.json()["items"]] == ["140121-07-0301"]
        assert (await client.get(f"{API}/bundles")).headers["x-cache"] == "miss"
        assert (await client.get(f"{API}/bundles")).headers["x-cache"] == "hit"

    async def test_reads_work_when_redis_is_down(self, client, catalog, rt):
        import redis.asyncio as redis

        healthy = rt.redis
        rt.redis = redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2, decode_responses=True)
        try:
            r = await client.get(f"{API}/items/140121-07-0201")
            assert r.status_code == 200 and r.headers["x-cache"] == "miss" and r.json()["name"] == "出生登记（新生儿落户）"
            r = await client.get(f"{API}/items", params={"q": "hk"})
            assert r.status_code == 200
        finally:
            await rt.redis.aclose()
            rt.redis = healthy


class TestNearCache:
    """Each worker keeps what it read while the catalogue version it saw is current."""

    async def _edit_in_another_worker(self, rt, code: str, notes: str) -> None:
        from app.catalog import cache

        await ServiceItem.filter(code=code).update(notes=notes)
        await rt.redis.delete(cache.item_key(code))
        await rt.redis.incr(cache.VERSION_KEY)

    async def test_another_workers_edit_shows_after_the_version_lease(self, client, catalog, rt, monkeypatch):
        from app.catalog import cache

        path = f"{API}/items/140000-01-0101"
        before = (await client.get(path)).json()["notes"]
        await self._edit_in_another_worker(rt, "140000-01-0101", "另一进程修改")
        assert (await client.get(path)).json()["notes"] == before  # within the lease: the near copy
        monkeypatch.setattr(cache, "VERSION_LEASE", 0.0)
        fresh = await client.get(path)
        assert fresh.headers["x-cache"] == "miss" and fresh.json()["notes"] == "另一进程修改"

    async def test_near_hits_need_no_redis_round_trip(self, client, catalog, rt):
        await client.get(f"{API}/items", params={"q": "结婚"})
        await client.get(f"{API}/items/140000-01-0101")
        calls = []
        original = rt.redis.execute_command

        async def counting(*args, **kwargs):
            calls.append(args[0])
            return await original(*args, **kwargs)

        rt.redis.execute_command = counting
        try:
            assert (await client.get(f"{API}/items", params={"q": "结婚"})).headers["x-cache"] == "hit"
            assert (await client.get(f"{API}/items/140000-01-0101")).headers["x-cache"] == "hit"
        finally:
            rt.redis.execute_command = original
        assert calls == []


class TestHostileInput:
    async def test_control_characters_and_odd_codes_never_reach_the_database(self, client, catalog):
        import base64
        import json

        bad_cursor = base64.urlsafe_b64encode(json.dumps([0, "a\u0000b"]).encode()).decode()
        for path, params, status in (
            ("items/a%00b", {}, 404), ("items/" + "x" * 300, {}, 404), ("bundles/a%00b", {}, 404),
            ("items/140100-07-0701/materials/M01/other", {}, 404),
            ("items/140100-07-0701/materials/M%0001/template", {}, 404),
            ("items", {"department": "公安\u0000"}, 422), ("items", {"topic": "bi\u0000rth"}, 422),
            ("items", {"cursor": bad_cursor}, 422), ("items", {"q": "\u0000"}, 200),
            ("halls", {"item": "a\u0000"}, 422),
        ):
            r = await client.get(f"{API}/{path}", params=params)
            assert r.status_code == status, (path, params, r.text)
        admin = await auth_headers(await make_account(Role.ADMIN))
        r = await client.patch(f"{API}/items/a%00b", json={"notes": "x"}, headers=admin)
        assert r.status_code == 404
        r = await client.patch(f"{API}/items/140000-01-0101", headers=admin,
                               json={"notes": "a\u0000", "form_schema": {"type": "object", "properties": {"\u0000": {}}}})
        assert r.status_code == 422
        assert {f["field"] for f in r.json()["error"]["details"]["fields"]} == {"notes", "form_schema"}
