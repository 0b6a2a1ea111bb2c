"""`in_transaction` + `after_commit`: callbacks run once the outermost transaction commits, are dropped
on rollback, and run outside it (what they start is not part of the finished transaction)."""

from __future__ import annotations

import asyncio

import pytest

from app.core.transactions import after_commit, in_transaction


async def test_callbacks_wait_for_the_outermost_commit(db):
    ran: list[str] = []

    async def note(name: str) -> None:
        ran.append(name)

    async with in_transaction():
        await after_commit(lambda: note("outer"))
        async with in_transaction():
            await after_commit(lambda: note("inner"))
        assert ran == []
    assert ran == ["outer", "inner"]
    await after_commit(lambda: note("no transaction"))
    assert ran[-1] == "no transaction"


async def test_rollback_drops_them(db):
    ran: list[str] = []

    async def note() -> None:
        ran.append("x")

    with pytest.raises(RuntimeError):
        async with in_transaction():
            await after_commit(note)
            raise RuntimeError("boom")
    assert ran == []


async def test_a_transaction_opened_by_a_callback_runs_its_own_callbacks(db):
    ran: list[str] = []

    async def second() -> None:
        ran.append("second")

    async def first() -> None:
        async with in_transaction():
            await after_commit(second)
            assert ran == []  # not before this transaction commits
        ran.append("first done")

    async with in_transaction():
        await after_commit(first)
    assert ran == ["second", "first done"]


async def test_a_task_started_by_a_callback_runs_its_callbacks(db):
    """The in-memory broker starts a task with asyncio.create_task, which copies the context: the task
    must not inherit the finished transaction's list of callbacks (nobody would run them)."""
    done = asyncio.Event()
    tasks: list[asyncio.Task] = []

    async def in_the_task() -> None:
        async def mark() -> None:
            done.set()

        async with in_transaction():
            await after_commit(mark)

    async def start() -> None:
        tasks.append(asyncio.create_task(in_the_task()))

    async with in_transaction():
        await after_commit(start)
    await asyncio.wait_for(tasks[0], 5)
    assert done.is_set()
