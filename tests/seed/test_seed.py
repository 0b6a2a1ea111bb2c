"""Seeding is idempotent: run twice, same counts."""

from __future__ import annotations

import json

from app.seed import seed_all


async def test_seed_twice_gives_same_counts(rt):
    first = await seed_all()
    second = await seed_all()
    assert first == second
    assert first["catalog"]["regions"] >= 100
    assert first["catalog"]["halls"] >= 5


async def test_seed_has_eleven_cities_and_demo_accounts(rt):
    from app.catalog.models import Region

    await seed_all()
    cities = await Region.filter(parent_code="140000").values_list("code", flat=True)
    assert len(cities) == 11 and "140100" in cities and "141100" in cities
    demo = json.loads((rt.settings.data_dir / "demo-accounts.json").read_text())
    roles = {d["role"] for d in demo}
    assert roles >= {"resident", "legal_person", "agent", "counter", "reviewer", "admin"}


async def test_demo_applications_in_every_state(rt):
    from app.applications.models import Application
    from app.delivery.models import Delivery
    from app.identity.models import Account
    from app.licenses import service as licenses

    await seed_all()
    zhang = await Account.get(openid="demo-resident-zhang")
    cases = {a.item_code: a for a in await Application.filter(applicant_id=zhang.id)}
    assert cases["140100-20-0601"].status == "completed"  # with a licence, mailed
    assert cases["140000-20-0502"].status == "completed"  # 秒批
    assert cases["140100-01-1101"].status == "needs_correction" and len(cases["140100-01-1101"].corrections) == 2
    assert cases["140000-01-0201"].status == "accepted" and cases["140000-01-0201"].receipt_no
    wallet, _ = await licenses.list_wallet(account_id=zhang.id)
    assert any(lic.application_id == cases["140100-20-0601"].id for lic in wallet)
    mailed = await Delivery.get(application_id=cases["140100-20-0601"].id)
    assert mailed.status == "shipped" and mailed.tracking_no
    li = await Account.get(openid="demo-resident-li")
    assert [a.status for a in await Application.filter(applicant_id=li.id)] == ["draft"]
