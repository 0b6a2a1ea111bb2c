"""Accounts of every role. Personal data (ID number, phone) is stored encrypted with a blind index."""

from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model


class Role(str, Enum):
    RESIDENT = "resident"
    LEGAL_PERSON = "legal_person"
    AGENT = "agent"
    COUNTER = "counter"
    REVIEWER = "reviewer"
    ADMIN = "admin"


STAFF_ROLES = frozenset({Role.AGENT, Role.COUNTER, Role.REVIEWER, Role.ADMIN})


class AccountStatus(str, Enum):
    ACTIVE = "active"
    DISABLED = "disabled"


class Account(Model):
    id = fields.UUIDField(primary_key=True)
    role = fields.CharEnumField(Role, max_length=16, db_index=True)
    status = fields.CharEnumField(AccountStatus, max_length=16, default=AccountStatus.ACTIVE)
    display_name = fields.CharField(max_length=64, default="")

    openid = fields.CharField(max_length=64, null=True, unique=True)
    unionid = fields.CharField(max_length=64, null=True, db_index=True)
    username = fields.CharField(max_length=64, null=True, unique=True)
    password_hash = fields.CharField(max_length=255, null=True)

    real_name = fields.CharField(max_length=64, null=True)
    id_number_enc = fields.CharField(max_length=255, null=True)
    id_number_index = fields.CharField(max_length=64, null=True, unique=True)
    phone_enc = fields.CharField(max_length=255, null=True)
    phone_index = fields.CharField(max_length=64, null=True, db_index=True)
    realname_level = fields.SmallIntField(default=1)
    realname_verified_at = fields.DatetimeField(null=True)

    credit_code = fields.CharField(max_length=18, null=True, db_index=True)
    org_name = fields.CharField(max_length=128, null=True)

    region_code = fields.CharField(max_length=12, null=True)
    hall_id = fields.UUIDField(null=True)
    service_point_id = fields.UUIDField(null=True)
    department = fields.CharField(max_length=64, null=True)
    is_shadow = fields.BooleanField(default=False)

    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    last_login_at = fields.DatetimeField(null=True)

    class Meta:
        table = "account"

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES


class RefreshToken(Model):
    """One opaque refresh token (hash only), family groups the rotations of one login."""

    id = fields.BigIntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    family = fields.CharField(max_length=32, db_index=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "models.Account", related_name="refresh_tokens", on_delete=fields.CASCADE)
    channel = fields.CharField(max_length=16)  # miniprogram|h5|staff
    device = fields.CharField(max_length=128, default="")
    ip = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "refresh_token"
