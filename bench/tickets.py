"""Print N pending QR-login tickets as JSON [[ticket, poll_token], ...] (run with the platform's
environment). Written straight into Redis like `qr.create_ticket` does, without drawing N PNGs."""

import asyncio
import json
import secrets
import sys

from app.core import clock
from app.core.config import load_settings
from app.core.resources import close_resources, open_resources


async def main(n: int) -> None:
    from app.identity import qr

    resources = await open_resources(load_settings(), role="bench", init_database=False)
    out = []
    try:
        redis = qr.runtime.redis_client()
        now = clock.now().timestamp()
        async with redis.pipeline(transaction=False) as pipe:
            for _ in range(n):
                ticket, poll = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
                pipe.hset(qr._key(ticket), mapping={
                    "state": "pending", "poll": qr._hash(poll), "created": f"{now:.3f}",
                    "expires": f"{now + qr.TTL:.3f}", "device": "bench", "ip": "127.0.0.1", "area": "本机"})
                pipe.expire(qr._key(ticket), qr.TTL + qr.KEY_LINGER)
                out.append([ticket, poll])
            await pipe.execute()
    finally:
        await close_resources(resources)
    print(json.dumps(out))


asyncio.run(main(int(sys.argv[1])))
