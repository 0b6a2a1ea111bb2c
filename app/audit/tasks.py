"""Audit tasks: the daily retention run."""

from __future__ import annotations

from app.core.queue import broker


@broker.task(task_name="audit.apply_retention", schedule=[{"cron": "30 3 * * *"}])
async def apply_retention() -> dict:
    from app.audit.service import apply_retention as run

    return await run()
