"""Catalogue services: regions, halls, topics, service items (search, guides, admin edits) and
life-event bundles. Other domains use `get_item`, `get_item_by_id`, `get_bundle` and `get_hall`."""

from __future__ import annotations

import uuid
from collections import Counter
from functools import lru_cache
from typing import Any

import orjson
from tortoise.expressions import Q
from app.core.transactions import in_transaction

from app.catalog import cache
from app.catalog.constants import AUDIENCES, ITEM_TYPES, LICENSE_TYPES, ONLINE_DEPTH, region_prefix
from app.catalog.models import BundleItem, Hall, LifeEventBundle, Material, Region, ServiceItem, Topic
from app.catalog.schemas import (BundleDetail, BundleMaterial, BundleRef, BundleSummary, Fee, HallOut,
                                 ItemCreate, ItemGuide, ItemPatch, ItemSummary, MaterialOut, Step, TimeLimits,
                                 TopicOut, TopicRef, level_label)
from app.catalog.search import (
    CODE, all_pinyin_forms, build_search_text, decode_cursor, encode_cursor, query_tokens, rank,
)
from app.core import localcache
from app.core.errors import Conflict, NotFound, ValidationFailed

# ---------------------------------------------------------------- regions and halls


HALL_CACHE_SECONDS = 30  # halls change only when the catalogue is seeded


async def get_hall(*, hall_id: str | uuid.UUID) -> Hall:
    """A hall by id (404 when unknown); read-only, shared within the worker for a few seconds."""

    async def load() -> Hall:
        hall = await Hall.get_or_none(id=hall_id)
        if hall is None:
            raise NotFound("服务大厅不存在", code="HALL_NOT_FOUND")
        return hall

    return await localcache.cached("catalog.hall", str(hall_id), ttl=HALL_CACHE_SECONDS, load=load)


async def get_hall_by_code(*, code: str) -> Hall:
    """A hall by its code (404 when unknown)."""
    hall = await Hall.get_or_none(code=code)
    if hall is None:
        raise NotFound("服务大厅不存在", code="HALL_NOT_FOUND")
    return hall


async def list_regions(*, parent: str | None) -> list[Region]:
    """Child regions of `parent` (the province when no parent is given)."""
    if parent is None:
        return await Region.filter(parent_code=None).order_by("code")
    return await Region.filter(parent_code=parent).order_by("code")


async def region_exists(*, code: str) -> bool:
    """Whether `code` is a known region."""
    return await Region.exists(code=code)


async def get_region(*, code: str, field: str = "region") -> Region:
    """A region by code (422 naming `field` when unknown: it is always a client's filter or input)."""
    region = await Region.get_or_none(code=code)
    if region is None:
        raise ValidationFailed.field(field, "区划代码不存在", code="REGION_NOT_FOUND")
    return region


async def region_ancestors(*, code: str) -> list[str]:
    """Codes of the regions above `code`, nearest first."""
    found: list[str] = []
    region = await Region.get_or_none(code=code)
    while region is not None and region.parent_code and len(found) < 6:
        found.append(region.parent_code)
        region = await Region.get_or_none(code=region.parent_code)
    return found


async def list_halls(*, region: str | None, item: str | None, cursor: str | None,
                     limit: int) -> tuple[list[Hall], str | None]:
    """Halls inside `region` (sub-regions included) that handle `item`, by code."""
    qs = Hall.all()
    if region:
        r = await get_region(code=region)
        qs = qs.filter(region_code__startswith=region_prefix(r.code, r.level))
    if item:
        row = await ServiceItem.get_or_none(code=item, published=True)
        if row is None:
            raise NotFound("事项不存在", code="ITEM_NOT_FOUND")
        qs = qs.filter(items__id=row.id)
    if cursor:
        _, after = decode_cursor(cursor)
        qs = qs.filter(code__gt=after)
    rows = await qs.distinct().order_by("code").limit(limit + 1)
    next_cursor = encode_cursor(0, rows[limit - 1].code) if len(rows) > limit else None
    return rows[:limit], next_cursor


# ---------------------------------------------------------------- topics


async def list_topics(*, audience: str | None = None) -> list[TopicOut]:
    """Topics with the number of published items in each (for the given audience)."""
    qs = ServiceItem.filter(published=True)
    if audience:
        qs = qs.filter(audience__in=[audience, "both"])
    counts: Counter[str] = Counter()
    for topics in await qs.values_list("topics", flat=True):
        counts.update(topics or [])
    topics_qs = Topic.all()
    if audience:
        topics_qs = topics_qs.filter(audience__in=[audience, "both"])
    return [TopicOut(code=t.code, name=t.name, audience=t.audience, item_count=counts.get(t.code, 0))
            for t in await topics_qs.order_by("sort", "code")]


