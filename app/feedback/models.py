"""好差评 ratings with rectification cases, and consultations and complaints (咨询投诉)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Evaluation(Model):
    """A rating (好差评) of a completed application: one initial and at most one supplementary."""

    id = fields.UUIDField(primary_key=True)
    application_id = fields.UUIDField(db_index=True)
    applicant_id = fields.UUIDField(db_index=True)
    item_code = fields.CharField(max_length=64)
    department = fields.CharField(max_length=64, db_index=True)
    region_code = fields.CharField(max_length=12)
    kind = fields.CharField(max_length=16)  # initial|supplementary
    score = fields.SmallIntField()  # 5 非常满意 … 1 非常不满意
    comment = fields.TextField(default="")
    aspects = fields.JSONField(default=list)
    created_at = fields.DatetimeField()

    class Meta:
        table = "evaluation"
        unique_together = (("application_id", "kind"),)


class Rectification(Model):
    """A rectification case (整改) a bad rating opens for the department, with a response deadline."""

    id = fields.UUIDField(primary_key=True)
    application_id = fields.UUIDField(db_index=True)
    evaluation_id = fields.UUIDField(unique=True)
    applicant_id = fields.UUIDField()
    item_name = fields.CharField(max_length=128)
    department = fields.CharField(max_length=64, db_index=True)
    region_code = fields.CharField(max_length=12, db_index=True)
    status = fields.CharField(max_length=16, default="open", db_index=True)  # open|responded
    deadline = fields.DateField()
    response = fields.TextField(default="")
    responder_id = fields.UUIDField(null=True)
    responded_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "rectification"


class Consultation(Model):
    """A question about an item or a complaint about a case, routed to the responsible department."""

    id = fields.UUIDField(primary_key=True)
    kind = fields.CharField(max_length=16)  # consultation|complaint
    source = fields.CharField(max_length=16, default="online")  # online|12345|96303
    applicant_id = fields.UUIDField(null=True, db_index=True)  # None for a hotline caller without an account
    hotline_ticket_no = fields.CharField(max_length=64, null=True, unique=True)
    contact_phone_enc = fields.CharField(max_length=255, null=True)
    contact_phone_index = fields.CharField(max_length=64, null=True, db_index=True)  # hotline caller's phone
    item_code = fields.CharField(max_length=64, null=True)
    application_id = fields.UUIDField(null=True)
    department = fields.CharField(max_length=64, db_index=True)
    region_code = fields.CharField(max_length=12, db_index=True)
    title = fields.CharField(max_length=100)
    content = fields.TextField()
    status = fields.CharField(max_length=16, default="open", db_index=True)  # open|answered
    deadline = fields.DateField()
    answer = fields.TextField(default="")
    answerer_id = fields.UUIDField(null=True)
    answered_at = fields.DatetimeField(null=True)
    rating = fields.SmallIntField(null=True)
    rating_comment = fields.TextField(default="")
    created_at = fields.DatetimeField()

    class Meta:
        table = "consultation"
