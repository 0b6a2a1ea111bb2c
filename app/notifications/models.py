"""The in-app inbox; each message may also go out as a WeChat subscribe message."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Message(Model):
    id = fields.UUIDField(primary_key=True)
    account_id = fields.UUIDField(db_index=True)
    kind = fields.CharField(max_length=32)  # application_status|appointment|appointment_booked|delivery|…
    title = fields.CharField(max_length=64)
    body = fields.TextField()
    link = fields.CharField(max_length=255, default="")  # client page to open
    ref = fields.CharField(max_length=64, default="")  # id of the record it is about
    wechat = fields.JSONField(null=True)  # {"template": kind, "data": {...}} when sent by WeChat too
    wechat_claimed_at = fields.DatetimeField(null=True)  # lease of the worker sending it
    wechat_sent_at = fields.DatetimeField(null=True)
    wechat_error = fields.CharField(max_length=128, null=True)
    read_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "message"
        indexes = (("account_id", "read_at"), ("account_id", "created_at"))  # unread count; newest first
