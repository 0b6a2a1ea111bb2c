"""Demo accounts for every role; written to data/demo-accounts.json for people trying the platform."""

from __future__ import annotations

import json

from app.core.transactions import in_transaction

from app.catalog import service as catalog
from app.core import clock, runtime
from app.core.crypto import blind_index, encrypt
from app.identity.models import Account, Role
from app.identity.passwords import hash_password

DEMO_PASSWORD = "Sjt@2026demo"

RESIDENTS = [
    {"openid": "demo-resident-zhang", "display_name": "张晓明", "real_name": "张晓明",
     "id_number": "140105199003151234", "phone": "13903510001", "region_code": "140105",
     "role": Role.RESIDENT},
    {"openid": "demo-resident-li", "display_name": "李桂花", "real_name": "李桂花",
     "id_number": "140121195207082121", "phone": "13903510002", "region_code": "140121100201",
     "role": Role.RESIDENT},
    {"openid": "demo-legal-wang", "display_name": "王建国", "real_name": "王建国",
     "id_number": "14070219851120301X", "phone": "13903540003", "region_code": "140702",
     "role": Role.LEGAL_PERSON, "credit_code": "91140100MA0K8Y2Q38", "org_name": "太原晋味餐饮有限公司"},
]

STAFF = [
    {"username": "agent.zhao", "display_name": "赵丽（东关村代办员）", "role": Role.AGENT, "region_code": "140121100201"},
    {"username": "agent.qian", "display_name": "钱进（段村代办员）", "role": Role.AGENT, "region_code": "140728101201"},
    {"username": "counter.sun", "display_name": "孙敏（太原市政务服务中心）", "role": Role.COUNTER,
     "hall_code": "SX-140100-ZWFW", "region_code": "140100"},
    {"username": "counter.zhou", "display_name": "周洁（清徐县政务服务中心）", "role": Role.COUNTER,
     "hall_code": "SX-140121-ZWFW", "region_code": "140121"},
    # A reviewer sees the items of their department within their region (GB/T 2260 prefix).
    {"username": "reviewer.wu", "display_name": "吴强（太原市市场监督管理局）", "role": Role.REVIEWER,
     "department": "市场监管", "region_code": "140100"},
    {"username": "reviewer.zheng", "display_name": "郑芳（清徐县民政局）", "role": Role.REVIEWER,
     "department": "民政", "region_code": "140121"},
    {"username": "reviewer.li", "display_name": "李娜（山西省人力资源和社会保障厅）", "role": Role.REVIEWER,
     "department": "人社", "region_code": "140000"},
    {"username": "admin", "display_name": "平台管理员", "role": Role.ADMIN, "region_code": "140000"},
]


async def seed() -> dict[str, int]:
    demo = []
    async with in_transaction():
        for r in RESIDENTS:
            defaults = {
                "role": r["role"], "display_name": r["display_name"], "real_name": r["real_name"],
                "id_number_enc": encrypt(r["id_number"], context="id_number"),
                "id_number_index": blind_index(r["id_number"], kind="id_number"),
                "phone_enc": encrypt(r["phone"], context="phone"),
                "phone_index": blind_index(r["phone"], kind="phone"),
                "realname_level": 2, "realname_verified_at": clock.now(), "region_code": r["region_code"],
                "credit_code": r.get("credit_code"), "org_name": r.get("org_name"),
            }
            account = await Account.get_or_none(openid=r["openid"])
            if account is None:
                await Account.create(openid=r["openid"], **defaults)
            demo.append({"role": r["role"].value, "name": r["display_name"], "login": {"openid": r["openid"]}})
        for s in STAFF:
            hall_id = (await catalog.get_hall_by_code(code=s["hall_code"])).id if s.get("hall_code") else None
            account = await Account.get_or_none(username=s["username"])
            if account is None:
                await Account.create(
                    username=s["username"], password_hash=hash_password(DEMO_PASSWORD), role=s["role"],
                    display_name=s["display_name"], region_code=s.get("region_code"), hall_id=hall_id,
                    department=s.get("department"), realname_level=2)
            demo.append({"role": s["role"].value, "name": s["display_name"],
                         "login": {"username": s["username"], "password": DEMO_PASSWORD}})
    _write_demo_accounts(demo)
    return {"accounts": await Account.all().count()}


def _write_demo_accounts(demo: list[dict]) -> None:
    path = runtime.settings().data_dir / "demo-accounts.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(demo, ensure_ascii=False, indent=2), encoding="utf-8")
