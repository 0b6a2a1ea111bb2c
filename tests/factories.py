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


# --- identity: log in over HTTP ---------------------------------------------------------------------

def valid_id_number(first17: str) -> str:
    """A GB 11643 number with the right check digit for the given 17 digits."""
    from app.identity.idcard import id_check_char

    return first17 + id_check_char(first17)


async def wechat_login(client, sim, openid: str | None = None) -> dict:
    """Log in through the WeChat simulator like the mini-program does; returns the login result."""
    openid = openid or f"o-{uuid.uuid4().hex[:12]}"
    code = sim.post("dev/login-code", json={"openid": openid}).json()["code"]
    r = await client.post("/api/v1/auth/wechat/login", json={"code": code})
    assert r.status_code == 200, r.text
    return r.json()


def bearer(tokens: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}

# --- agents ---------------------------------------------------------------------------------

async def make_point(code: str | None = None, region_code: str = "140121100201"):
    from app.agents.models import ServicePoint

    code = code or f"SP-T-{uuid.uuid4().hex[:8]}"
    return await ServicePoint.create(code=code, name=f"测试站点{code}", region_code=region_code, address="村委会")


async def make_agent(point=None, **fields) -> Account:
    point = point or await make_point()
    return await make_account(Role.AGENT, service_point_id=point.id, **fields)


async def make_item(code: str | None = None, **fields):
    from app.catalog.models import ServiceItem

    code = code or f"T{uuid.uuid4().hex[:10].upper()}"
    defaults = dict(name=f"测试事项{code}", type="公共服务", department="测试局", level="county",
                    region_code="140121")
    defaults.update(fields)
    return await ServiceItem.create(code=code, **defaults)