# ---------------------------------------------------------------- items: reads


async def get_item(*, code: str, with_materials: bool = True) -> ServiceItem:
    """A published service item by its code, with its materials (404 when unknown)."""
    item = await ServiceItem.get_or_none(code=code, published=True)
    if item is None:
        raise NotFound("事项不存在", code="ITEM_NOT_FOUND")
    if with_materials:
        await item.fetch_related("materials")
    return item


async def get_item_by_id(*, item_id: str | uuid.UUID) -> ServiceItem:
    """A service item by id (404 when unknown)."""
    item = await ServiceItem.get_or_none(id=item_id)
    if item is None:
        raise NotFound("事项不存在", code="ITEM_NOT_FOUND")
    return item


async def search_items(*, q: str | None = None, region: str | None = None, with_parents: bool = False,
                       level: str | None = None, audience: str | None = None, topic: str | None = None,
                       department: str | None = None, mobile: bool | None = None, cursor: str | None = None,
                       limit: int = 20) -> tuple[list[ServiceItem], str | None]:
    """Published items matching the query and filters: by relevance then code when `q` is given,
    by code otherwise; the cursor holds (rank, code) of the last row."""
    qs = ServiceItem.filter(published=True)
    if region:
        r = await get_region(code=region)
        where = Q(region_code__startswith=region_prefix(r.code, r.level))
        if with_parents:
            where |= Q(region_code__in=await region_ancestors(code=r.code))
        qs = qs.filter(where)
    if level:
        qs = qs.filter(level=level)
    if audience:
        qs = qs.filter(audience__in=[audience, "both"])
    if topic:
        qs = qs.filter(topic_index__contains=f"|{topic}|")
    if department:
        qs = qs.filter(department=department)
    if mobile is not None:
        qs = qs.filter(mobile_enabled=mobile)
    after = decode_cursor(cursor) if cursor else None
    tokens = query_tokens(q)
    if q and q.strip() and not tokens:
        return [], None  # only punctuation: nothing can match
    if not tokens:
        if after:
            qs = qs.filter(code__gt=after[1])
        rows = await qs.order_by("code").limit(limit + 1)
        ranked = [(0, row) for row in rows]
    else:
        for token in tokens:
            qs = qs.filter(search_text__contains=token)
        ranked = []
        for row in await qs:
            score = rank(tokens, row.name, row.aliases or [], row.pinyin_forms)
            if score is not None and (after is None or (score, row.code) > after):
                ranked.append((score, row))
        ranked.sort(key=lambda pair: (pair[0], pair[1].code))
    page = ranked[:limit]
    next_cursor = encode_cursor(page[-1][0], page[-1][1].code) if len(ranked) > limit else None
    return [row for _, row in page], next_cursor


async def item_guide_json(*, code: str) -> tuple[bytes, bool]:
    """The rendered guide of a published item as JSON, and whether it came from the cache."""
    if not CODE.fullmatch(code):
        raise NotFound("事项不存在", code="ITEM_NOT_FOUND")
    key = cache.item_key(code)
    cached = await cache.get(key)
    if cached is not None:
        return cached, True
    guide = await build_guide(code=code)
    data = orjson.dumps(guide.model_dump(mode="json"))
    await cache.put(key, data)
    return data, False


