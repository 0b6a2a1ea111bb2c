"""秒批/即办 (smart approval): an item marked `smart_approval` is accepted, approved and completed by the
system at submit when every rule holds; otherwise the case simply goes on to normal review.

Rules: the applicant is real-name verified; the item charges no fee; every required material (and
every material given) is a verified wallet licence (no photo a person must look at); the form passed
the item's JSON Schema (checked by submit before this runs); and every item rule listed under the
form schema's `x-rules` keyword holds. JSON Schema ignores unknown keywords, so the rules travel with
the item's form and admins edit them with it:

    {"rule": "age_between", "field": "id_number", "min": 16, "max": 60}   # age from an ID number or a date
    {"rule": "region_in", "field": "id_number", "regions": ["140121"]}    # ID number / region code prefix
    {"rule": "matches_applicant", "field": "id_number"}                   # the applicant's own ID number
    {"rule": "not_equal", "field": "province", "value": "山西省"}
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from app.applications import service, workflow
from app.applications.models import Application, Status
from app.core import clock
from app.core.crypto import blind_index
from app.core.errors import AppError
from app.core.transactions import in_transaction

log = logging.getLogger(__name__)
SYSTEM_NOTE = "秒批：材料均来自已核验的电子证照，表单符合全部审批规则，系统自动审批"


def _birth_date(value: Any) -> date | None:
    text = str(value or "").strip()
    try:
        if len(text) == 18 and text[:17].isdigit():
            return date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
        return date.fromisoformat(text)
    except ValueError:
        return None


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _rule_fault(rule: dict, form: dict, identity: dict) -> str | None:
    """Why `rule` does not hold for `form` (None when it holds); an unknown or malformed rule fails."""
    kind, field = rule.get("rule"), rule.get("field")
    value = form.get(field) if isinstance(field, str) else None
    if kind == "age_between":
        born = _birth_date(value)
        if born is None:
            return f"无法从「{field}」确定年龄"
        age = _age(born, clock.today())
        low, high = rule.get("min"), rule.get("max")
        if (isinstance(low, int) and age < low) or (isinstance(high, int) and age > high):
            return f"年龄 {age} 岁不在 {low if low is not None else '-'}–{high if high is not None else '-'} 岁范围内"
        return None
    if kind == "region_in":
        regions = [str(r) for r in rule.get("regions") or []]
        if not isinstance(value, str) or not regions or not any(value.startswith(r) for r in regions):
            return f"「{field}」不属于本事项受理的区划"
        return None
    if kind == "matches_applicant":
        index = identity.get("id_number_index")
        if not isinstance(value, str) or not index or blind_index(value, kind="id_number") != index:
            return f"「{field}」与申请人实名信息不一致"
        return None
    if kind == "not_equal":
        return f"「{field}」的取值需人工审核" if value == rule.get("value") else None
    return f"未知的审批规则 {kind!r}"


async def check(*, app: Application, item) -> list[str]:
    """Every reason the case cannot be approved automatically (empty when every rule holds)."""
    from app.identity import service as identity_service

    reasons: list[str] = []
    identity = await identity_service.verified_identity(account_id=app.applicant_id)
    if identity["realname_level"] < 2 and not identity.get("credit_code"):
        reasons.append("申请人未完成实名认证")
    if item.fee_fen > 0:
        reasons.append("收费事项须缴费后办结")
    await item.fetch_related("materials")
    for material in item.materials:
        ref = app.materials.get(material.code) or {}
        if not ref:
            if material.required:
                reasons.append(f"{material.name}：未提交")
            continue
        if not (ref.get("license_id") and ref.get("verified_licence")):
            reasons.append(f"{material.name}：非电子证照，须人工核验")
    rules = (item.form_schema or {}).get("x-rules") or []
    if not isinstance(rules, list):
        rules = [{"rule": None}]
    form = app.form
    for rule in rules:
        fault = _rule_fault(rule if isinstance(rule, dict) else {}, form, identity)
        if fault:
            reasons.append(fault)
    return reasons


async def try_auto_approve(*, app: Application, item) -> Application:
    """Accept, approve and complete a just-submitted smart-approval case and issue its results, in one
    transaction; when a rule fails (or issuing fails) the case stays submitted for normal review and
    the timeline says why."""
    if not item.smart_approval or app.status != Status.SUBMITTED:
        return app
    reasons = await check(app=app, item=item)
    if not reasons:
        try:
            async with in_transaction():
                changes = await workflow.accept_changes(app, accept_day=clock.today())
                app = await workflow.transition(app, action="accept", actor_id=None, note=SYSTEM_NOTE,
                                                changes=changes, data={"automatic": True})
                app = await workflow.transition(app, action="approve", actor_id=None, note=SYSTEM_NOTE,
                                                changes={"decided_at": clock.now()}, data={"automatic": True})
                app = await workflow.transition(app, action="complete", actor_id=None, note="秒批办结，结果即时发放",
                                                changes={"completed_at": clock.now()}, data={"automatic": True})
                issued = await service.issue_results(app=app)
            if issued:
                log.info("smart approval issued %d licence(s) for application %s", len(issued), app.id)
            return app
        except AppError as exc:
            reasons = [exc.message]
            app = await Application.get(id=app.id)
    async with in_transaction():
        await workflow.record_event(app, action="smart_referred", actor_id=None,
                                    note="不符合秒批条件，转人工审核：" + "；".join(reasons[:10]),
                                    data={"reasons": reasons})
    return app
