"""Identity API: logins (WeChat, staff password, QR for the web), refresh, logout, the current
account, real-name verification, enterprise binding, JWKS."""

from __future__ import annotations

import ipaddress
from datetime import datetime, timezone

from sanic import Blueprint, HTTPResponse, Request

from app.core.api import endpoint
from app.identity import realname, service
from app.identity.auth import PERSON_ROLES, client_ip, current_account, require
from app.identity.sessions import start_session
from app.identity.schemas import (JWKS, AccountOut, EnterpriseIn, FaceIn, LoginResult, LogoutResult,
                                  PasswordLoginIn, PhoneIn, QrCreated, QrPollQuery, QrPollResult, QrScanInfo,
                                  QrState, RealNameIn, RealNameResult, RefreshIn, TokenPair,
                                  WechatLoginIn)
from app.identity.tokens import jwks_bytes

from app.identity.models import Role  # noqa: E402,I001 (kept apart from the block above to merge cleanly)
from app.identity.schemas import UnlockIn  # noqa: E402,I001


bp = Blueprint("identity")
well_known = Blueprint("well_known", url_prefix="/.well-known")
well_known.ctx.api_prefix = False
blueprints = [bp, well_known]


def _device(request: Request, default: str) -> str:
    return request.headers.get("x-device") or request.headers.get("user-agent") or default


@bp.post("/auth/wechat/login")
@endpoint(body=WechatLoginIn, response=LoginResult, summary="小程序登录（wx.login code 换取令牌）",
          tag="auth", errors=(400, 401, 429, 502))
async def wechat_login(request: Request, body: WechatLoginIn):
    account, tokens, created = await service.login_with_wechat(
        code=body.code, device=request.headers.get("x-device", "miniprogram"), ip=client_ip(request))
    return LoginResult(**tokens, account=AccountOut.of(account), new_account=created)


@bp.post("/auth/wechat/phone")
@endpoint(body=PhoneIn, response=AccountOut, summary="绑定微信验证的手机号", tag="auth", auth=require(),
          errors=(400, 429, 502))
async def wechat_phone(request: Request, body: PhoneIn):
    account = await service.bind_phone(account=current_account(request), code=body.code, ip=client_ip(request))
    return AccountOut.of(account)


@bp.post("/auth/password/login")
@endpoint(body=PasswordLoginIn, response=LoginResult, summary="工作人员账号密码登录", tag="auth",
          errors=(401, 423, 429))
async def password_login(request: Request, body: PasswordLoginIn):
    account, tokens = await service.login_with_password(
        username=body.username, password=body.password, device=_device(request, "web"), ip=client_ip(request))
    return LoginResult(**tokens, account=AccountOut.of(account))


@bp.post("/auth/password/unlock")
@endpoint(body=UnlockIn, status=204, summary="解除账号登录锁定（管理员）", tag="auth", auth=require(Role.ADMIN))
async def password_unlock(request: Request, body: UnlockIn):
    await service.unlock_username(username=body.username, actor_id=str(current_account(request).id),
                                  ip=client_ip(request))


@bp.post("/auth/refresh")
@endpoint(body=RefreshIn, response=TokenPair, summary="刷新令牌（每次使用即轮换）", tag="auth", errors=(401, 429))
async def refresh(request: Request, body: RefreshIn):
    _, tokens = await service.refresh(refresh_token=body.refresh_token, ip=client_ip(request))
    return TokenPair(**tokens)


@bp.post("/auth/logout")
@endpoint(response=LogoutResult, summary="退出登录（吊销本次登录的全部令牌）", tag="auth", auth=require())
async def logout(request: Request):
    revoked = await service.logout(account=current_account(request), session_id=request.ctx.claims["sid"],
                                   ip=client_ip(request))
    return LogoutResult(revoked=revoked)


@bp.post("/auth/qr")
@endpoint(response=QrCreated, status=201, summary="网页扫码登录：生成二维码", tag="auth", errors=(429,))
async def qr_create(request: Request):
    data = await service.create_qr_login(user_agent=request.headers.get("user-agent", ""), ip=client_ip(request))
    return QrCreated(**{k: v for k, v in data.items() if k != "created_at"},
                     expires_at=datetime.fromtimestamp(data["created_at"] + data["expires_in"], timezone.utc))


