"""Application services for applicants, the public progress query, scheduled deemed acceptance and
the hooks later domains call (payments, licences). Agents' cases are in `agent_cases`, aggregates
for statistics in `aggregates`."""

from __future__ import annotations

import hmac
import uuid
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from app.core.transactions import in_transaction

from app.applications import workflow
from app.applications.models import Application, ApplicationEvent, Status
from app.applications.privacy import keep_masked, seal_form
from app.calendar import service as calendar
from app.catalog import service as catalog
from app.core import clock, rawsql
from app.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from app.core.pagination import paginate
from app.files import service as files
from app.licenses import service as licenses

EDITABLE = frozenset({Status.DRAFT, Status.NEEDS_CORRECTION})


# ---------------------------------------------------------------- outside domains, one place each

async def check_owned_file(*, file_id: uuid.UUID | str, owner_id: uuid.UUID) -> bool:
    """Whether `file_id` is an upload owned by `owner_id`."""
    try:
        await files.get_owned_file(file_id=file_id, owner_id=owner_id)
    except NotFound:
        return False
    return True


async def check_license_ref(*, ref: dict, owner_id: uuid.UUID, license_type: str | None) -> str | None:
    """Why a wallet licence cannot stand in for a material, or None when it can (免提交). A usable
    licence's verified summary is kept on the material so the reviewer sees it instead of a photo."""
    if not license_type:
        return "该材料不能用电子证照代替，请上传文件"
    try:
        ref["verified_licence"] = await licenses.verify_for_material(
            license_id=ref["license_id"], holder_account_id=owner_id, license_type=license_type)
    except (NotFound, ValidationFailed, Conflict, Forbidden) as exc:
        return exc.message if not isinstance(exc, NotFound) else "证照不存在或不属于申请人"
    return None


async def bundle_item_codes(*, bundle_code: str) -> list[str]:
    """The item codes of a life-event bundle (一件事), in handling order."""
    _, items = await catalog.get_bundle(code=bundle_code)
    return [item.code for item in items]


# ---------------------------------------------------------------- applicant side

async def create(*, applicant_id: uuid.UUID, actor_id: uuid.UUID | None = None, item_code: str | None = None,
                 bundle_code: str | None = None, form: dict | None = None,
                 materials: dict[str, dict] | None = None) -> tuple[uuid.UUID | None, list[Application]]:
    """Drafts for one item, or one per item of a bundle linked by a group id."""
    actor_id = actor_id or applicant_id
    if bool(item_code) == bool(bundle_code):
        raise ValidationFailed.field("item_code", "请指定事项编码或主题套餐编码之一")
    if item_code:
        items, group_id = [await catalog.get_item(code=item_code)], None
    else:
        codes = await bundle_item_codes(bundle_code=bundle_code)
        items, group_id = [await catalog.get_item(code=c) for c in codes], uuid.uuid4()
    for item in items:
        if not item.mobile_enabled or item.online_depth < 3:
            raise Conflict(f"「{item.name}」暂不支持网上申请，请到大厅办理", code="ITEM_NOT_ONLINE",
                           details={"item_code": item.code})
    created = []
    async with in_transaction():
        for item in items:
            app = await Application.create(
                item_id=item.id, item_code=item.code, item_name=item.name, department=item.department,
                region_code=item.region_code, applicant_id=applicant_id, actor_id=actor_id,
                agent_id=actor_id if actor_id != applicant_id else None,
                form_enc=seal_form(form if len(items) == 1 else {}), materials={c: r for c, r in _plain(materials).items() if r} if len(items) == 1 else {},
                fee_fen=item.fee_fen, group_id=group_id, bundle_code=bundle_code)
            await workflow.record_event(app, action="created", actor_id=actor_id,
                                        on_behalf_of=_behalf(actor_id, applicant_id))
            created.append(app)
    return group_id, created


async def get_by_id(*, application_id: uuid.UUID) -> Application:
    """Any application by id (for other domains' own checks; 404 when unknown)."""
    app = await Application.get_or_none(id=application_id)
    if app is None:
        raise NotFound("办件不存在", code="APPLICATION_NOT_FOUND")
    return app


async def get_own(*, application_id: uuid.UUID, applicant_id: uuid.UUID) -> Application:
    """The applicant's own application (404 for anyone else's)."""
    app = await rawsql.select_one(Application, 'SELECT * FROM "application" WHERE "id" = $1 AND "applicant_id" = $2',
                                  application_id, applicant_id)
    if app is None:
        raise NotFound("办件不存在", code="APPLICATION_NOT_FOUND")
    return app


