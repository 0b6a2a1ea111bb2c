"""Closed vocabularies of the catalogue (GB/T 2260 levels, item types, licence types)."""

from __future__ import annotations

LEVELS = ("province", "city", "county", "township", "village")
LEVEL_NAMES = {"province": "省级", "city": "市级", "county": "县级", "township": "乡镇（街道）级",
               "village": "村（社区）级"}
AUDIENCES = ("person", "legal_person", "both")
AUDIENCE_NAMES = {"person": "自然人", "legal_person": "法人", "both": "自然人、法人"}

# Item type → two-digit category used in 事项编码 (national coding rule for 政务服务事项).
ITEM_TYPES = {
    "行政许可": "01", "行政处罚": "02", "行政强制": "03", "行政征收": "04", "行政给付": "05",
    "行政检查": "06", "行政确认": "07", "行政奖励": "08", "行政裁决": "09", "其他行政权力": "10",
    "公共服务": "20",
}

ONLINE_DEPTH = {1: "网上公开", 2: "网上下载/预约", 3: "在线预审", 4: "全程网办"}

# Wallet licence types a material can be satisfied by (codes shared with the licences domain).
LICENSE_TYPES = {
    "business_license": "营业执照",
    "real_estate": "不动产权证书",
    "marriage": "结婚证",
    "social_security_card": "社会保障卡",
    "disability": "残疾人证",
    "birth_certificate": "出生医学证明",
    "food_business": "食品经营许可证",
    "driving_license": "机动车驾驶证",
    "id_card": "居民身份证",
}

MATERIAL_FORMATS = ("纸质", "电子版", "纸质+电子版")
MATERIAL_ORIGINAL = {"original": "原件", "copy": "复印件", "both": "原件和复印件"}


def region_prefix(code: str, level: str) -> str:
    """The code prefix every region inside `code` shares (GB/T 2260 digits are hierarchical)."""
    if level == "province":
        return code[:2]
    if level == "city":
        return code[:4]
    if level == "county":
        return code[:6]
    return code
