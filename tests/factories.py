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


# --- identity: log in over HTTP ---------------------------------------------------------------------

def valid_id_number(first17: str) -> str:
    """A GB 11643 number with the right check digit for the given 17 digits."""
    from app.identity.idcard import id_check_char

    return first17 + id_check_char(first17)


async def wechat_login(client, sim, openid: str | None = None) -> dict:
    """Log in through the WeChat simulator like the mini-program does; returns the login result."""
    openid = openid or f"o-{uuid.uuid4().hex[:12]}"
    code = sim.post("dev/login-code", json={"openid": openid}).json()["code"]
    r = await client.post("/api/v1/auth/wechat/login", json={"code": code})
    assert r.status_code == 200, r.text
    return r.json()


def bearer(tokens: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}

# --- agents ---------------------------------------------------------------------------------

async def make_point(code: str | None = None, region_code: str = "140121100201"):
    from app.agents.models import ServicePoint

    code = code or f"SP-T-{uuid.uuid4().hex[:8]}"
    return await ServicePoint.create(code=code, name=f"测试站点{code}", region_code=region_code, address="村委会")


async def make_agent(point=None, **fields) -> Account:
    point = point or await make_point()
    return await make_account(Role.AGENT, service_point_id=point.id, **fields)



# ---------------------------------------------------------------- catalogue and files

_item_seq = itertools.count(1)


async def make_item(**fields):
    """A published service item (materials via `materials=[{...}]`, halls via `halls=[Hall, ...]`)."""
    from app.catalog.models import Material, ServiceItem
    from app.catalog.search import build_search_text

    n = next(_item_seq)
    materials = fields.pop("materials", [{"code": "M01", "name": "申请人居民身份证", "license_type": "id_card"}])
    halls = fields.pop("halls", [])
    defaults = {
        "code": f"140000-20-T{n:04d}{uuid.uuid4().hex[:4]}", "name": f"测试事项{n}", "type": "公共服务",
        "department": "民政", "level": "province", "region_code": "140000", "topics": [],
        "form_schema": {"type": "object", "properties": {"name": {"type": "string", "title": "姓名"}},
                        "required": ["name"]},
    }
    defaults.update(fields)
    defaults.setdefault("search_text", build_search_text(defaults["name"], defaults.get("aliases", [])))
    defaults.setdefault("topic_index", "|" + "|".join(defaults["topics"]) + "|")
    item = await ServiceItem.create(**defaults)
    for sort, m in enumerate(materials):
        await Material.create(item=item, sort=sort, **m)
    if halls:
        await item.halls.add(*halls)
    return item


async def make_bundle(items, **fields):
    """A published life-event bundle over `items` (in that order)."""
    from app.catalog.models import BundleItem, LifeEventBundle

    n = next(_item_seq)
    bundle = await LifeEventBundle.create(**{"code": f"test_bundle_{n}", "name": f"测试一件事{n}", **fields})
    for sort, item in enumerate(items):
        await BundleItem.create(bundle=bundle, item=item, sort=sort)
    return bundle


def png_bytes(size: tuple[int, int] = (4, 4)) -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, format="PNG")
    return buf.getvalue()


def jpeg_bytes(size: tuple[int, int] = (4, 4)) -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, (30, 30, 200)).save(buf, format="JPEG")
    return buf.getvalue()


PDF_BYTES = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
             b"trailer<</Root 1 0 R>>\n%%EOF\n")

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


async def make_bookable_item(*, halls=(), bookable: bool = True, materials: int = 2, **fields):
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

# --- payments ------------------------------------------------------------------------------------------
async def make_payment(fake_applications, payer: Account | None = None, *, fee_fen: int = 2500,
                       channel: str = "jsapi", idempotency_key: str | None = None):
    """An open WeChat Pay order (placed at the simulator) for a fresh application of `payer`."""
    from app.payments import service as payments

    payer = payer or await make_account()
    application_id = fake_applications.add(payer.id, fee_fen=fee_fen)
    return await payments.create_order(account_id=payer.id, actor_id=payer.id, openid=payer.openid,
                                       application_id=application_id, channel=channel,
                                       idempotency_key=idempotency_key)

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


async def make_application_item(*, materials: list[dict] | None = None, **fields):
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
            {"code": "M01", "name": "居民身份证", "required": True, "license_type": "id_card", "sort": 1},
            {"code": "M02", "name": "申请表", "required": True, "sort": 2},
            {"code": "M03", "name": "授权委托书", "required": False, "condition": "委托办理时", "sort": 3},
        ]
    for m in materials:
        await Material.create(item=item, **m)
    return item


async def complete_materials(owner) -> dict:
    """Every required material of `make_application_item`, as real uploads owned by `owner`."""
    from app.files import service as files

    refs = {}
    for code in ("M01", "M02"):
        record = await files.store_upload(owner_id=owner.id, actor_id=owner.id, data=png_bytes(), filename=f"{code}.png")
        refs[code] = {"file_ids": [str(record.id)]}
    return refs


async def make_reviewer(*, department: str = "太原市行政审批服务管理局", region_code: str = "140100", **fields):
    return await make_account(Role.REVIEWER, department=department, region_code=region_code, **fields)
