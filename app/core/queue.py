"""Task queue (taskiq): in-memory broker in the embedded mode, a Redis stream broker otherwise.

Tasks live in `app/<domain>/tasks.py`; `app.worker` imports them all for `taskiq worker`."""

from __future__ import annotations

import importlib
import logging

from taskiq import AsyncBroker, InMemoryBroker, TaskiqEvents, TaskiqScheduler, TaskiqState
from taskiq.middlewares import SimpleRetryMiddleware
from taskiq.schedule_sources import LabelScheduleSource

from app.core.config import ROOT, load_settings

log = logging.getLogger("sjt.queue")


def _make_broker() -> AsyncBroker:
    settings = load_settings()
    if settings.broker_kind == "redis":
        from taskiq_redis import RedisStreamBroker

        url = settings.redis_url if not settings.redis_is_memory else "redis://127.0.0.1:6379/0"
        broker: AsyncBroker = RedisStreamBroker(url, queue_name="sjt:tasks",
                                                unacknowledged_lock_timeout=30,
                                                idle_timeout=settings.task_redeliver_after * 1000)
    else:
        broker = InMemoryBroker(await_inplace=settings.env == "test", max_async_tasks=50)
    return broker.with_middlewares(SimpleRetryMiddleware(default_retry_count=5, default_retry_label=True))


broker = _make_broker()
scheduler = TaskiqScheduler(broker=broker, sources=[LabelScheduleSource(broker)])


def import_task_modules() -> list[str]:
    """Import every domain's tasks module so the broker knows every task."""
    names = []
    for entry in sorted((ROOT / "app").iterdir()):
        if (entry / "tasks.py").exists():
            name = f"app.{entry.name}.tasks"
            importlib.import_module(name)
            names.append(name)
    return names


@broker.on_event(TaskiqEvents.WORKER_STARTUP)
async def _worker_startup(state: TaskiqState) -> None:
    from app.core import runtime
    from app.core.resources import open_resources

    if runtime.rt.redis is not None:
        return  # in-memory broker inside an API process or a test: resources are already open
    state.resources = await open_resources(load_settings(), role="worker")


@broker.on_event(TaskiqEvents.WORKER_SHUTDOWN)
async def _worker_shutdown(state: TaskiqState) -> None:
    from app.core.resources import close_resources

    await close_resources(getattr(state, "resources", None))
