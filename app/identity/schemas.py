"""Request and response bodies of the identity API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from app.core.crypto import decrypt, mask_id_number, mask_name, mask_phone
from app.identity.models import Account


class WechatLoginIn(BaseModel):
    code: str = Field(min_length=1, max_length=128, description="wx.login 返回的临时登录凭证")


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"
    expires_in: int


class LoginResult(TokenPair):
    account: "AccountOut"
    new_account: bool = False


class AccountOut(BaseModel):
    id: str
    role: str
    display_name: str
    real_name: str | None = None
    id_number: str | None = Field(None, description="脱敏后的证件号码")
    phone: str | None = Field(None, description="脱敏后的手机号码")
    realname_level: int
    credit_code: str | None = None
    org_name: str | None = None
    region_code: str | None = None
    hall_id: str | None = None
    service_point_id: str | None = None
    department: str | None = None
    created_at: datetime

    @classmethod
    def of(cls, account: Account) -> "AccountOut":
        id_number = decrypt(account.id_number_enc, context="id_number") if account.id_number_enc else None
        phone = decrypt(account.phone_enc, context="phone") if account.phone_enc else None
        return cls(
            id=str(account.id), role=account.role.value, display_name=account.display_name,
            real_name=mask_name(account.real_name), id_number=mask_id_number(id_number),
            phone=mask_phone(phone), realname_level=account.realname_level,
            credit_code=account.credit_code, org_name=account.org_name, region_code=account.region_code,
            hall_id=str(account.hall_id) if account.hall_id else None,
            service_point_id=str(account.service_point_id) if account.service_point_id else None,
            department=account.department, created_at=account.created_at,
        )


class JWK(BaseModel):
    kty: str
    crv: str
    x: str
    y: str
    use: str
    alg: str
    kid: str


class JWKS(BaseModel):
    keys: list[JWK]


LoginResult.model_rebuild()
