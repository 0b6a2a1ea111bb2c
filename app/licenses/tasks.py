"""Licence background work: daily expiry reminders."""

from __future__ import annotations

from app.core.queue import broker


@broker.task(task_name="licenses.remind_expiring", schedule=[{"cron": "0 1 * * *"}])  # 09:00 in Shanghai
async def remind_expiring() -> int:
    from app.licenses.service import remind_expiring as run

    return await run(days=30)
