"""Catalogue request and response models (the same data for every channel: 同源发布)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from app.catalog.constants import LEVEL_NAMES, LICENSE_TYPES, MATERIAL_ORIGINAL, ONLINE_DEPTH
from app.core.pagination import PageQuery

Level = Literal["province", "city", "county", "township", "village"]
Audience = Literal["person", "legal_person", "both"]


# ---------------------------------------------------------------- queries

class ItemQuery(PageQuery):
    q: str | None = Field(None, max_length=50, description="事项名称、别名、拼音首字母（如 yyzz）或全拼")
    region: str | None = Field(None, pattern=r"^\d{6}(\d{3}(\d{3})?)?$",
                               description="区划代码：该区划及其下级区划实施的事项")
    with_parents: bool = Field(False, description="同时包含上级区划实施、在该区划可办的事项（如省级事项）")
    level: Level | None = None
    audience: Literal["person", "legal_person"] | None = Field(None, description="服务对象：自然人或法人")
    topic: str | None = Field(None, pattern=r"^[a-z_]{1,32}$", description="主题编码，见 GET topics")
    department: str | None = Field(None, pattern=r"^[^\x00-\x1f]{1,64}$", description="部门，如 公安、市场监管")
    mobile: bool | None = Field(None, description="只看（或排除）可掌上办的事项")


class RegionQuery(BaseModel):
    parent: str | None = Field(None, pattern=r"^\d{6}(\d{3}(\d{3})?)?$", description="上级区划代码；不传为省级")


class HallQuery(PageQuery):
    region: str | None = Field(None, pattern=r"^\d{6}(\d{3}(\d{3})?)?$", description="区划代码（含下级区划）")
    item: str | None = Field(None, pattern=r"^[0-9A-Za-z-]{1,64}$", description="事项编码：可办理该事项的大厅")
    limit: int = Field(50, ge=1, le=100)


class TopicQuery(BaseModel):
    audience: Literal["person", "legal_person"] | None = None


# ---------------------------------------------------------------- reference data

class RegionOut(BaseModel):
    code: str
    name: str
    level: Level
    parent_code: str | None

    @classmethod
    def of(cls, r) -> "RegionOut":
        return cls(code=r.code, name=r.name, level=r.level, parent_code=r.parent_code)


class RegionList(BaseModel):
    items: list[RegionOut]


class HallOut(BaseModel):
    id: str
    code: str
    name: str
    region_code: str
    address: str
    phone: str
    opening_hours: dict[str, list[str]] = Field(description="按星期（mon…sun）的办公时段")
    window_count: int
    latitude: float | None
    longitude: float | None

    @classmethod
    def of(cls, h) -> "HallOut":
        return cls(id=str(h.id), code=h.code, name=h.name, region_code=h.region_code, address=h.address,
                   phone=h.phone, opening_hours=h.opening_hours or {}, window_count=len(h.windows or []),
                   latitude=h.latitude, longitude=h.longitude)


class HallPage(BaseModel):
    items: list[HallOut]
    next_cursor: str | None = None


class TopicOut(BaseModel):
    code: str
    name: str
    audience: Audience
    item_count: int


class TopicList(BaseModel):
    items: list[TopicOut]


class TopicRef(BaseModel):
    code: str
    name: str


# ---------------------------------------------------------------- items

class ItemSummary(BaseModel):
    """A compact list entry."""

    code: str
    name: str
    type: str
    department: str
    implementer: str
    level: Level
    region_code: str
    audience: Audience
    topics: list[str]
    promised_days: int
    fee_fen: int
    online_depth: int
    online_depth_label: str
    mobile_enabled: bool
    bookable: bool
    deliverable: bool
    smart_approval: bool
    visits: int

    @classmethod
    def of(cls, i) -> "ItemSummary":
        return cls(code=i.code, name=i.name, type=i.type, department=i.department, implementer=i.implementer,
                   level=i.level,
                   region_code=i.region_code, audience=i.audience, topics=list(i.topics or []),
                   promised_days=i.promised_days, fee_fen=i.fee_fen, online_depth=i.online_depth,
                   online_depth_label=ONLINE_DEPTH.get(i.online_depth, ""), mobile_enabled=i.mobile_enabled,
                   bookable=i.bookable, deliverable=i.deliverable, smart_approval=i.smart_approval,
                   visits=i.visits)


class ItemPage(BaseModel):
    items: list[ItemSummary]
    next_cursor: str | None = None


class Step(BaseModel):
    title: str = Field(min_length=1, max_length=64)
    description: str = Field("", max_length=500)


class MaterialOut(BaseModel):
    code: str
    name: str
    basis: str
    format: str
    copies: int
    original: Literal["original", "copy", "both"]
    original_label: str
    required: bool
    condition: str
    license_type: str | None = Field(description="可由电子证照免提交时的证照类型")
    license_name: str | None
    sample_url: str | None = Field(description="示例样本下载地址")
    template_url: str | None = Field(description="空白表格下载地址")

    @classmethod
    def of(cls, m, item_code: str) -> "MaterialOut":
        base = f"/api/v1/items/{item_code}/materials/{m.code}"
        return cls(code=m.code, name=m.name, basis=m.basis, format=m.format, copies=m.copies,
                   original=m.original, original_label=MATERIAL_ORIGINAL.get(m.original, ""),
                   required=m.required, condition=m.condition, license_type=m.license_type,
                   license_name=LICENSE_TYPES.get(m.license_type) if m.license_type else None,
                   sample_url=f"{base}/sample" if m.sample_key else None,
                   template_url=f"{base}/template" if m.template_key else None)


class Fee(BaseModel):
    charged: bool
    amount_fen: int
    basis: str
    nontax_code: str | None


class TimeLimits(BaseModel):
    legal_days: int = Field(description="法定办结时限（工作日）")
    promised_days: int = Field(description="承诺办结时限（工作日）")
    visits: int = Field(description="到办事现场次数")


class BundleRef(BaseModel):
    code: str
    name: str


class ItemGuide(BaseModel):
    """The complete 办事指南 of one item."""

    code: str
    name: str
    aliases: list[str]
    type: str
    department: str
    implementer: str
    level: Level
    level_label: str
    region_code: str
    region_name: str
    audience: Audience
    topics: list[TopicRef]
    legal_basis: str
    conditions: str
    steps: list[Step]
    limits: TimeLimits
    fee: Fee
    online_depth: int
    online_depth_label: str
    mobile_enabled: bool
    bookable: bool
    deliverable: bool
    smart_approval: bool
    produces_license_type: str | None
    result_name: str
    notes: str
    consult_phone: str
    complaint_phone: str
    materials: list[MaterialOut]
    halls: list[HallOut]
    bundles: list[BundleRef]
    form_schema: dict[str, Any] = Field(description="在线申请表单（JSON Schema）")
    published: bool
    updated_at: datetime


# ---------------------------------------------------------------- bundles

class BundleSummary(BaseModel):
    code: str
    name: str
    description: str
    department: str
    audience: Audience
    promised_days: int
    item_count: int


class BundleList(BaseModel):
    items: list[BundleSummary]


class BundleMaterial(BaseModel):
    """A material once for the whole bundle (一次提交), with the items that need it."""

    name: str
    license_type: str | None
    required: bool
    items: list[str]


class BundleDetail(BundleSummary):
    aliases: list[str]
    items: list[ItemSummary]
    materials: list[BundleMaterial]
    total_fee_fen: int
    separate_visits: int = Field(description="分别办理时需跑动的次数合计")


# ---------------------------------------------------------------- admin editing

class MaterialIn(BaseModel):
    code: str = Field(pattern=r"^[A-Za-z0-9_-]{1,32}$")
    name: str = Field(min_length=1, max_length=128)
    basis: str = Field("", max_length=2000)
    format: Literal["纸质", "电子版", "纸质+电子版"] = "电子版"
    copies: int = Field(1, ge=0, le=20)
    original: Literal["original", "copy", "both"] = "copy"
    required: bool = True
    condition: str = Field("", max_length=500)
    license_type: str | None = Field(None, max_length=32)


class ItemFields(BaseModel):
    name: str | None = Field(None, min_length=2, max_length=128)
    aliases: list[str] | None = Field(None, max_length=20)
    type: str | None = Field(None, max_length=16)
    department: str | None = Field(None, min_length=2, max_length=64)
    implementer: str | None = Field(None, max_length=128, description="实施主体")
    level: Level | None = None
    region_code: str | None = Field(None, pattern=r"^\d{6}(\d{3}(\d{3})?)?$")
    audience: Audience | None = None
    topics: list[str] | None = Field(None, max_length=10)
    legal_basis: str | None = Field(None, max_length=4000)
    conditions: str | None = Field(None, max_length=4000)
    steps: list[Step] | None = Field(None, max_length=20)
    legal_days: int | None = Field(None, ge=0, le=365)
    promised_days: int | None = Field(None, ge=0, le=365)
    visits: int | None = Field(None, ge=0, le=5)
    fee_fen: int | None = Field(None, ge=0, le=100_000_000)
    fee_basis: str | None = Field(None, max_length=2000)
    nontax_code: str | None = Field(None, max_length=32)
    online_depth: int | None = Field(None, ge=1, le=4)
    mobile_enabled: bool | None = None
    bookable: bool | None = None
    deliverable: bool | None = None
    smart_approval: bool | None = None
    produces_license_type: str | None = Field(None, max_length=32)
    result_name: str | None = Field(None, max_length=128)
    notes: str | None = Field(None, max_length=4000)
    consult_phone: str | None = Field(None, max_length=32)
    complaint_phone: str | None = Field(None, max_length=32)
    form_schema: dict[str, Any] | None = None
    halls: list[str] | None = Field(None, max_length=50, description="大厅编码")
    materials: list[MaterialIn] | None = Field(None, max_length=50, description="传入则整体替换（按编码保留）")
    published: bool | None = None


class ItemCreate(ItemFields):
    code: str = Field(pattern=r"^[0-9A-Za-z-]{6,64}$", description="事项编码")
    name: str = Field(min_length=2, max_length=128)
    type: str = Field(max_length=16)
    department: str = Field(min_length=2, max_length=64)
    level: Level
    region_code: str = Field(pattern=r"^\d{6}(\d{3}(\d{3})?)?$")


class ItemPatch(ItemFields):
    pass


def level_label(level: str) -> str:
    return LEVEL_NAMES.get(level, level)
