"""Test data factories (one place): accounts of each role and ready-made auth headers."""

from __future__ import annotations

import itertools
import uuid

from app.core.crypto import blind_index, encrypt
from app.identity.models import Account, Role
from app.identity.passwords import hash_password
from app.identity.sessions import start_session

_seq = itertools.count(1)


async def make_account(role: Role | str = Role.RESIDENT, **fields) -> Account:
    n = next(_seq)
    role = Role(role)
    defaults: dict = {"role": role, "display_name": f"测试用户{n}"}
    if role in (Role.RESIDENT, Role.LEGAL_PERSON):
        defaults["openid"] = f"test-openid-{uuid.uuid4().hex[:12]}"
    else:
        defaults["username"] = f"{role.value}.{n}.{uuid.uuid4().hex[:6]}"
        defaults["password_hash"] = hash_password(fields.pop("password", "Passw0rd!23"))
    id_number = fields.pop("id_number", None)
    if id_number:
        defaults.update(id_number_enc=encrypt(id_number, context="id_number"),
                        id_number_index=blind_index(id_number, kind="id_number"), realname_level=2)
    phone = fields.pop("phone", None)
    if phone:
        defaults.update(phone_enc=encrypt(phone, context="phone"), phone_index=blind_index(phone, kind="phone"))
    defaults.update(fields)
    return await Account.create(**defaults)


async def auth_headers(account: Account, channel: str = "test") -> dict[str, str]:
    tokens = await start_session(account, channel=channel)
    return {"Authorization": f"Bearer {tokens['access_token']}"}


# --- payments ------------------------------------------------------------------------------------------
async def make_payment(fake_applications, payer: Account | None = None, *, fee_fen: int = 2500,
                       channel: str = "jsapi", idempotency_key: str | None = None):
    """An open WeChat Pay order (placed at the simulator) for a fresh application of `payer`."""
    from app.payments import service as payments

    payer = payer or await make_account()
    application_id = fake_applications.add(payer.id, fee_fen=fee_fen)
    return await payments.create_order(account_id=payer.id, actor_id=payer.id, openid=payer.openid,
                                       application_id=application_id, channel=channel,
                                       idempotency_key=idempotency_key)
