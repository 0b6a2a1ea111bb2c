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


async def verified_identity(*, account_id: str | uuid.UUID) -> dict:
    """What other domains may match an account's identity by: real-name level, the ID-number blind
    index, the organisation's credit code, and display facts (no raw ID number)."""
    account = await get_account(account_id=account_id)
    return {"realname_level": account.realname_level, "id_number_index": account.id_number_index,
            "credit_code": account.credit_code if account.role == Role.LEGAL_PERSON else None,
            "org_name": account.org_name, "real_name": account.real_name, "role": account.role.value}


async def accounts_for_holder(*, id_number_index: str | None = None, credit_code: str | None = None) -> list[Account]:
    """Verified accounts holding this ID number (blind index) or representing this organisation."""
    if id_number_index:
        return await Account.filter(id_number_index=id_number_index, realname_level__gte=2,
                                    status=AccountStatus.ACTIVE)
    if credit_code:
        return await Account.filter(credit_code=credit_code.upper(), role=Role.LEGAL_PERSON,
                                    realname_level__gte=2, status=AccountStatus.ACTIVE)
    return []