async def get_own_with_timeline(*, application_id: uuid.UUID,
                                applicant_id: uuid.UUID) -> tuple[Application, list[ApplicationEvent]]:
    """The applicant's own application with its events, oldest first, in one statement (404 for anyone else's)."""
    found = await rawsql.rows(
        Application, f'SELECT {rawsql.columns(Application, "a")}, {rawsql.columns(ApplicationEvent, "e")} '
                     'FROM "application" a LEFT JOIN "application_event" e ON e."application_id" = a."id" '
                     'WHERE a."id" = $1 AND a."applicant_id" = $2 ORDER BY e."created_at", e."id"',
        application_id, applicant_id)
    if not found:
        raise NotFound("办件不存在", code="APPLICATION_NOT_FOUND")
    events = [rawsql.instance(ApplicationEvent, row, "e") for row in found]
    return rawsql.instance(Application, found[0], "a"), [e for e in events if e is not None]


async def list_own(*, applicant_id: uuid.UUID, status: Status | None, cursor: str | None, limit: int,
                   item_codes: list[str] | None = None):
    """The applicant's applications, newest first (only `item_codes` when given: an agent's scope)."""
    qs = Application.filter(applicant_id=applicant_id)
    if item_codes is not None:
        qs = qs.filter(item_code__in=item_codes)
    if status is not None:
        qs = qs.filter(status=status)
    return await paginate(qs, cursor=cursor, limit=limit)


async def timeline(*, application_id: uuid.UUID) -> list[ApplicationEvent]:
    """Every event of an application, oldest first."""
    return await rawsql.select(ApplicationEvent, 'SELECT * FROM "application_event" WHERE "application_id" = $1 '
                               'ORDER BY "created_at", "id"', application_id)


async def update(*, application_id: uuid.UUID, applicant_id: uuid.UUID, form: dict | None,
                 materials: dict[str, dict] | None, actor_id: uuid.UUID | None = None) -> Application:
    """Edit the form and materials of a draft or of a case waiting for correction (an agent's edit is
    on the timeline)."""
    app = await get_own(application_id=application_id, applicant_id=applicant_id)
    if app.status not in EDITABLE:
        raise Conflict(f"办件当前状态为「{workflow.label(app.status)}」，不能修改", code="ILLEGAL_TRANSITION",
                       details={"status": app.status.value, "action": "update"})
    changes: dict[str, Any] = {"updated_at": clock.now()}
    if form is not None:
        changes["form_enc"] = seal_form(keep_masked(form, app.form))
    if materials is not None:
        merged = dict(app.materials)
        for code, ref in _plain(materials).items():
            if ref:
                merged[code] = ref
            else:
                merged.pop(code, None)  # an empty reference removes the material
        changes["materials"] = merged
    async with in_transaction():
        updated = await Application.filter(id=app.id, status=app.status).update(**changes)
        if not updated:
            raise workflow.illegal(await Application.get(id=app.id), "update")
        if _behalf(actor_id, applicant_id):
            await workflow.record_event(app, action="agent_update", actor_id=actor_id, on_behalf_of=applicant_id,
                                        data={"materials": sorted(_plain(materials))} if materials else {})
    return await Application.get(id=app.id)


async def submit(*, application_id: uuid.UUID, applicant_id: uuid.UUID,
                 actor_id: uuid.UUID | None = None) -> Application:
    """Submit (or resubmit after correction): the form must match the item's schema and every required
    material be present and usable; otherwise one 422 lists every problem."""
    actor_id = actor_id or applicant_id
    app = await get_own(application_id=application_id, applicant_id=applicant_id)
    if app.status not in workflow.TRANSITIONS["submit"][0]:
        raise workflow.illegal(app, "submit")
    item = await catalog.get_item_by_id(item_id=app.item_id)
    await item.fetch_related("materials")
    problems = validate_form(item.form_schema or {}, app.form) + await check_materials(app, item)
    if problems:
        raise ValidationFailed(f"申请材料或表单不完整，共 {len(problems)} 处需要处理", code="APPLICATION_INCOMPLETE",
                               details={"fields": problems})
    resubmit = app.status == Status.NEEDS_CORRECTION
    accept_deadline = await calendar.add_workdays(start=clock.today(), days=workflow.DEEMED_ACCEPTANCE_DAYS)
    data = {"materials": app.materials}
    if resubmit:
        data["corrections"] = app.corrections
    app = await workflow.transition(
        app, action="submit", event_action="resubmit" if resubmit else "submit", actor_id=actor_id,
        on_behalf_of=_behalf(actor_id, applicant_id), data=data,
        changes={"submitted_at": clock.now(), "accept_deadline": accept_deadline, "deadline": accept_deadline,
                 "materials": app.materials})
    if item.smart_approval:
        from app.applications import smart

        app = await smart.try_auto_approve(app=app, item=item)
    return app


