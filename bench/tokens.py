"""Print access tokens for the demo accounts (run with the platform's environment)."""

import asyncio
import json

from app.core.config import load_settings
from app.core.resources import close_resources, open_resources


async def main() -> None:
    from app.identity.models import Account
    from app.identity.sessions import start_session

    resources = await open_resources(load_settings(), role="bench")
    try:
        out = {}
        for account in await Account.filter(is_shadow=False):
            key = account.username or account.openid
            out[key] = (await start_session(account, channel="bench"))["access_token"]
    finally:
        await close_resources(resources)
    print(json.dumps(out))


asyncio.run(main())