async def build_guide(*, code: str, include_unpublished: bool = False) -> ItemGuide:
    """The complete guide of one item, from the database."""
    filters: dict[str, Any] = {"code": code} if include_unpublished else {"code": code, "published": True}
    item = await ServiceItem.get_or_none(**filters)
    if item is None:
        raise NotFound("事项不存在", code="ITEM_NOT_FOUND")
    materials = await Material.filter(item_id=item.id).order_by("sort", "code")
    halls = await item.halls.all().order_by("code")
    region = await Region.get_or_none(code=item.region_code)
    topic_names = dict(await Topic.filter(code__in=item.topics or []).values_list("code", "name"))
    bundles = await LifeEventBundle.filter(entries__item__id=item.id, published=True).order_by("sort", "code")
    return ItemGuide(
        code=item.code, name=item.name, aliases=list(item.aliases or []), type=item.type,
        department=item.department, implementer=item.implementer, level=item.level, level_label=level_label(item.level),
        region_code=item.region_code, region_name=region.name if region else "", audience=item.audience,
        topics=[TopicRef(code=t, name=topic_names.get(t, t)) for t in item.topics or []],
        legal_basis=item.legal_basis, conditions=item.conditions,
        steps=[Step.model_validate(s) for s in item.steps or []],
        limits=TimeLimits(legal_days=item.legal_days, promised_days=item.promised_days, visits=item.visits),
        fee=Fee(charged=item.fee_fen > 0, amount_fen=item.fee_fen, basis=item.fee_basis,
                nontax_code=item.nontax_code),
        online_depth=item.online_depth, online_depth_label=ONLINE_DEPTH.get(item.online_depth, ""),
        mobile_enabled=item.mobile_enabled, bookable=item.bookable, deliverable=item.deliverable,
        smart_approval=item.smart_approval, produces_license_type=item.produces_license_type,
        result_name=item.result_name, notes=item.notes, consult_phone=item.consult_phone,
        complaint_phone=item.complaint_phone,
        materials=[MaterialOut.of(m, item.code) for m in materials],
        halls=[HallOut.of(h) for h in halls],
        bundles=[BundleRef(code=b.code, name=b.name) for b in bundles],
        form_schema=item.form_schema or {}, published=item.published, updated_at=item.updated_at,
    )


async def get_material_file_key(*, code: str, material_code: str, kind: str) -> str:
    """Storage key of a material's sample or blank template (404 when it has none)."""
    if kind not in ("sample", "template") or not CODE.fullmatch(code) or not CODE.fullmatch(material_code):
        raise NotFound("该材料没有可下载的文件", code="MATERIAL_FILE_NOT_FOUND")
    item = await get_item(code=code, with_materials=False)
    material = await Material.get_or_none(item_id=item.id, code=material_code)
    key = None if material is None else (material.sample_key if kind == "sample" else material.template_key)
    if key is None:
        raise NotFound("该材料没有可下载的文件", code="MATERIAL_FILE_NOT_FOUND")
    return key


# ---------------------------------------------------------------- bundles


async def list_bundles() -> list[BundleSummary]:
    """Published life-event bundles."""
    bundles = await LifeEventBundle.filter(published=True).order_by("sort", "code")
    counts = Counter(await BundleItem.filter(bundle_id__in=[b.id for b in bundles],
                                             item__published=True).values_list("bundle_id", flat=True))
    return [_bundle_summary(b, counts.get(b.id, 0)) for b in bundles]


def _bundle_summary(b: LifeEventBundle, item_count: int) -> BundleSummary:
    return BundleSummary(code=b.code, name=b.name, description=b.description, department=b.department,
                         audience=b.audience, promised_days=b.promised_days, item_count=item_count)


async def get_bundle(*, code: str) -> tuple[LifeEventBundle, list[ServiceItem]]:
    """A published bundle and its published items in handling order (404 when unknown)."""
    bundle = await LifeEventBundle.get_or_none(code=code, published=True) if CODE.fullmatch(code) else None
    if bundle is None:
        raise NotFound("一件事主题不存在", code="BUNDLE_NOT_FOUND")
    entries = await BundleItem.filter(bundle_id=bundle.id, item__published=True).order_by("sort").prefetch_related("item")
    return bundle, [e.item for e in entries]


async def bundle_detail(*, code: str) -> BundleDetail:
    """A bundle with its items and the materials asked once for all of them."""
    bundle, items = await get_bundle(code=code)
    merged: dict[str, dict] = {}
    for material in await Material.filter(item_id__in=[i.id for i in items]).order_by("sort").prefetch_related("item"):
        key = material.license_type or material.name
        entry = merged.setdefault(key, {"name": LICENSE_TYPES.get(material.license_type, material.name),
                                        "license_type": material.license_type, "required": False, "items": []})
        entry["required"] |= material.required
        if material.item.code not in entry["items"]:
            entry["items"].append(material.item.code)
    return BundleDetail(**_bundle_summary(bundle, len(items)).model_dump(), aliases=list(bundle.aliases or []),
                        items=[ItemSummary.of(i) for i in items],
                        materials=[BundleMaterial(**m) for m in merged.values()],
                        total_fee_fen=sum(i.fee_fen for i in items), separate_visits=sum(i.visits for i in items))


