"""Village service points, and delegations (代办授权) from residents to the agents who act for them."""

from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model


class ServicePoint(Model):
    """A village or community service point (便民服务站点) where agents work."""

    id = fields.UUIDField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=128)
    kind = fields.CharField(max_length=16, default="village")  # village|community
    region_code = fields.CharField(max_length=12, db_index=True)
    address = fields.CharField(max_length=255)
    phone = fields.CharField(max_length=32, default="")
    opening_hours = fields.JSONField(default=dict)
    lead_agent_id = fields.UUIDField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "service_point"


class ConsentMethod(str, Enum):
    QR = "qr"  # the resident scanned the agent's code in the mini-program and confirmed
    OFFLINE_SMS = "offline_sms"  # signed paper form photographed + SMS code from the resident's phone


class Delegation(Model):
    """A resident's consent that one agent may act for them, within a scope, until a date."""

    id = fields.UUIDField(primary_key=True)
    principal_id = fields.UUIDField(db_index=True)
    agent_id = fields.UUIDField(db_index=True)
    service_point_id = fields.UUIDField(db_index=True)
    scope_all = fields.BooleanField(default=True)
    scope_items = fields.JSONField(default=list)  # item codes when not scope_all
    consent_method = fields.CharEnumField(ConsentMethod, max_length=16)
    consent_file_id = fields.UUIDField(null=True)  # photo of the signed authorisation form
    consent_phone_index = fields.CharField(max_length=64, null=True)
    consent_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    revoked_by = fields.UUIDField(null=True)
    cases_released_at = fields.DatetimeField(null=True)  # when its end (revoked, expired) took the agent off the cases
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "delegation"
