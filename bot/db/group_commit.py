"""Group commit for write units of work on a SQLite file.

SQLite has one writer at a time, so write units queue; each used to take its own hop to a
database thread and its own commit. Here the units that queue up while one batch is being
written go together: one hop, one transaction, one commit. A unit that raises is rolled back
alone and its caller gets the error, while the others commit: the batch is written again
with each unit in a savepoint of its own (units are plain functions of what they read, so
running one again is safe; a batch without errors, the usual case, needs no savepoints). A
caller resumes only once the commit that holds its unit is done: an answer never promises a
write that a crash could still lose.
"""

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

T = TypeVar("T")
Unit = Callable[[Connection], Any]
BATCH_LIMIT = 64
"""The most units in one transaction: a long queue still commits every few milliseconds."""


@dataclass(frozen=True, slots=True)
class _Failed:
    error: BaseException


class GroupCommit:
    def __init__(self, engine: Engine, turn: asyncio.Lock) -> None:
        self._engine = engine
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="database")
        """One writer thread: a file has one writer at a time, and a batch is written in one go."""
        self._turn = turn
        """The process's write lock, shared with the other kinds of write unit."""
        self._queue: list[tuple[Unit, asyncio.Future[Any]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def run(self, work: Callable[[Connection], T]) -> T:
        """Run ``work`` in the next batch; its result once that batch is committed."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[T] = loop.create_future()
        self._queue.append((work, done))
        if self._writer is None:
            self._writer = loop.create_task(self._write_queue())
        return await done

    async def close(self) -> None:
        """Write every queued unit, then stop the writer thread."""
        while self._writer is not None:
            await asyncio.shield(self._writer)
        self._thread.shutdown(wait=True)

    async def _write_queue(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._queue:
                batch, self._queue = self._queue[:BATCH_LIMIT], self._queue[BATCH_LIMIT:]
                units = [work for work, _ in batch]
                outcomes: list[Any]
                try:
                    async with self._turn:
                        outcomes = await loop.run_in_executor(self._thread, self._write, units)
                except Exception as error:  # the commit failed: no unit of the batch is written
                    outcomes = [_Failed(error)] * len(batch)
                for (_, done), outcome in zip(batch, outcomes, strict=True):
                    if done.done():
                        continue
                    if isinstance(outcome, _Failed):
                        done.set_exception(outcome.error)
                    else:
                        done.set_result(outcome)
        finally:
            self._writer = None

    def _write(self, units: list[Unit]) -> list[Any]:
        """On a database thread: every unit, then one commit; if a unit raised, the batch
        again from the start, each unit in its savepoint."""
        try:
            with self._engine.begin() as connection:
                return [work(connection) for work in units]
        except Exception as error:
            if len(units) == 1:
                return [_Failed(error)]
        outcomes: list[Any] = []
        with self._engine.begin() as connection:
            for work in units:
                savepoint = connection.begin_nested()
                try:
                    outcomes.append(work(connection))
                except Exception as error:
                    savepoint.rollback()
                    outcomes.append(_Failed(error))
                else:
                    savepoint.commit()
        return outcomes
