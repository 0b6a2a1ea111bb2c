"""Run inside the platform's environment by tests/fault/test_worker_kill.py:
`python -m tests.fault.notify_helper notify <openid>` queues a WeChat notification and prints the
message id; `python -m tests.fault.notify_helper resend` runs the periodic resend once."""

import asyncio
import sys

from app.core.config import load_settings
from app.core.queue import broker, import_task_modules
from app.core.resources import close_resources, open_resources


async def main(command: str, *args: str) -> None:
    import_task_modules()
    resources = await open_resources(load_settings(), role="fault-helper")
    await broker.startup()
    try:
        from app.identity.models import Account
        from app.notifications import service
        from app.notifications.templates import thing

        if command == "notify":
            account = await Account.get(openid=args[0])
            message = await service.notify(account_id=account.id, kind="licence", title="证照已签发", body="b",
                                           wechat={"template": "licence", "data": {"thing1": thing("结婚证")}})
            print(message.id)
        else:
            print(await service.resend_pending())
    finally:
        await broker.shutdown()
        await close_resources(resources)


asyncio.run(main(*sys.argv[1:]))
