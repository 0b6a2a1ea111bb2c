"""Electronic licences (电子证照): types, issuers, licences, verification log, grants, verifiers."""

from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model


class HolderKind(str, Enum):
    PERSON = "person"
    ORGANISATION = "organisation"


class LicenceStatus(str, Enum):
    """Stored state; `expired` is never stored, it is computed from valid_until."""

    VALID = "valid"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    EXPIRED = "expired"


class Issuer(Model):
    """An issuing department identified by its unified social credit code, with its seal suite."""

    credit_code = fields.CharField(max_length=18, primary_key=True)
    name = fields.CharField(max_length=128)
    suite = fields.CharField(max_length=16, default="ed25519")  # ed25519|sm2
    region_code = fields.CharField(max_length=12, default="140000")

    class Meta:
        table = "licence_issuer"


class LicenceType(Model):
    """A licence type with its field schema, holder kind, issuer and validity rule."""

    code = fields.CharField(max_length=32, primary_key=True)
    numeric_code = fields.CharField(max_length=8, unique=True)
    name = fields.CharField(max_length=64)
    holder_kind = fields.CharEnumField(HolderKind, max_length=16)
    issuer_code = fields.CharField(max_length=18)
    issuing_department = fields.CharField(max_length=128)
    validity_years = fields.SmallIntField(null=True)  # null = 长期有效
    field_schema = fields.JSONField(default=list)  # [{"key","label","sensitive","required"}]
    disclosure = fields.JSONField(default=dict)  # purpose -> [field keys] a verifier may see

    class Meta:
        table = "licence_type"


class Licence(Model):
    """One issued licence. The holder is a blind index, sensitive fields are encrypted."""

    id = fields.UUIDField(primary_key=True)
    identifier = fields.CharField(max_length=96, unique=True)
    type_code = fields.CharField(max_length=32, db_index=True)
    holder_kind = fields.CharEnumField(HolderKind, max_length=16)
    holder_index = fields.CharField(max_length=64, db_index=True)
    holder_enc = fields.CharField(max_length=255)  # encrypted ID number or credit code
    holder_mask = fields.CharField(max_length=64, default="")
    fields_public = fields.JSONField(default=dict)
    sensitive_enc = fields.TextField(null=True)
    issuer_code = fields.CharField(max_length=18, db_index=True)
    issuer_name = fields.CharField(max_length=128)
    serial = fields.CharField(max_length=16)
    version = fields.SmallIntField(default=1)
    valid_from = fields.DateField()
    valid_until = fields.DateField(null=True)
    status = fields.CharEnumField(LicenceStatus, max_length=16, default=LicenceStatus.VALID, db_index=True)
    status_reason = fields.CharField(max_length=255, default="")
    expiry_reminded_at = fields.DatetimeField(null=True)
    seal = fields.JSONField(default=dict)  # {"kid","alg","sig"} over canonical(document)
    sealed_document = fields.JSONField(default=dict)
    public_token = fields.CharField(max_length=32, unique=True)
    application_id = fields.UUIDField(null=True, db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "licence"


class Verification(Model):
    """Every check of a licence (scan, API verify, grant use, material reuse, public page)."""

    id = fields.UUIDField(primary_key=True)
    licence: fields.ForeignKeyNullableRelation[Licence] = fields.ForeignKeyField(
        "models.Licence", related_name="verifications", null=True, on_delete=fields.CASCADE)
    channel = fields.CharField(max_length=16)  # counter|api|grant|material|public
    verifier_account_id = fields.UUIDField(null=True, db_index=True)
    verifier_name = fields.CharField(max_length=128, default="")
    organisation = fields.CharField(max_length=128, default="")
    hall_id = fields.UUIDField(null=True)
    purpose = fields.CharField(max_length=32, default="")
    result = fields.CharField(max_length=32)  # OK or a reason code
    disclosed = fields.JSONField(default=list)  # field keys shown
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "licence_verification"


class Grant(Model):
    """A holder lets a named organisation or verifier use one licence for a purpose until a time."""

    id = fields.UUIDField(primary_key=True)
    licence: fields.ForeignKeyRelation[Licence] = fields.ForeignKeyField(
        "models.Licence", related_name="grants", on_delete=fields.CASCADE)
    holder_account_id = fields.UUIDField(db_index=True)
    grantee_account_id = fields.UUIDField(null=True, db_index=True)
    grantee_name = fields.CharField(max_length=128)
    purpose = fields.CharField(max_length=32)
    until = fields.DatetimeField()
    code_hash = fields.CharField(max_length=64, null=True)
    revoked_at = fields.DatetimeField(null=True)
    uses = fields.IntField(default=0)
    last_used_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "licence_grant"


class RegisteredVerifier(Model):
    """An account outside the halls (bank, employer, hotel) registered to verify licence codes."""

    id = fields.UUIDField(primary_key=True)
    account_id = fields.UUIDField(unique=True)
    org_name = fields.CharField(max_length=128)
    purposes = fields.JSONField(default=list)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "licence_verifier"
