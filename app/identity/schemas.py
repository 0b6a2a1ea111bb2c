"""Request and response bodies of the identity API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.core.crypto import decrypt, mask_id_number, mask_name, mask_phone
from app.identity.models import Account


class WechatLoginIn(BaseModel):
    code: str = Field(min_length=1, max_length=128, description="wx.login 返回的临时登录凭证")


class PhoneIn(BaseModel):
    code: str = Field(min_length=1, max_length=128, description="手机号快速验证组件返回的 code")


class PasswordLoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=128)


class UnlockIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)


class RefreshIn(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=256)


class LogoutResult(BaseModel):
    revoked: int = Field(description="本次吊销的刷新令牌数")


class RealNameIn(BaseModel):
    name: str = Field(min_length=1, max_length=64, description="证件上的姓名")
    id_number: str = Field(min_length=1, max_length=32, description="18 位居民身份证号码")


class FaceIn(BaseModel):
    liveness_token: str = Field(min_length=1, max_length=512, description="人脸核身组件返回的核验凭证")


class EnterpriseIn(BaseModel):
    credit_code: str = Field(min_length=1, max_length=32, description="统一社会信用代码（18 位）")
    org_name: str = Field(min_length=1, max_length=128, description="单位名称")


class QrCreated(BaseModel):
    ticket: str
    poll_token: str = Field(description="仅发给发起登录的网页；轮询时作为 poll_token 查询参数")
    payload: str = Field(description="二维码内容 SJT1:Q:<ticket>")
    qr_png: str = Field(description="二维码 PNG（base64）")
    expires_in: int
    expires_at: datetime


class QrPollQuery(BaseModel):
    poll_token: str = Field(min_length=1, max_length=128)
    wait: int = Field(0, ge=0, le=25, description="最长等待秒数（长轮询）")
    state: Literal["pending", "scanned"] = Field("pending", description="网页已知的状态；状态不同即刻返回")


class QrScanInfo(BaseModel):
    state: str
    device: str = Field(description="发起登录的设备（浏览器 · 系统）")
    ip_area: str = Field(description="发起登录的大致地区")
    ip: str = Field(description="发起登录的 IP（部分隐藏）")
    created_at: datetime
    expires_at: datetime


class QrState(BaseModel):
    state: str


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"
    expires_in: int


class LoginResult(TokenPair):
    account: "AccountOut"
    new_account: bool = False


class QrPollResult(BaseModel):
    state: str = Field(description="pending | scanned | confirmed | cancelled | expired")
    tokens: TokenPair | None = Field(None, description="仅在 confirmed 时返回一次")
    account: "AccountOut | None" = None


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
QrPollResult.model_rebuild()


class RealNameResult(AccountOut):
    claimed: bool = Field(False, description="认领了代办员为您建立的账号（线下授权时建立）")
    tokens: TokenPair | None = Field(None, description="认领后新账号的令牌；客户端须替换本地令牌")