@bp.get("/auth/qr/<ticket:str>")
@endpoint(query=QrPollQuery, response=QrPollResult, summary="网页扫码登录：长轮询状态（确认后一次性返回令牌）",
          tag="auth", errors=(404, 409))
async def qr_poll(request: Request, ticket: str, query: QrPollQuery):
    result = await service.poll_qr_login(ticket=ticket, poll_token=query.poll_token, known=query.state,
                                         wait=query.wait)
    if result["state"] != "confirmed":
        return QrPollResult(state=result["state"])
    return QrPollResult(state="confirmed", tokens=TokenPair(**result["tokens"]),
                        account=AccountOut.of(result["account"]))


def _mask_ip(ip: str) -> str:
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return "*"
    if addr.version == 4:
        parts = ip.split(".")
        return f"{parts[0]}.{parts[1]}.*.*"
    return ip.split(":")[0] + ":*"


@bp.post("/auth/qr/<ticket:str>/scan")
@endpoint(response=QrScanInfo, summary="小程序扫码：查看请求登录的设备、地区和时间", tag="auth",
          auth=require(), errors=(404, 409, 429))
async def qr_scan(request: Request, ticket: str):
    info = await service.scan_qr_login(ticket=ticket, account=current_account(request), ip=client_ip(request))
    return QrScanInfo(state=info["state"], device=info.get("device", ""), ip_area=info.get("area", ""),
                      ip=_mask_ip(info.get("ip", "")),
                      created_at=datetime.fromtimestamp(float(info["created"]), timezone.utc),
                      expires_at=datetime.fromtimestamp(float(info["expires"]), timezone.utc))


@bp.post("/auth/qr/<ticket:str>/confirm")
@endpoint(response=QrState, summary="小程序确认网页登录", tag="auth", auth=require(), errors=(404, 409, 429))
async def qr_confirm(request: Request, ticket: str):
    state = await service.decide_qr_login(ticket=ticket, account=current_account(request), approve=True,
                                          ip=client_ip(request))
    return QrState(state=state)


@bp.post("/auth/qr/<ticket:str>/cancel")
@endpoint(response=QrState, summary="小程序取消网页登录", tag="auth", auth=require(), errors=(404, 409, 429))
async def qr_cancel(request: Request, ticket: str):
    state = await service.decide_qr_login(ticket=ticket, account=current_account(request), approve=False,
                                          ip=client_ip(request))
    return QrState(state=state)


@bp.get("/me")
@endpoint(response=AccountOut, summary="当前账号", tag="auth", auth=require())
async def me(request: Request):
    return AccountOut.of(current_account(request))


@bp.post("/me/real-name")
@endpoint(body=RealNameIn, response=RealNameResult, summary="实名认证（姓名 + 身份证号，二级）", tag="auth",
          auth=require(*PERSON_ROLES), errors=(409, 429))
async def real_name(request: Request, body: RealNameIn):
    caller = current_account(request)
    account = await realname.verify_real_name(account=caller, name=body.name, id_number=body.id_number,
                                              ip=client_ip(request))
    result = RealNameResult(**AccountOut.of(account).model_dump())
    if account.id != caller.id:  # a shadow account was claimed: the caller continues as that account
        tokens = await start_session(account, channel="miniprogram", ip=client_ip(request))
        result.claimed, result.tokens = True, TokenPair(**tokens)
    return result


@bp.post("/me/real-name/face")
@endpoint(body=FaceIn, response=AccountOut, summary="人脸核验（三级实名）", tag="auth",
          auth=require(*PERSON_ROLES), errors=(429,))
async def real_name_face(request: Request, body: FaceIn):
    account = await realname.verify_face(account=current_account(request), liveness_token=body.liveness_token,
                                         ip=client_ip(request))
    return AccountOut.of(account)


@bp.post("/me/enterprise")
@endpoint(body=EnterpriseIn, response=AccountOut, summary="法人绑定单位（统一社会信用代码）", tag="auth",
          auth=require(*PERSON_ROLES), errors=(409, 429))
async def enterprise(request: Request, body: EnterpriseIn):
    account = await realname.bind_enterprise(account=current_account(request), credit_code=body.credit_code,
                                             org_name=body.org_name, ip=client_ip(request))
    return AccountOut.of(account)


@well_known.get("/jwks.json")
@endpoint(response=JWKS, summary="令牌验签公钥（JWKS）", tag="auth")
async def jwks_document(request: Request):
    return HTTPResponse(jwks_bytes(), content_type="application/json")
