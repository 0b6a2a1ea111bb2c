"""Notification tasks (retried by the queue's retry middleware)."""

from __future__ import annotations

from app.core.queue import broker


@broker.task(task_name="notifications.send_wechat_message", retry_on_error=True, max_retries=5)
async def send_wechat_message(message_id: str) -> str:
    from app.notifications.service import deliver_wechat

    return await deliver_wechat(message_id=message_id)


@broker.task(task_name="notifications.resend_pending", schedule=[{"cron": "* * * * *"}])
async def resend_pending() -> int:
    from app.notifications.service import resend_pending as run

    return await run()
