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


# --- licences ---------------------------------------------------------------------------------

LICENCE_HOLDER_ID = "140105199003151234"


async def seed_licence_reference() -> None:
    from app.licenses.seed import seed_reference

    await seed_reference()


def random_id_number() -> str:
    """A syntactically plausible 18-character ID number (unique per call)."""
    import random

    from app.identity.idcard import id_check_char

    first17 = f"1401051990{random.randint(1, 12):02d}{random.randint(1, 28):02d}{random.randint(0, 999):03d}"
    return first17 + id_check_char(first17)


async def make_licence(type_code: str = "driving_license", *, holder_number: str, holder_name: str = "张晓明",
                       fields: dict | None = None, **kw):
    from app.licenses import service as licences

    await seed_licence_reference()
    defaults = {
        "driving_license": {"holder_name": holder_name, "id_number": holder_number, "gender": "男",
                            "license_class": "C1", "first_issued_on": "2012-07-09", "file_no": "140100736512"},
        "id_card": {"holder_name": holder_name, "gender": "男", "ethnicity": "汉", "birth_date": "1990-03-15",
                    "address": "山西省太原市小店区长治路 188 号", "id_number": holder_number},
        "business_license": {"name": holder_name, "credit_code": holder_number, "entity_type": "有限责任公司",
                             "legal_representative": "王建国", "registered_capital": "伍拾万元整",
                             "established_on": "2019-08-06", "address": "太原市迎泽区柳巷南路 66 号",
                             "business_scope": "餐饮服务"},
    }
    return await licences.issue(type_code=type_code, holder_number=holder_number, holder_name=holder_name,
                                fields=fields if fields is not None else defaults[type_code], **kw)
