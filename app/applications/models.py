"""Applications (办件) and their timeline: every state change is an event."""

from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model


class Status(str, Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    NEEDS_CORRECTION = "needs_correction"
    ACCEPTED = "accepted"
    APPROVED = "approved"
    REJECTED = "rejected"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"
    NOT_ACCEPTED = "not_accepted"


STATUS_LABELS = {
    Status.DRAFT: "草稿", Status.SUBMITTED: "已提交", Status.NEEDS_CORRECTION: "待补正",
    Status.ACCEPTED: "已受理", Status.APPROVED: "审批通过", Status.REJECTED: "不予批准",
    Status.COMPLETED: "已办结", Status.WITHDRAWN: "已撤回", Status.NOT_ACCEPTED: "不予受理",
}


class Application(Model):
    """An application (办件) for one service item, from draft to completion."""

    id = fields.UUIDField(primary_key=True)
    item_id = fields.UUIDField(db_index=True)
    item_code = fields.CharField(max_length=64, db_index=True)
    item_name = fields.CharField(max_length=128)
    # Snapshot of the item's department and region: reviewers are scoped by these.
    department = fields.CharField(max_length=64, db_index=True)
    region_code = fields.CharField(max_length=12, db_index=True)
    applicant_id = fields.UUIDField(db_index=True)  # the principal (whose case it is)
    actor_id = fields.UUIDField()  # who created it (an agent acting for the applicant, or the applicant)
    agent_id = fields.UUIDField(null=True, db_index=True)  # the agent handling the case (handover moves it)
    status = fields.CharEnumField(Status, max_length=20, default=Status.DRAFT, db_index=True)
    form_enc = fields.TextField(default="")  # the online form, encrypted (it holds personal data)
    # {material code: {"file_ids": [uuid, ...]} | {"license_id": "..."}}
    materials = fields.JSONField(default=dict)
    receipt_no = fields.CharField(max_length=32, null=True, unique=True)  # 受理编号
    query_code = fields.CharField(max_length=8, null=True)  # 查询码
    accept_deadline = fields.DateField(null=True)  # last working day to decide on acceptance
    due_date = fields.DateField(null=True)  # 承诺办结日期
    # Review queue order: the acceptance deadline while submitted, then the due date.
    deadline = fields.DateField(null=True, db_index=True)
    fee_fen = fields.IntField(default=0)
    payment_id = fields.CharField(max_length=64, null=True)
    paid_at = fields.DatetimeField(null=True)
    group_id = fields.UUIDField(null=True, db_index=True)  # the applications of one bundle
    bundle_code = fields.CharField(max_length=64, null=True)
    corrections = fields.JSONField(default=list)  # the latest 一次性告知 list
    correction_round = fields.SmallIntField(default=0)
    decision_reason = fields.TextField(default="")
    submitted_at = fields.DatetimeField(null=True)
    accepted_at = fields.DatetimeField(null=True)
    decided_at = fields.DatetimeField(null=True)
    completed_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)  # withdrawn or not accepted
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "application"
        indexes = (("applicant_id", "created_at"), ("department", "status", "deadline"))

    @property
    def form(self) -> dict:
        from app.applications.privacy import open_form

        return open_form(self.form_enc)


class ApplicationEvent(Model):
    """One step on an application's timeline: who did what, for whom, when, from which state."""

    id = fields.BigIntField(primary_key=True)
    application: fields.ForeignKeyRelation[Application] = fields.ForeignKeyField(
        "models.Application", related_name="events", on_delete=fields.CASCADE)
    action = fields.CharField(max_length=32)
    from_status = fields.CharField(max_length=20, null=True)
    to_status = fields.CharField(max_length=20)
    actor_id = fields.UUIDField(null=True)  # None for the system (e.g. deemed acceptance)
    on_behalf_of = fields.UUIDField(null=True)  # the principal when an agent acted for them
    note = fields.TextField(default="")
    data = fields.JSONField(default=dict)  # e.g. the correction list, the materials resubmitted
    created_at = fields.DatetimeField()

    class Meta:
        table = "application_event"
        ordering = ["created_at", "id"]
