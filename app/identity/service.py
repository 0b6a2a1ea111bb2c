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


async def find_by_id_number(*, id_number: str) -> Account | None:
    """The account whose verified ID number is `id_number` (blind-index lookup), if any."""
    from app.core.crypto import blind_index

    return await Account.get_or_none(id_number_index=blind_index(id_number, kind="id_number"))


async def find_or_create_shadow(*, name: str, id_number: str, phone: str) -> tuple[Account, bool]:
    """The resident with this ID number; a shadow account (claimable later) when none exists yet."""
    from app.core import clock
    from app.core.crypto import blind_index, encrypt

    existing = await find_by_id_number(id_number=id_number)
    if existing is not None:
        return existing, False
    account = await Account.create(
        role=Role.RESIDENT, display_name=name, real_name=name, is_shadow=True,
        id_number_enc=encrypt(id_number, context="id_number"),
        id_number_index=blind_index(id_number, kind="id_number"),
        phone_enc=encrypt(phone, context="phone"), phone_index=blind_index(phone, kind="phone"),
        realname_level=2, realname_verified_at=clock.now(),
    )
    return account, True


async def assign_service_point(*, account_id, service_point_id) -> Account:
    """Attach an agent account to a service point."""
    account = await get_account(account_id=account_id)
    account.service_point_id = service_point_id
    await account.save(update_fields=["service_point_id", "updated_at"])
    return account


async def phone_of(*, account: Account) -> str | None:
    """The decrypted phone number of an account (for sending it a text, never for display)."""
    from app.core.crypto import decrypt

    return decrypt(account.phone_enc, context="phone") if account.phone_enc else None


async def find_by_username(*, username: str) -> Account | None:
    """The staff account with this username, if any."""
    return await Account.get_or_none(username=username)
