"""Scheduled work for 寄递."""

from __future__ import annotations

from app.core.queue import broker


@broker.task(task_name="delivery.sync_shipments", schedule=[{"cron": "*/10 * * * *"}])
async def sync_shipments() -> int:
    """Pull the courier's status of every open mailed delivery."""
    from app.delivery.service import sync_shipments as sync

    return await sync()


@broker.task(task_name="delivery.create_shipment", retry_on_error=True, max_retries=5)
async def create_shipment(delivery_id: str) -> str:
    """Give a result waiting for dispatch to the courier (queued after the completion commits)."""
    from app.delivery.service import create_shipment as create

    return await create(delivery_id=delivery_id)


@broker.task(task_name="delivery.retry_dispatching", schedule=[{"cron": "*/5 * * * *"}])
async def retry_dispatching() -> int:
    """Queue again the courier orders still waiting for dispatch."""
    from app.delivery.service import retry_dispatching as retry

    return await retry()
