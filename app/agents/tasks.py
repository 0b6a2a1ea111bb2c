"""Scheduled work for 代办."""

from __future__ import annotations

from app.core.queue import broker


@broker.task(task_name="agents.release_expired", schedule=[{"cron": "*/10 * * * *"}])
async def release_expired() -> int:
    """Take agents off the cases of delegations that have expired."""
    from app.agents.service import release_expired as release

    return await release()
