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


# ---------------------------------------------------------------- appointments (halls, items, slots)


async def make_hall(windows: dict[str, int] | None = None, **fields):
    from app.catalog.models import Hall

    n = next(_seq)
    groups = windows or {"A": 2, "B": 1}
    defaults = {"code": f"TEST-HALL-{n}-{uuid.uuid4().hex[:4]}", "name": f"测试政务服务中心{n}", "region_code": "140100",
                "address": f"太原市测试路{n}号", "phone": "0351-12345",
                "windows": [{"no": f"{g}{i:02d}", "group": g, "name": "综合受理"}
                            for g, c in groups.items() for i in range(1, c + 1)],
                "opening_hours": {}}
    defaults.update(fields)
    return await Hall.create(**defaults)


async def make_item(*, halls=(), bookable: bool = True, materials: int = 2, **fields):
    from app.catalog.models import Material, ServiceItem

    n = next(_seq)
    defaults = {"code": f"TEST-ITEM-{n}-{uuid.uuid4().hex[:4]}", "name": f"测试事项{n}", "type": "公共服务",
                "department": "测试局", "level": "city", "region_code": "140100", "bookable": bookable}
    defaults.update(fields)
    item = await ServiceItem.create(**defaults)
    for hall in halls:
        await item.halls.add(hall)
    for i in range(materials):
        await Material.create(item=item, code=f"M{i + 1:02d}", name=f"材料{i + 1}", sort=i)
    return item


async def make_slot(*, hall, day, start: str = "09:00", end: str = "09:30", group: str = "A", capacity: int = 5,
                    item_codes: list[str] | None = None):
    from app.appointments.models import Slot
    from app.appointments.service.common import at_local

    return await Slot.create(hall_id=hall.id, window_group=group, item_codes=item_codes or [], day=day,
                             starts_at=at_local(day, start), ends_at=at_local(day, end), capacity=capacity)
