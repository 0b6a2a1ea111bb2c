"""Identity API: logins, tokens, the current account, JWKS."""

from __future__ import annotations

from sanic import Blueprint, Request

from app.core.api import endpoint
from app.identity import service
from app.identity.auth import client_ip, current_account, require
from app.identity.schemas import JWKS, AccountOut, LoginResult, WechatLoginIn
from app.identity.tokens import jwks

bp = Blueprint("identity")
well_known = Blueprint("well_known", url_prefix="/.well-known")
well_known.ctx.api_prefix = False
blueprints = [bp, well_known]


@bp.post("/auth/wechat/login")
@endpoint(body=WechatLoginIn, response=LoginResult, summary="小程序登录（wx.login code 换取令牌）",
          tag="auth", errors=(400, 502))
async def wechat_login(request: Request, body: WechatLoginIn):
    account, tokens, created = await service.login_with_wechat(
        code=body.code, device=request.headers.get("x-device", "miniprogram"), ip=client_ip(request))
    return LoginResult(**tokens, account=AccountOut.of(account), new_account=created)


@bp.get("/me")
@endpoint(response=AccountOut, summary="当前账号", tag="auth", auth=require())
async def me(request: Request):
    return AccountOut.of(current_account(request))


@well_known.get("/jwks.json")
@endpoint(response=JWKS, summary="令牌验签公钥（JWKS）", tag="auth")
async def jwks_document(request: Request):
    return JWKS(**jwks())
