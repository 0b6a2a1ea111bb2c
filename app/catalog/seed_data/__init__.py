"""Reference catalogue of Shanxi service items, topics and life-event bundles (seed data).

Item codes follow the 实施编码 idea: <GB/T 2260 region>-<type category>-<department><sequence>."""

from __future__ import annotations

from typing import Any

HALL_OF_REGION = {
    "140000": "SX-140000-ZWFW", "140100": "SX-140100-ZWFW", "140121": "SX-140121-ZWFW",
    "140700": "SX-140700-ZWFW", "140728": "SX-140728-ZWFW", "140121100": "SX-140121100-BMFW",
    "140121100201": "SX-140121100-BMFW", "140728100": "SX-140728-ZWFW", "140728100201": "SX-140728-ZWFW",
}

TOPICS = [
    ("birth", "生育收养", "person"), ("marriage", "婚姻登记", "person"), ("household", "户籍办理", "person"),
    ("social_security", "社会保险", "both"), ("medical_insurance", "医疗保障", "person"),
    ("employment", "就业创业", "person"), ("retirement", "退休养老", "person"),
    ("disability", "残疾人服务", "person"), ("social_assistance", "社会救助", "person"),
    ("education", "教育入学", "person"), ("housing", "住房保障", "person"),
    ("real_estate", "不动产登记", "both"), ("vehicle", "交通出行", "person"),
    ("enterprise_start", "企业开办", "legal_person"), ("food_business", "餐饮食品", "legal_person"),
    ("construction", "工程建设", "legal_person"), ("transport", "道路运输", "legal_person"),
    ("tax", "税费办理", "both"), ("medical_practice", "医疗卫生", "both"), ("rural", "农村农业", "person"),
]

# ---------------------------------------------------------------- form schema helpers

PHONE = {"type": "string", "title": "联系电话", "pattern": r"^1[3-9]\d{9}$", "description": "11位手机号码"}
ID_NO = {"type": "string", "pattern": r"^\d{17}[\dXx]$", "minLength": 18, "maxLength": 18}


def text(title: str, example: str = "", max_length: int = 100, **kw: Any) -> dict:
    return {"type": "string", "title": title, "minLength": 1, "maxLength": max_length,
            **({"examples": [example]} if example else {}), **kw}


def id_no(title: str = "公民身份号码") -> dict:
    return {**ID_NO, "title": title, "examples": ["140121199001011234"]}


def date(title: str, example: str = "2026-01-05") -> dict:
    return {"type": "string", "format": "date", "title": title, "examples": [example]}


def choice(title: str, options: list[str]) -> dict:
    return {"type": "string", "title": title, "enum": options, "examples": [options[0]]}


def integer(title: str, minimum: int = 0, maximum: int = 1_000_000, example: int = 1) -> dict:
    return {"type": "integer", "title": title, "minimum": minimum, "maximum": maximum, "examples": [example]}


def flag(title: str) -> dict:
    return {"type": "boolean", "title": title, "examples": [True]}


def form(title: str, required: list[str], **properties: dict) -> dict:
    missing = [r for r in required if r not in properties]
    assert not missing, missing
    return {"type": "object", "title": title, "properties": properties, "required": required,
            "additionalProperties": False}


# ---------------------------------------------------------------- material helpers

def mat(name: str, *, required: bool = True, original: str = "copy", copies: int = 1, format: str = "电子版",
        basis: str = "", condition: str = "", license_type: str | None = None, template: bool = False) -> dict:
    return {"name": name, "required": required, "original": original, "copies": copies, "format": format,
            "basis": basis, "condition": condition, "license_type": license_type, "template": template}


def id_card(who: str = "申请人", **kw: Any) -> dict:
    return mat(f"{who}居民身份证", original="original", format="纸质+电子版", license_type="id_card",
               basis="《中华人民共和国居民身份证法》", **kw)


def hukou(who: str = "申请人", **kw: Any) -> dict:
    return mat(f"{who}居民户口簿", original="original", format="纸质", basis="《中华人民共和国户口登记条例》", **kw)


