"""The task queue: in-memory broker by default; a Redis stream broker delivers to a worker."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from taskiq import InMemoryBroker
from taskiq.api import run_receiver_task

from app.core.queue import broker, import_task_modules
from tests.conftest import SERVICE_REDIS_URL, require_service


def test_tests_use_the_in_memory_broker_inline():
    assert isinstance(broker, InMemoryBroker)
    names = import_task_modules()
    assert "app.notifications.tasks" in names
    assert "notifications.send_wechat_message" in broker.get_all_tasks()


async def test_redis_stream_broker_round_trip():
    require_service(bool(SERVICE_REDIS_URL), "Redis (TEST_REDIS_URL or SJT_SERVICE_REDIS_URL)")
    from taskiq_redis import RedisAsyncResultBackend, RedisStreamBroker

    queue = f"sjt:test:{uuid.uuid4().hex}"
    redis_broker = RedisStreamBroker(SERVICE_REDIS_URL, queue_name=queue).with_result_backend(
        RedisAsyncResultBackend(SERVICE_REDIS_URL, result_ex_time=60))
    done = asyncio.Event()

    @redis_broker.task(task_name="test.double")
    async def double(x: int) -> int:
        done.set()
        return x * 2

    await redis_broker.startup()
    worker = asyncio.create_task(run_receiver_task(redis_broker))
    try:
        task = await double.kiq(21)
        result = await task.wait_result(timeout=10)
        assert result.return_value == 42 and done.is_set()
    finally:
        worker.cancel()
        with pytest.raises(asyncio.CancelledError):
            await worker
        await redis_broker.shutdown()
