"""Identity services: accounts, logins and sessions."""

from __future__ import annotations

import uuid

from app.core.errors import NotFound
from app.identity.models import Account, AccountStatus, Role
from app.identity.sessions import start_session
from app.wechat import miniapp


async def get_account(*, account_id: str | uuid.UUID) -> Account:
    """The account with this id (404 when unknown)."""
    account = await Account.get_or_none(id=account_id)
    if account is None:
        raise NotFound("账号不存在", code="ACCOUNT_NOT_FOUND")
    return account


async def login_with_wechat(*, code: str, device: str = "", ip: str = "") -> tuple[Account, dict, bool]:
    """Exchange a mini-program login code for a session; the first login creates the account."""
    session = await miniapp.code_to_session(code)
    openid = session["openid"]
    account = await Account.get_or_none(openid=openid)
    created = False
    if account is None:
        account, created = await Account.get_or_create(
            openid=openid,
            defaults={"role": Role.RESIDENT, "unionid": session.get("unionid"),
                      "display_name": "微信用户", "status": AccountStatus.ACTIVE},
        )
    tokens = await start_session(account, channel="miniprogram", device=device, ip=ip)
    return account, tokens, created
