"""Request and response bodies of the licence API."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from app.core.pagination import PageQuery

PurposeCode = Literal["validity", "identity", "government_service", "business", "employment", "lodging",
                      "traffic", "social_service"]


class FieldSpec(BaseModel):
    key: str
    label: str
    sensitive: bool
    required: bool


class LicenceTypeOut(BaseModel):
    code: str
    numeric_code: str
    name: str
    holder_kind: str
    issuing_department: str
    issuer_code: str
    validity_years: int | None = Field(None, description="有效年限；空表示长期有效")
    field_schema: list[FieldSpec]
    disclosure: dict[str, list[str]] = Field(description="核验用途 → 可披露字段")

    @classmethod
    def of(cls, t) -> "LicenceTypeOut":
        return cls(code=t.code, numeric_code=t.numeric_code, name=t.name, holder_kind=t.holder_kind.value,
                   issuing_department=t.issuing_department, issuer_code=t.issuer_code,
                   validity_years=t.validity_years, field_schema=t.field_schema, disclosure=t.disclosure)


class LicenceTypeList(BaseModel):
    items: list[LicenceTypeOut]
    purposes: dict[str, str] = Field(description="核验/授权用途代码 → 说明")


class PublicKey(BaseModel):
    kty: str
    crv: str
    x: str
    y: str | None = None
    kid: str
    alg: str = Field(description="EdDSA（Ed25519）或 SM2-SM3")
    use: str
    owner: str = Field(description="发证机关统一社会信用代码，或 SJT-WALLET（亮证码签名）")
    owner_name: str


class KeyDocument(BaseModel):
    keys: list[PublicKey]


class FieldValue(BaseModel):
    key: str
    label: str
    value: str
    sensitive: bool = Field(description="敏感字段，已脱敏")


class LicenceSummary(BaseModel):
    id: str
    identifier: str
    type: str
    type_name: str
    holder: str
    issuer_name: str
    issuer_code: str
    valid_from: date
    valid_until: date | None = None
    status: Literal["valid", "suspended", "revoked", "expired"]
    status_label: str
    fields: list[FieldValue] = []


class SealOut(BaseModel):
    kid: str
    alg: str
    sig: str


class LicenceDetail(LicenceSummary):
    seal: SealOut
    sealed_document: dict[str, Any] = Field(description="签章原文（规范化 JSON 前的对象），可用公钥离线验章")
    status_reason: str = ""
    public_url: str = Field(description="打印二维码所指的公开核验地址")
    created_at: datetime


class WalletPage(BaseModel):
    items: list[LicenceSummary]
    next_cursor: str | None = None


class ShowIn(BaseModel):
    purpose: PurposeCode = Field("validity", description="亮证用途（决定核验方可看到的字段）")


class ShowOut(BaseModel):
    payload: str = Field(description="SJT1:L: 开头的亮证码内容")
    qr_png_base64: str
    purpose: str
    expires_at: datetime
    ttl: int = Field(description="剩余有效秒数（≤ 60）")


class VerifyIn(BaseModel):
    payload: str = Field(min_length=1, max_length=2048)
    purpose: PurposeCode | None = Field(None, description="核验用途；须与亮证时选择的一致")


class VerifyOut(BaseModel):
    valid: bool
    reason: str | None = Field(None, description="EXPIRED_CODE、REPLAYED、REVOKED、SUSPENDED、EXPIRED_LICENCE、"
                                                 "BAD_SIGNATURE、MALFORMED、PURPOSE_MISMATCH…")
    message: str
    purpose: str
    purpose_label: str
    verification_id: str
    checked_at: datetime
    licence: LicenceSummary | None = None


class VerificationOut(BaseModel):
    id: str
    channel: str
    verifier_name: str
    organisation: str
    purpose: str
    result: str
    disclosed: list[str]
    created_at: datetime

    @classmethod
    def of(cls, v) -> "VerificationOut":
        return cls(id=str(v.id), channel=v.channel, verifier_name=v.verifier_name, organisation=v.organisation,
                   purpose=v.purpose, result=v.result, disclosed=list(v.disclosed or []), created_at=v.created_at)


class VerificationPage(BaseModel):
    items: list[VerificationOut]
    next_cursor: str | None = None


class VerificationQuery(PageQuery):
    format: Literal["json", "csv"] = Field("json", description="csv 导出全部记录")


class GrantIn(BaseModel):
    purpose: PurposeCode
    until: datetime = Field(description="授权截止时间（最长一年）")
    grantee_account_id: uuid.UUID | None = Field(None, description="被授权的核验方账号")
    grantee_name: str | None = Field(None, min_length=1, max_length=128, description="被授权机构名称")


class GrantOut(BaseModel):
    id: str
    licence_id: str
    grantee_name: str
    grantee_account_id: str | None = None
    purpose: str
    until: datetime
    state: Literal["active", "revoked", "expired"]
    uses: int
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
    created_at: datetime

    @classmethod
    def of(cls, g) -> "GrantOut":
        from app.licenses.grants import grant_state

        return cls(id=str(g.id), licence_id=str(g.licence_id), grantee_name=g.grantee_name,
                   grantee_account_id=str(g.grantee_account_id) if g.grantee_account_id else None,
                   purpose=g.purpose, until=g.until, state=grant_state(g), uses=g.uses,
                   last_used_at=g.last_used_at, revoked_at=g.revoked_at, created_at=g.created_at)


class GrantCreated(GrantOut):
    access_code: str | None = Field(None, description="交给被授权机构的取证码（仅此一次显示）")


class GrantList(BaseModel):
    items: list[GrantOut]


class GrantAccessQuery(BaseModel):
    code: str | None = Field(None, max_length=64, description="取证码（被授权机构无账号时）")


class GrantedLicence(BaseModel):
    grant_id: str
    grantee_name: str
    purpose: str
    until: datetime
    licence: LicenceSummary


class PublicCheckOut(BaseModel):
    valid: bool
    identifier: str
    type_name: str
    holder: str
    issuer_name: str
    valid_from: date
    valid_until: date | None = None
    status: str
    status_label: str
    seal_valid: bool
    checked_at: datetime


class IssueIn(BaseModel):
    type: str = Field(min_length=1, max_length=32)
    holder_number: str = Field(pattern=r"^[0-9A-Za-z]{18}$", description="持证人公民身份号码或统一社会信用代码")
    holder_name: str | None = Field(None, max_length=64)
    fields: dict[str, str | int | float]
    valid_from: date | None = None
    valid_until: date | None = None


class StatusIn(BaseModel):
    reason: str = Field("", max_length=255)


class LicenceAdminOut(LicenceSummary):
    status_reason: str = ""


class VerifierIn(BaseModel):
    account_id: uuid.UUID
    org_name: str = Field(min_length=1, max_length=128)
    purposes: list[PurposeCode] = Field(min_length=1)


class VerifierOut(BaseModel):
    id: str
    account_id: str
    org_name: str
    purposes: list[str]
    active: bool
