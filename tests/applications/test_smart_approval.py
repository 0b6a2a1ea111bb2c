"""秒批/即办: a smart-approval item is approved and completed at submit only when every rule holds;
any failing rule leaves the case on the normal review path (never an error)."""

from __future__ import annotations

import pytest

from app.applications import smart
from tests.factories import complete_materials, make_account, make_application_item, valid_id_number

SCHEMA = {
    "type": "object", "required": ["name", "id_number"],
    "properties": {"name": {"type": "string", "title": "姓名", "minLength": 2},
                   "id_number": {"type": "string", "title": "公民身份号码", "minLength": 18, "maxLength": 18}},
    "x-rules": [{"rule": "matches_applicant", "field": "id_number"},
                {"rule": "age_between", "field": "id_number", "min": 16, "max": 60},
                {"rule": "region_in", "field": "id_number", "regions": ["1401"]}],
}
MATERIALS = [{"code": "M01", "name": "居民身份证", "required": True, "license_type": "id_card", "sort": 1},
             {"code": "M02", "name": "结婚证", "required": False, "condition": "已婚的", "license_type": "marriage",
              "sort": 2}]


@pytest.fixture
async def smart_item(cal):
    from app.licenses.seed import seed as seed_licences

    await seed_licences()
    return await make_application_item(name="结婚登记（秒批测试）", smart_approval=True, online_depth=4,
                                       produces_license_type="marriage", form_schema=SCHEMA, materials=MATERIALS)


async def person_with_id_card(first17: str, name: str = "赵晋生", **fields):
    from app.licenses import service as licenses

    number = valid_id_number(first17)
    account = await make_account(real_name=name, id_number=number, **fields)
    licence = await licenses.issue(type_code="id_card", holder_number=number, holder_name=name,
                                   fields={"holder_name": name, "id_number": number, "gender": "男", "ethnicity": "汉",
                                           "birth_date": f"{first17[6:10]}-{first17[10:12]}-{first17[12:14]}",
                                           "address": "太原市小店区"}, notify=False)
    return account, number, licence


async def submit(api, account, item, *, form, materials) -> dict:
    app = await api.draft(account, item, form=form, materials=materials)
    r = await api.call("POST", f"/applications/{app['id']}/submit", account)
    assert r.status_code == 200, r.text
    return r.json()


class TestTryAutoApprove:
    async def test_every_rule_holds_approved_completed_and_licence_issued(self, api, smart_item):
        holder, number, licence = await person_with_id_card("14010519900101002")
        app = await submit(api, holder, smart_item, form={"name": "赵晋生", "id_number": number},
                           materials={"M01": {"license_id": str(licence.id)}})
        assert app["status"] == "completed" and app["receipt_no"] and app["completed_at"]
        steps = [(e["action"], e["actor_id"]) for e in app["timeline"]]
        assert steps == [("created", str(holder.id)), ("submit", str(holder.id)), ("accept", None),
                         ("approve", None), ("complete", None)]
        assert "秒批" in app["timeline"][3]["note"] and app["timeline"][3]["data"] == {"automatic": True}
        wallet = await api.call("GET", "/wallet/licenses", holder)
        assert sorted(w["type"] for w in wallet.json()["items"]) == ["id_card", "marriage"]
        inbox = await api.call("GET", "/messages", holder)
        assert any("办结" in m["title"] for m in inbox.json()["items"])

    @pytest.mark.parametrize("case", ["age", "region", "not_own_id", "file_material", "optional_upload", "fee"])
    async def test_any_rule_failing_goes_to_normal_review(self, api, smart_item, case):
        from app.catalog.models import ServiceItem

        first17 = {"age": "14010519500101002", "region": "14220119900101002"}.get(case, "14010519900101002")
        holder, number, licence = await person_with_id_card(first17)
        form = {"name": "赵晋生", "id_number": number}
        materials = {"M01": {"license_id": str(licence.id)}}
        if case == "not_own_id":
            form["id_number"] = valid_id_number("14010519900202003")
        if case == "file_material":
            materials = {"M01": (await complete_materials(holder))["M01"]}
        if case == "optional_upload":  # an optional material given as a photo needs a person to look at it
            materials["M02"] = (await complete_materials(holder))["M02"]
        if case == "fee":
            await ServiceItem.filter(id=smart_item.id).update(fee_fen=500, fee_basis="测试")
        app = await submit(api, holder, smart_item, form=form, materials=materials)
        assert app["status"] == "submitted" and app["receipt_no"] is None
        assert [e["action"] for e in app["timeline"]] == ["created", "submit", "smart_referred"]
        referred = app["timeline"][-1]
        assert referred["actor_id"] is None and referred["data"]["reasons"]
        wallet = await api.call("GET", "/wallet/licenses", holder)
        assert [w["type"] for w in wallet.json()["items"]] == ["id_card"]

    async def test_not_a_smart_item_is_untouched(self, api, cal, alice):
        plain = await make_application_item()
        app = await submit(api, alice, plain, form={"name": "张三丰", "phone": "13800138000", "purpose": "新办"},
                           materials=await complete_materials(alice))
        assert [e["action"] for e in app["timeline"]] == ["created", "submit"]


class TestRules:
    """The item rules alone, at a fixed date (the clock fixture sets 2 Nov 2026)."""

    async def test_age_boundaries(self, cal):
        rule = {"rule": "age_between", "field": "born", "min": 16, "max": 60}
        assert smart._rule_fault(rule, {"born": "2010-11-02"}, {}) is None  # 16 today
        assert smart._rule_fault(rule, {"born": "2010-11-03"}, {}) is not None  # 16 tomorrow
        assert smart._rule_fault(rule, {"born": "1965-11-03"}, {}) is None  # still 60
        assert smart._rule_fault(rule, {"born": "1965-11-02"}, {}) is not None  # 61 today
        assert smart._rule_fault(rule, {"born": "not a date"}, {}) is not None

    async def test_unknown_rule_fails_closed(self, cal):
        assert smart._rule_fault({"rule": "whatever"}, {}, {}) is not None
        assert smart._rule_fault({"rule": "not_equal", "field": "p", "value": "山西省"}, {"p": "北京市"}, {}) is None
        assert smart._rule_fault({"rule": "not_equal", "field": "p", "value": "山西省"}, {"p": "山西省"}, {}) is not None