# ---------------------------------------------------------------- items: admin edits


async def create_item(*, data: ItemCreate, actor_id: uuid.UUID | str | None = None) -> ServiceItem:
    """Create a service item with its materials and halls (admin)."""
    if await ServiceItem.exists(code=data.code):
        raise Conflict("事项编码已存在", code="ITEM_CODE_TAKEN")
    values = data.model_dump(exclude_unset=False)
    values = {k: v for k, v in values.items() if v is not None}
    return await _save_item(item=None, values=values)


async def update_item(*, code: str, changes: ItemPatch, actor_id: uuid.UUID | str | None = None) -> ServiceItem:
    """Change an item (admin); materials, when given, replace the list (kept by material code)."""
    item = await ServiceItem.get_or_none(code=code) if CODE.fullmatch(code) else None
    if item is None:
        raise NotFound("事项不存在", code="ITEM_NOT_FOUND")
    values = changes.model_dump(exclude_unset=True)
    for nested in ("materials", "steps"):  # nested models keep their defaults
        if getattr(changes, nested) is not None:
            values[nested] = [m.model_dump() for m in getattr(changes, nested)]
    return await _save_item(item=item, values=values)


_SCALARS = ("name", "aliases", "type", "department", "implementer", "level", "region_code", "audience", "topics",
            "legal_basis", "conditions", "steps", "legal_days", "promised_days", "visits", "fee_fen",
            "fee_basis", "nontax_code", "online_depth", "mobile_enabled", "bookable", "deliverable",
            "smart_approval", "produces_license_type", "result_name", "notes", "consult_phone",
            "complaint_phone", "form_schema", "published")


async def _save_item(*, item: ServiceItem | None, values: dict[str, Any]) -> ServiceItem:
    current = {f: getattr(item, f) for f in _SCALARS} if item else {}
    merged = {**current, **{k: v for k, v in values.items() if k in _SCALARS}}
    merged.setdefault("online_depth", 3)
    merged.setdefault("legal_days", 20)
    merged.setdefault("promised_days", 10)
    merged.setdefault("fee_fen", 0)
    merged.setdefault("audience", "person")
    await _check(merged, values)
    halls = None
    if values.get("halls") is not None:
        halls = await Hall.filter(code__in=values["halls"])
        missing = sorted(set(values["halls"]) - {h.code for h in halls})
        if missing:
            raise ValidationFailed.field("halls", f"大厅不存在：{'、'.join(missing)}", code="HALL_NOT_FOUND")
    merged["steps"] = [Step.model_validate(s).model_dump() for s in merged.get("steps") or []]
    merged["search_text"] = build_search_text(merged["name"], merged.get("aliases") or [])
    merged["pinyin_forms"] = all_pinyin_forms(merged["name"], merged.get("aliases") or [])
    merged["topic_index"] = "|" + "|".join(merged.get("topics") or []) + "|"
    async with in_transaction():
        if item is None:
            item = await ServiceItem.create(code=values["code"], **merged)
        else:
            item.update_from_dict(merged)
            await item.save()
        if halls is not None:
            await item.halls.clear()
            if halls:
                await item.halls.add(*halls)
        if values.get("materials") is not None:
            await _replace_materials(item, values["materials"])
    await cache.invalidate_item(item.code)
    return item


async def _replace_materials(item: ServiceItem, materials: list[dict]) -> None:
    existing = {m.code: m for m in await Material.filter(item_id=item.id)}
    keep = set()
    for sort, m in enumerate(materials):
        keep.add(m["code"])
        fields = {k: m.get(k) for k in ("name", "basis", "format", "copies", "original", "required",
                                        "condition", "license_type")}
        if m["code"] in existing:
            existing[m["code"]].update_from_dict({**fields, "sort": sort})
            await existing[m["code"]].save()
        else:
            await Material.create(item_id=item.id, code=m["code"], sort=sort, **fields)
    gone = [code for code in existing if code not in keep]
    if gone:
        await Material.filter(item_id=item.id, code__in=gone).delete()