async def withdraw(*, application_id: uuid.UUID, applicant_id: uuid.UUID, actor_id: uuid.UUID | None = None,
                   reason: str = "") -> Application:
    """Withdraw before acceptance."""
    actor_id = actor_id or applicant_id
    app = await get_own(application_id=application_id, applicant_id=applicant_id)
    return await workflow.transition(app, action="withdraw", actor_id=actor_id,
                                     on_behalf_of=_behalf(actor_id, applicant_id), note=reason,
                                     changes={"closed_at": clock.now()})


_JSONSCHEMA_MESSAGES = {
    "required": "必填", "type": "类型不正确", "enum": "取值不在允许范围内", "const": "取值不正确",
    "minLength": "太短", "maxLength": "太长", "pattern": "格式不正确", "format": "格式不正确",
    "minimum": "数值太小", "maximum": "数值太大", "exclusiveMinimum": "数值太小",
    "exclusiveMaximum": "数值太大", "minItems": "数量太少", "maxItems": "数量太多",
    "additionalProperties": "不允许的字段",
}


def validate_form(schema: dict, form: dict) -> list[dict]:
    """Every way `form` breaks the item's JSON Schema, as `{field, message, type}` (field `form.<path>`)."""
    try:
        validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        errors = sorted(validator.iter_errors(form), key=lambda e: list(e.absolute_path))
    except SchemaError as exc:  # a catalogue fault, not the applicant's
        raise Conflict("事项表单配置有误，请联系部门", code="ITEM_FORM_INVALID") from exc
    problems = []
    for err in errors:
        path = [str(p) for p in err.absolute_path]
        if err.validator == "required":
            missing = [name for name in err.validator_value if name not in (err.instance or {})]
            for name in missing:
                title = (err.schema.get("properties", {}).get(name) or {}).get("title", name)
                problems.append({"field": ".".join(["form", *path, name]), "message": f"{title}：必填",
                                 "type": "required"})
            continue
        title = err.schema.get("title") or (path[-1] if path else "表单")
        problems.append({"field": ".".join(["form", *path]),
                         "message": f"{title}：{_JSONSCHEMA_MESSAGES.get(str(err.validator), '取值不正确')}",
                         "type": str(err.validator)})
    return problems


async def check_materials(app: Application, item) -> list[dict]:
    """Every missing required material and every faulty one given (unknown, not owned, not usable)."""
    problems: list[dict] = []
    by_code = {m.code: m for m in sorted(item.materials, key=lambda m: (m.sort, m.code))}
    for code, material in by_code.items():
        ref = app.materials.get(code)
        if not ref:
            if material.required:
                problems.append({"field": f"materials.{code}", "message": f"{material.name}：未提交",
                                 "type": "missing", "material_code": code})
            continue
        reason = await _material_fault(ref, material, app.applicant_id)
        if reason:
            problems.append({"field": f"materials.{code}", "message": f"{material.name}：{reason}",
                             "type": "faulty", "material_code": code})
    for code in app.materials:
        if code not in by_code:
            problems.append({"field": f"materials.{code}", "message": "该事项不需要此材料", "type": "unknown",
                             "material_code": code})
    return problems


async def _material_fault(ref: dict, material, owner_id: uuid.UUID) -> str | None:
    if ref.get("license_id"):
        return await check_license_ref(ref=ref, owner_id=owner_id, license_type=material.license_type)
    file_ids = ref.get("file_ids") or []
    if not file_ids:
        return "未上传文件"
    for file_id in file_ids:
        if not await check_owned_file(file_id=file_id, owner_id=owner_id):
            return "文件不存在或不属于申请人"
    return None


def _plain(materials: dict | None) -> dict:
    out = {}
    for code, ref in (materials or {}).items():
        ref = ref.model_dump(exclude_none=True) if hasattr(ref, "model_dump") else dict(ref or {})
        if ref.get("file_ids"):
            out[code] = {"file_ids": [str(f) for f in ref["file_ids"]]}
        elif ref.get("license_id"):
            out[code] = {"license_id": str(ref["license_id"])}
        else:
            out[code] = {}
    return out


def _behalf(actor_id: uuid.UUID | None, applicant_id: uuid.UUID) -> uuid.UUID | None:
    return applicant_id if actor_id is not None and actor_id != applicant_id else None


# ---------------------------------------------------------------- public progress query

async def progress(*, receipt_no: str, query_code: str) -> tuple[Application, list[ApplicationEvent], str]:
    """An accepted case by its receipt number and query code, with its events and the masked
    applicant name (404 unless both match)."""
    from app.core.crypto import mask_name
    from app.identity import service as identity

    app = await Application.get_or_none(receipt_no=receipt_no.strip().upper())
    if app is None or not app.query_code or not hmac.compare_digest(
            app.query_code.encode(), query_code.strip().upper().encode()):
        raise NotFound("受理编号或查询码不正确", code="PROGRESS_NOT_FOUND")
    account = await identity.get_account(account_id=app.applicant_id)
    name = account.org_name or account.real_name or account.display_name or ""
    return app, await timeline(application_id=app.id), mask_name(name) or ""


