"""The seeded catalogue is complete, realistic and idempotent."""

from __future__ import annotations

from collections import Counter

from app.catalog import service
from app.catalog.constants import LICENSE_TYPES
from app.catalog.models import LifeEventBundle, Material, ServiceItem
from app.catalog.seed import seed


class TestCatalogueSeed:
    async def test_counts_and_idempotence(self, catalog):
        assert catalog["items"] >= 30 and catalog["bundles"] >= 5 and catalog["topics"] >= 10
        again = await seed()
        assert again == catalog

    async def test_levels_departments_and_online_targets(self, catalog):
        items = await ServiceItem.all()
        assert set(Counter(i.level for i in items)) == {"province", "city", "county", "township", "village"}
        assert len({i.department for i in items}) >= 10
        for level, target in (("province", 0.9), ("city", 0.8), ("county", 0.8)):
            rows = [i for i in items if i.level == level]
            assert sum(i.online_depth >= 3 for i in rows) / len(rows) >= target, level

    async def test_every_item_has_a_complete_guide(self, catalog):
        for item in await ServiceItem.all().prefetch_related("materials", "halls"):
            assert item.legal_basis.startswith("《") and item.conditions and item.steps, item.code
            assert item.promised_days <= item.legal_days and 1 <= item.online_depth <= 4
            assert item.materials and item.form_schema["required"], item.code
            assert service.form_schema_fault(item.form_schema) is None, item.code
            assert "yyzz" not in item.code
            if item.fee_fen:
                assert item.fee_basis and item.nontax_code, item.code
            if item.smart_approval:
                assert item.online_depth == 4
            for m in item.materials:
                assert m.license_type is None or m.license_type in LICENSE_TYPES
                assert m.required or m.condition, (item.code, m.code)

    async def test_fees_licences_and_smart_approval(self, catalog):
        transfer = await service.get_item(code="140100-07-0701")
        assert transfer.fee_fen == 8000 and transfer.produces_license_type == "real_estate"
        produced = set(await ServiceItem.exclude(produces_license_type=None).values_list("produces_license_type", flat=True))
        assert {"food_business", "marriage", "disability", "business_license", "birth_certificate",
                "social_security_card", "driving_license"} <= produced
        assert await ServiceItem.filter(smart_approval=True).count() >= 2
        used = set(await Material.exclude(license_type=None).values_list("license_type", flat=True))
        assert used == set(LICENSE_TYPES)

    async def test_bundles(self, catalog):
        bundle, items = await service.get_bundle(code="newborn")
        assert [i.name for i in items] == ["出生医学证明首次签发", "出生登记（新生儿落户）", "城乡居民基本医疗保险参保登记",
                                           "社会保障卡申领"]
        assert await LifeEventBundle.filter(code__in=["open_restaurant", "marriage", "retirement",
                                                      "disability_services"]).count() == 4
