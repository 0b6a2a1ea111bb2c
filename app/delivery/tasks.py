"""Scheduled work for 寄递."""

from __future__ import annotations

from app.core.queue import broker


@broker.task(task_name="delivery.sync_shipments", schedule=[{"cron": "*/10 * * * *"}])
async def sync_shipments() -> int:
    """Pull the courier's status of every open mailed delivery."""
    from app.delivery.service import sync_shipments as sync

    return await sync()
