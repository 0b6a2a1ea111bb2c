"""Transactions whose queued tasks are sent only after the outermost one commits.

A task kicked inside a transaction could otherwise run on another worker before the rows it needs
are visible (or after they were rolled back). Services import `in_transaction` from here."""

from __future__ import annotations

import contextvars
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Awaitable, Callable

from tortoise.transactions import in_transaction as _tortoise_transaction

_after_commit: contextvars.ContextVar[list | None] = contextvars.ContextVar("after_commit", default=None)


@asynccontextmanager
async def in_transaction(connection_name: str | None = None) -> AsyncIterator[Any]:
    """Tortoise's `in_transaction`, plus: callbacks registered with `after_commit` run once the
    outermost transaction has committed (and are dropped when it rolls back)."""
    outer = _after_commit.get() is None
    token = _after_commit.set([]) if outer else None
    try:
        async with _tortoise_transaction(connection_name) as conn:
            yield conn
        if token is not None:
            # The callbacks run outside the finished transaction: a transaction they open is an outer
            # one again (its own callbacks run at its commit), and a task they start in this process
            # (in-memory broker) does not inherit a list nobody will run.
            callbacks = _after_commit.get() or []
            _after_commit.reset(token)
            token = None
            for callback in callbacks:
                await callback()
    finally:
        if token is not None:
            _after_commit.reset(token)


async def after_commit(callback: Callable[[], Awaitable[None]]) -> None:
    """Run `callback` after the current transaction commits, or now when there is none."""
    pending = _after_commit.get()
    if pending is None:
        await callback()
    else:
        pending.append(callback)