async def _check(v: dict[str, Any], raw: dict[str, Any]) -> None:
    """Every rule an item must satisfy; all faults are reported at once."""
    faults: list[dict[str, str]] = []

    def fault(field: str, message: str) -> None:
        faults.append({"field": field, "message": message})

    for key, value in raw.items():
        if _has_nul(value):
            fault(key, "不能包含空字符")
    if v.get("type") not in ITEM_TYPES:
        fault("type", "事项类型不正确（如 行政许可、行政确认、公共服务）")
    if v.get("audience") not in AUDIENCES:
        fault("audience", "服务对象不正确")
    region = await Region.get_or_none(code=v.get("region_code") or "")
    if region is None:
        fault("region_code", "区划代码不存在")
    elif region.level != v.get("level"):
        fault("level", f"事项层级应与区划层级一致（{region.name}为{level_label(region.level)}）")
    if v["promised_days"] > v["legal_days"]:
        fault("promised_days", "承诺时限不能超过法定时限")
    if v["fee_fen"] > 0 and not (v.get("fee_basis") or "").strip():
        fault("fee_basis", "收费事项须写明收费依据")
    if v.get("smart_approval") and v["online_depth"] != 4:
        fault("smart_approval", "秒批事项须为全程网办（网办深度 4）")
    if v.get("produces_license_type") and v["produces_license_type"] not in LICENSE_TYPES:
        fault("produces_license_type", "证照类型不存在")
    topics = v.get("topics") or []
    if topics:
        known = set(await Topic.filter(code__in=topics).values_list("code", flat=True))
        unknown = [t for t in topics if t not in known]
        if unknown:
            fault("topics", f"主题不存在：{'、'.join(unknown)}")
    schema = v.get("form_schema")
    if schema:
        fault_msg = form_schema_fault(schema)
        if fault_msg:
            fault("form_schema", fault_msg)
    materials = raw.get("materials") or []
    codes = [m["code"] for m in materials]
    if len(codes) != len(set(codes)):
        fault("materials", "材料编码重复")
    for i, m in enumerate(materials):
        if m.get("license_type") and m["license_type"] not in LICENSE_TYPES:
            fault(f"materials.{i}.license_type", "证照类型不存在")
        if not m.get("required") and not (m.get("condition") or "").strip():
            fault(f"materials.{i}.condition", "非必需材料须写明在何种情形下提交")
    if faults:
        raise ValidationFailed(faults[0]["message"], details={"fields": faults})


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_nul(v) for v in value)
    return False


def form_schema_fault(schema: dict[str, Any]) -> str | None:
    """Why `schema` is not a usable form schema (a JSON Schema object with properties), or None."""
    return _schema_fault(orjson.dumps(schema, option=orjson.OPT_SORT_KEYS).decode())


@lru_cache(maxsize=512)
def _schema_fault(canonical: str) -> str | None:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    schema = orjson.loads(canonical)
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return f"表单定义不是合法的 JSON Schema：{exc.message}"
    if schema.get("type") != "object" or not isinstance(schema.get("properties"), dict):
        return "表单定义须为含 properties 的 object"
    missing = [name for name in schema.get("required", []) if name not in schema["properties"]]
    if missing:
        return f"必填字段未定义：{'、'.join(missing)}"
    return None

async def hall_item_codes(*, hall_id: str | uuid.UUID, bookable_only: bool = True) -> list[str]:
    """Codes of the published items a hall handles (only bookable ones by default)."""
    from app.catalog.models import ServiceItem

    qs = ServiceItem.filter(halls__id=hall_id, published=True)
    if bookable_only:
        qs = qs.filter(bookable=True)
    return sorted(set(await qs.values_list("code", flat=True)))


async def hall_handles_item(*, hall_id: str | uuid.UUID, item_code: str) -> bool:
    """Whether the hall handles the published item `item_code`."""
    from app.catalog.models import ServiceItem

    return await ServiceItem.filter(code=item_code, published=True, halls__id=hall_id).exists()


async def halls_by_codes(*, codes: list[str] | None = None) -> list[Hall]:
    """Every hall (or those with the given codes), by code."""
    qs = Hall.all() if codes is None else Hall.filter(code__in=codes)
    return await qs.order_by("code")


async def item_halls(*, item_id: str | uuid.UUID) -> list[Hall]:
    """The halls that handle an item, by code."""
    return await Hall.filter(items__id=item_id).order_by("code")


async def online_share_by_level() -> dict[str, dict[str, int]]:
    """Published items per level: {level: {"total": n, "online": items with online depth ≥ 3}}."""
    out: dict[str, dict[str, int]] = {}
    for level, depth in await ServiceItem.filter(published=True).values_list("level", "online_depth"):
        entry = out.setdefault(level, {"total": 0, "online": 0})
        entry["total"] += 1
        entry["online"] += int(depth >= 3)
    return out
