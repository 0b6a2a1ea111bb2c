"""Scheduled payment work: close unpaid orders after 30 minutes, reconcile yesterday's bill."""

from __future__ import annotations

from app.core.queue import broker


@broker.task(task_name="payments.close_expired", schedule=[{"cron": "* * * * *"}])
async def close_expired() -> dict:
    from app.payments.service import close_expired as run

    return await run()


@broker.task(task_name="payments.reconcile_daily", schedule=[{"cron": "0 2 * * *"}])  # 10:00 Shanghai
async def reconcile_daily() -> dict:
    from app.payments.reconcile import reconcile_yesterday

    report = await reconcile_yesterday()
    return {"bill_date": report.bill_date.isoformat(), "mismatches": report.mismatch_count}
