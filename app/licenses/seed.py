"""Licence types, issuers (with their seal keys) and demo licences for the demo residents."""

from __future__ import annotations

from datetime import date

from app.core.crypto import blind_index
from app.licenses import seal
from app.licenses import service
from app.licenses.models import Issuer, Licence, LicenceType
from app.licenses.types import ISSUERS, TYPES

# (holder number, holder name, type, fields, valid_from) — natural key: (type, certificate-ish field)
DEMO = [
    ("140105199003151234", "张晓明", "id_card", {
        "holder_name": "张晓明", "gender": "男", "ethnicity": "汉", "birth_date": "1990-03-15",
        "address": "山西省太原市小店区平阳路街道长治路 188 号", "id_number": "140105199003151234"}, date(2019, 5, 20)),
    ("140105199003151234", "张晓明", "driving_license", {
        "holder_name": "张晓明", "id_number": "140105199003151234", "gender": "男", "license_class": "C1",
        "first_issued_on": "2012-07-09", "file_no": "140100736512"}, date(2024, 7, 9)),
    ("140105199003151234", "张晓明", "social_security_card", {
        "holder_name": "张晓明", "id_number": "140105199003151234", "card_no": "A14010519",
        "issuing_region": "山西省太原市", "bank": "中国建设银行"}, date(2021, 3, 1)),
    ("140105199003151234", "张晓明", "marriage", {
        "holder_name": "张晓明", "id_number": "140105199003151234", "spouse_name": "刘芳",
        "spouse_id_number": "140105199106082323", "registered_on": "2018-10-01",
        "certificate_no": "J140105-2018-003216"}, date(2018, 10, 1)),
    ("140105199003151234", "张晓明", "real_estate", {
        "holder_name": "张晓明", "id_number": "140105199003151234", "certificate_no": "晋（2020）太原市不动产权第0123456号",
        "location": "小店区平阳路 188 号 3 幢 2 单元 1502 室", "unit_no": "140105006001GB00012F00030015",
        "right_type": "国有建设用地使用权/房屋所有权", "usage": "城镇住宅用地/住宅", "area": "98.56",
        "co_ownership": "共同共有"}, date(2020, 11, 16)),
    ("140105199003151234", "张晓明", "birth_certificate", {
        "baby_name": "张子涵", "gender": "女", "born_at": "2021-06-18 08:42", "birthplace": "山西省太原市小店区",
        "mother_name": "刘芳", "mother_id_number": "140105199106082323", "father_name": "张晓明",
        "father_id_number": "140105199003151234", "certificate_no": "U140312876"}, date(2021, 6, 20)),
    ("140121195207082121", "李桂花", "id_card", {
        "holder_name": "李桂花", "gender": "女", "ethnicity": "汉", "birth_date": "1952-07-08",
        "address": "山西省太原市清徐县清源镇东关村", "id_number": "140121195207082121"}, date(2012, 8, 1)),
    ("140121195207082121", "李桂花", "social_security_card", {
        "holder_name": "李桂花", "id_number": "140121195207082121", "card_no": "A14012188",
        "issuing_region": "山西省太原市清徐县", "bank": "山西省农村信用社"}, date(2020, 4, 10)),
    ("140121195207082121", "李桂花", "disability", {
        "holder_name": "李桂花", "id_number": "14012119520708212142", "category": "肢体残疾", "grade": "三级"},
     date(2022, 9, 1)),
    ("14070219851120301X", "王建国", "id_card", {
        "holder_name": "王建国", "gender": "男", "ethnicity": "汉", "birth_date": "1985-11-20",
        "address": "山西省晋中市榆次区顺城街 56 号", "id_number": "14070219851120301X"}, date(2015, 3, 2)),
    ("14070219851120301X", "王建国", "driving_license", {
        "holder_name": "王建国", "id_number": "14070219851120301X", "gender": "男", "license_class": "B2",
        "first_issued_on": "2006-04-11", "file_no": "140700512203"}, date(2022, 4, 11)),
    ("91140100MA0K8Y2Q38", "太原晋味餐饮有限公司", "business_license", {
        "name": "太原晋味餐饮有限公司", "credit_code": "91140100MA0K8Y2Q38", "entity_type": "有限责任公司（自然人投资或控股）",
        "legal_representative": "王建国", "registered_capital": "伍拾万元整", "established_on": "2019-08-06",
        "address": "山西省太原市迎泽区柳巷南路 66 号", "business_scope": "餐饮服务；食品销售；外卖递送服务"}, date(2019, 8, 6)),
    ("91140100MA0K8Y2Q38", "太原晋味餐饮有限公司", "food_business", {
        "operator_name": "太原晋味餐饮有限公司", "credit_code": "91140100MA0K8Y2Q38", "legal_representative": "王建国",
        "address": "山西省太原市迎泽区柳巷南路 66 号", "main_business": "餐饮服务经营者（中型餐馆）",
        "business_items": "热食类食品制售；冷食类食品制售", "licence_no": "JY21401060123456"}, date(2024, 9, 1)),
]


async def seed_reference() -> None:
    """Issuers with their seal keys, the wallet code key and the licence types (idempotent)."""
    for row in ISSUERS:
        await Issuer.update_or_create(credit_code=row["credit_code"], defaults={k: v for k, v in row.items()
                                                                                 if k != "credit_code"})
        seal.current_key(row["credit_code"], row["suite"])
    seal.current_key(seal.WALLET_KEY_OWNER, seal.ED25519)
    issuers = {i["credit_code"]: i["name"] for i in ISSUERS}
    for t in TYPES:
        await LicenceType.update_or_create(code=t["code"], defaults={
            "numeric_code": t["numeric_code"], "name": t["name"], "holder_kind": t["holder_kind"],
            "issuer_code": t["issuer_code"], "issuing_department": issuers[t["issuer_code"]],
            "validity_years": t["validity_years"], "field_schema": t["field_schema"], "disclosure": t["disclosure"]})


async def seed() -> dict[str, int]:
    await seed_reference()
    for number, name, type_code, fields, valid_from in DEMO:
        kind = "credit_code" if type_code in ("business_license", "food_business") else "id_number"
        if await Licence.exists(type_code=type_code, holder_index=blind_index(number, kind=kind)):
            continue
        await service.issue(type_code=type_code, holder_number=number, holder_name=name, fields=fields,
                            valid_from=valid_from, notify=False)
    return {"licence_types": await LicenceType.all().count(), "licence_issuers": await Issuer.all().count(),
            # the demo licences (those issued by seeded applications come later in SEED_ORDER)
            "licences": await Licence.filter(application_id__isnull=True).count()}
