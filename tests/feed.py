"""Waiting for PostgreSQL's change feed (``bot.db.changes``): a handle learns of a change
made through another handle when the server's notice arrives. On SQLite nothing waits."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.db.engine import Database

T = TypeVar("T")
PATIENCE_SECONDS = 5.0
STEP_SECONDS = 0.01


async def listening(*databases: Database) -> None:
    """Start each PostgreSQL handle's change feed and wait until it listens."""
    for database in databases:
        feed = database.changes
        if feed is None:
            continue
        for _ in range(int(PATIENCE_SECONDS / STEP_SECONDS)):
            if feed.stamp(0) is not None:
                break
            await asyncio.sleep(STEP_SECONDS)
        else:
            raise AssertionError("the change feed did not start listening")


async def seen(read: Callable[[], Awaitable[T]], expected: T) -> T:
    """What ``read`` gives once it gives ``expected``, or after a few seconds: the caller
    asserts. A change made through another handle reaches this one's cache when the
    server's notice arrives, a few milliseconds after its commit."""
    value = await read()
    for _ in range(int(PATIENCE_SECONDS / STEP_SECONDS)):
        if value == expected:
            break
        await asyncio.sleep(STEP_SECONDS)
        value = await read()
    return value