def photo(desc: str = "近期二寸免冠白底彩色照片", copies: int = 2) -> dict:
    return mat(desc, original="original", copies=copies, format="纸质+电子版")


def application(name: str, basis: str = "") -> dict:
    return mat(name, original="original", format="纸质+电子版", basis=basis, template=True)


def business_license(**kw: Any) -> dict:
    return mat("营业执照", license_type="business_license", basis="《中华人民共和国市场主体登记管理条例》", **kw)


def steps(*pairs: tuple[str, str]) -> list[dict]:
    return [{"title": t, "description": d} for t, d in pairs]


ONLINE_STEPS = steps(("网上申请", "登录三晋通，填写申请表并上传材料"), ("受理", "工作人员预审，材料齐全的予以受理"),
                     ("审查决定", "在承诺时限内作出决定"), ("送达", "电子证照推送至卡包，纸质结果可邮寄或窗口领取"))


def item(code: str, name: str, **kw: Any) -> dict:
    """One item with defaults filled in; the halls default to the hall of its region."""
    region = kw["region_code"]
    return {"code": code, "name": name, "aliases": [], "audience": "person", "topics": [], "fee_fen": 0,
            "fee_basis": "", "nontax_code": None, "mobile_enabled": True, "bookable": False,
            "deliverable": False, "smart_approval": False, "produces_license_type": None, "notes": "",
            "visits": 0 if kw.get("online_depth", 3) == 4 else 1, "steps": ONLINE_STEPS,
            "halls": [HALL_OF_REGION[region]] if region in HALL_OF_REGION else [], **kw}


def all_items() -> list[dict]:
    from app.catalog.seed_data import business, persons, social

    return [*persons.ITEMS, *social.ITEMS, *business.ITEMS]


BUNDLES = [
    {"code": "newborn", "name": "新生儿出生一件事", "aliases": ["出生一件事", "宝宝出生"], "department": "卫健",
     "description": "一次申请，同步办理出生医学证明、出生登记（落户）、城乡居民医保参保和社会保障卡申领。",
     "promised_days": 5, "items": ["140100-20-0601", "140121-07-0201", "140121-20-0501", "140000-20-0401"]},
    {"code": "open_restaurant", "name": "开办餐饮店一件事", "aliases": ["开饭店", "开餐馆"], "department": "行政审批",
     "audience": "legal_person",
     "description": "企业设立登记、公章刻制、食品经营许可、新办纳税人套餐和单位社保登记一次申请、并联办理。",
     "promised_days": 5, "items": ["140100-01-0101", "140100-10-0203", "140100-01-0103", "140100-20-1201",
                                   "140100-20-0405"]},
    {"code": "marriage", "name": "结婚一件事", "aliases": ["婚育一件事"], "department": "民政",
     "description": "预约结婚登记，领证后同步办理生育登记。", "promised_days": 1,
     "items": ["140121-07-0301", "140121100-20-0601"]},
    {"code": "retirement", "name": "退休一件事", "aliases": ["办退休"], "department": "人社",
     "description": "退休审批、养老保险待遇申领、退休人员医保待遇核定一次办结。", "promised_days": 5,
     "items": ["140100-07-0401", "140100-05-0402", "140100-20-0501"]},
    {"code": "disability_services", "name": "残疾人服务一件事", "aliases": ["残疾人一件事"], "department": "残联",
     "description": "残疾人证办理后，同步申请两项补贴和辅助器具适配补贴。", "promised_days": 20,
     "items": ["140121-07-1001", "140121100-05-0301", "140121-05-1002"]},
    {"code": "individual_shop", "name": "个体户开店一件事", "aliases": ["开小店"], "department": "行政审批",
     "audience": "legal_person", "description": "个体工商户设立登记与食品经营许可一次申请。", "promised_days": 5,
     "items": ["140728-01-0102", "140728-01-0103"]},
]
