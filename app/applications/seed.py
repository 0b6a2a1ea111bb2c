"""Demo applications for the demo residents, so the H5 and the mini-program have cases to show:
a completed case that issued a licence (and is on its way by mail), a 秒批 case, one waiting for
correction, one accepted with a fee to pay, and an elderly resident's draft. Idempotent: a demo
resident who already has a case for the item is skipped."""

from __future__ import annotations

import io
from types import SimpleNamespace

from app.applications import review, service
from app.applications.models import Application
from app.catalog import service as catalog
from app.files import service as files
from app.identity import service as identity
from app.licenses import service as licenses

ZHANG, LI = "demo-resident-zhang", "demo-resident-li"
ZHANG_ID = "140105199003151234"
ZHANG_ADDRESS = {"recipient": "张晓明", "phone": "13903510001", "region_code": "140105",
                 "detail": "平阳路街道长治路 188 号 3 幢 2 单元 1502 室"}

CASES = [
    # (openid, item code, form, outcome)
    (ZHANG, "140100-20-0601", {"baby_name": "张子墨", "baby_gender": "男", "birth_date": "2026-11-10",
                               "birth_hospital": "山西省妇幼保健院", "birth_weight_g": 3350, "mother_name": "刘芳",
                               "mother_id_number": "140105199106082323", "father_name": "张晓明",
                               "father_id_number": ZHANG_ID, "phone": "13903510001"}, "completed"),
    (ZHANG, "140000-20-0502", {"name": "张晓明", "id_number": ZHANG_ID, "phone": "13903510001",
                               "filing_type": "临时外出就医", "province": "北京市", "start_date": "2026-12-01"}, "smart"),
    (ZHANG, "140100-01-1101", {"name": "张晓明", "id_number": ZHANG_ID, "level": "初级中学", "subject": "数学",
                               "phone": "13903510001"}, "correction"),
    (ZHANG, "140000-01-0201", {"name": "张晓明", "id_number": ZHANG_ID, "license_no": "140100736512",
                               "vehicle_class": "C1", "delivery_address": "太原市小店区长治路 188 号",
                               "phone": "13903510001"}, "accepted"),
    (LI, "140121100201-05-1601", {"name": "李桂花", "id_number": "140121195207082121", "phone": "13903510002",
                                  "birth_date": "1952-07-08"}, "draft"),
]


def _png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (230, 230, 230)).save(buf, format="PNG")
    return buf.getvalue()


async def _materials(item, account) -> dict:
    """Every required material: a wallet licence when the resident has one of the type, else an upload."""
    wallet, _ = await licenses.list_wallet(account_id=account.id, limit=50)
    by_type = {lic.type_code: str(lic.id) for lic in wallet}
    refs = {}
    for m in sorted(item.materials, key=lambda m: (m.sort, m.code)):
        if not m.required:
            continue
        if m.license_type and m.license_type in by_type:
            refs[m.code] = {"license_id": by_type[m.license_type]}
        else:
            upload = await files.store_upload(owner_id=account.id, actor_id=account.id, data=_png(),
                                              filename=f"{m.code}.png")
            refs[m.code] = {"file_ids": [str(upload.id)]}
    return refs


async def _reviewer(item):
    staff = await identity.find_by_username(username="reviewer.wu")
    return SimpleNamespace(id=staff.id if staff else None, department=item.department, region_code=item.region_code)


async def _case(openid: str, code: str, form: dict, outcome: str) -> bool:
    from app.delivery import service as delivery
    from app.delivery.models import Method
    from app.identity.models import Account

    account = await Account.get_or_none(openid=openid)
    if account is None or await Application.exists(applicant_id=account.id, item_code=code):
        return False
    item = await catalog.get_item(code=code)
    _, [app] = await service.create(applicant_id=account.id, item_code=code, form=form,
                                    materials=await _materials(item, account) if outcome != "draft" else None)
    if outcome == "draft":
        return True
    if outcome == "completed":
        await delivery.choose(application_id=app.id, applicant_id=account.id, method=Method.MAIL,
                              address=ZHANG_ADDRESS)
    app = await service.submit(application_id=app.id, applicant_id=account.id)
    if outcome == "smart":
        return True
    reviewer = await _reviewer(item)
    if outcome == "correction":
        await review.request_correction(
            application_id=app.id, reviewer=reviewer, note="请按清单一次补齐",
            items=[{"material_code": [m.code for m in item.materials if m.name == "普通话水平测试等级证书"][0],
                    "reason": "上传的普通话水平测试等级证书不清晰，请上传二级乙等及以上证书原件照片"},
                   {"field": "subject", "reason": "任教学科须与学历专业或普通话等级要求一致，请核对"}])
        return True
    await review.accept(application_id=app.id, reviewer=reviewer, note="材料齐全，予以受理")
    if outcome == "completed":
        await review.approve(application_id=app.id, reviewer=reviewer, note="信息核对无误")
        await review.complete(application_id=app.id, reviewer=reviewer, note="电子证照已推送至卡包，纸质证明已邮寄")
    return True


async def seed() -> dict[str, int]:
    from app.core.transactions import in_transaction
    from app.notifications import service as notifications

    for openid, code, form, outcome in CASES:
        with notifications.inbox_only():
            async with in_transaction():  # a case is seeded whole or not at all
                await _case(openid, code, form, outcome)
    return {"applications": await Application.all().count()}