# ---------------------------------------------------------------- scheduled: deemed acceptance

async def deem_overdue_acceptances() -> int:
    """Accept every submitted case whose 5-working-day acceptance period has passed (受理 by law)."""
    today = clock.today()
    count = 0
    for app in await Application.filter(status=Status.SUBMITTED, accept_deadline__lt=today):
        try:
            changes = await workflow.accept_changes(app, accept_day=app.accept_deadline)
            await workflow.transition(
                app, action="deem_accept", actor_id=None, changes=changes,
                note=f"自提交之日起 {workflow.DEEMED_ACCEPTANCE_DAYS} 个工作日内未作出决定，依法视为受理")
            count += 1
        except Conflict:
            continue  # decided meanwhile
    return count


# ---------------------------------------------------------------- hooks for payments and licences

async def fee_due(*, application_id: uuid.UUID, applicant_id: uuid.UUID | None = None) -> int:
    """The fee (fen) the applicant owes for this case, from the item's fee_fen; 0 when none.

    Payable once accepted and before completion; a paid case owes nothing more (409)."""
    app = await Application.get_or_none(id=application_id)
    if app is None or (applicant_id is not None and app.applicant_id != applicant_id):
        raise NotFound("办件不存在", code="APPLICATION_NOT_FOUND")
    if app.paid_at is not None:
        raise Conflict("该办件已缴费", code="FEE_ALREADY_PAID")
    if app.status not in (Status.ACCEPTED, Status.APPROVED):
        raise Conflict(f"办件当前状态为「{workflow.label(app.status)}」，暂不能缴费", code="FEE_NOT_PAYABLE",
                       details={"status": app.status.value})
    item = await catalog.get_item_by_id(item_id=app.item_id)
    return int(item.fee_fen)


async def payment_subject(*, application_id: uuid.UUID, account_id: uuid.UUID) -> dict:
    """What a payer pays for: the item name and its non-tax revenue code (404 unless it is theirs)."""
    app = await get_own(application_id=application_id, applicant_id=account_id)
    item = await catalog.get_item_by_id(item_id=app.item_id)
    return {"item_name": item.name, "nontax_code": item.nontax_code or ""}


async def on_payment_paid(*, application_id: uuid.UUID, payment_id: str) -> Application:
    """Record a paid fee once (timeline event + notification); repeats with the same payment are no-ops."""
    async with in_transaction():
        app = await Application.get_or_none(id=application_id)
        if app is None:
            raise NotFound("办件不存在", code="APPLICATION_NOT_FOUND")
        if app.payment_id == str(payment_id):
            return app
        updated = await Application.filter(id=app.id, paid_at=None).update(
            paid_at=clock.now(), payment_id=str(payment_id), updated_at=clock.now())
        if not updated:
            raise Conflict("该办件已缴费", code="FEE_ALREADY_PAID")
        app = await Application.get(id=app.id)
        await workflow.record_event(app, action="payment_paid", actor_id=app.applicant_id,
                                    data={"payment_id": str(payment_id), "amount_fen": app.fee_fen},
                                    note=f"已缴费 {app.fee_fen / 100:.2f} 元", notify=True)
    return app


async def add_event(*, application_id: uuid.UUID, action: str, note: str = "", data: dict | None = None,
                    actor_id: uuid.UUID | None = None, on_behalf_of: uuid.UUID | None = None) -> None:
    """A timeline event from another domain (寄递 steps): the state does not change, nobody is notified
    here (the calling domain sends its own message)."""
    app = await Application.get_or_none(id=application_id)
    if app is None:
        raise NotFound("办件不存在", code="APPLICATION_NOT_FOUND")
    await workflow.record_event(app, action=action, actor_id=actor_id, note=note, data=data,
                                on_behalf_of=on_behalf_of)


async def issue_results(*, app: Application) -> list[str]:
    """What completion issues: the item's licence for an approved case (ids of issued licences) and,
    for a deliverable item, the delivery of the result (hall pickup or mail, 寄递)."""
    from app.delivery import service as delivery

    item = await catalog.get_item_by_id(item_id=app.item_id)
    if item.deliverable:
        await delivery.dispatch(application_id=app.id)
    if not item.produces_license_type:
        return []
    fields = {k: v for k, v in (app.form or {}).items() if isinstance(v, (str, int, float))}
    licence = await licenses.issue_from_application(
        application_id=app.id, license_type=item.produces_license_type, holder_account_id=app.applicant_id,
        fields=fields, issuer_department=item.department)
    return [str(licence.id)]
