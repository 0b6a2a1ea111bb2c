"""Test data factories (one place): accounts of each role and ready-made auth headers."""

from __future__ import annotations

import itertools
import uuid

from app.core.crypto import blind_index, encrypt
from app.identity.models import Account, Role
from app.identity.passwords import hash_password
from app.identity.sessions import start_session

_seq = itertools.count(1)


async def make_account(role: Role | str = Role.RESIDENT, **fields) -> Account:
    n = next(_seq)
    role = Role(role)
    defaults: dict = {"role": role, "display_name": f"测试用户{n}"}
    if role in (Role.RESIDENT, Role.LEGAL_PERSON):
        defaults["openid"] = f"test-openid-{uuid.uuid4().hex[:12]}"
    else:
        defaults["username"] = f"{role.value}.{n}.{uuid.uuid4().hex[:6]}"
        defaults["password_hash"] = hash_password(fields.pop("password", "Passw0rd!23"))
    id_number = fields.pop("id_number", None)
    if id_number:
        defaults.update(id_number_enc=encrypt(id_number, context="id_number"),
                        id_number_index=blind_index(id_number, kind="id_number"), realname_level=2)
    phone = fields.pop("phone", None)
    if phone:
        defaults.update(phone_enc=encrypt(phone, context="phone"), phone_index=blind_index(phone, kind="phone"))
    defaults.update(fields)
    return await Account.create(**defaults)


async def auth_headers(account: Account, channel: str = "test") -> dict[str, str]:
    tokens = await start_session(account, channel=channel)
    return {"Authorization": f"Bearer {tokens['access_token']}"}


# ---------------------------------------------------------------- applications

FORM_SCHEMA = {
    "type": "object",
    "required": ["name", "phone", "purpose"],
    "properties": {
        "name": {"type": "string", "title": "姓名", "minLength": 2},
        "phone": {"type": "string", "title": "联系电话", "pattern": "^1[0-9]{10}$"},
        "purpose": {"type": "string", "title": "申请事由", "enum": ["新办", "变更", "补领"]},
        "copies": {"type": "integer", "title": "份数", "minimum": 1},
    },
}
GOOD_FORM = {"name": "张三丰", "phone": "13800138000", "purpose": "新办"}


async def make_item(*, materials: list[dict] | None = None, **fields):
    """A published, mobile-enabled service item (depth 3) with three materials by default:
    M01 身份证 (required, a wallet ID card stands in), M02 申请表 (required), M03 委托书 (optional)."""
    from app.catalog.models import Material, ServiceItem

    n = next(_seq)
    defaults = {"code": f"TEST-ITEM-{n:04d}-{uuid.uuid4().hex[:4]}", "name": f"测试事项{n}", "type": "行政许可",
                "department": "太原市行政审批服务管理局", "level": "city", "region_code": "140100",
                "promised_days": 5, "legal_days": 20, "fee_fen": 0, "online_depth": 3,
                "form_schema": FORM_SCHEMA}
    defaults.update(fields)
    item = await ServiceItem.create(**defaults)
    if materials is None:
        materials = [
            {"code": "M01", "name": "居民身份证", "required": True, "license_type": "ID_CARD", "sort": 1},
            {"code": "M02", "name": "申请表", "required": True, "sort": 2},
            {"code": "M03", "name": "授权委托书", "required": False, "condition": "委托办理时", "sort": 3},
        ]
    for m in materials:
        await Material.create(item=item, **m)
    return item


def complete_materials() -> dict:
    return {"M01": {"license_id": "LIC-ID-0001"}, "M02": {"file_ids": [str(uuid.uuid4())]}}


async def make_reviewer(*, department: str = "太原市行政审批服务管理局", region_code: str = "140100", **fields):
    return await make_account(Role.REVIEWER, department=department, region_code=region_code, **fields)
