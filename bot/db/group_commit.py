"""Group commit for write units of work on a SQLite file.

SQLite has one writer at a time, so write units queue. The units that queue up while the
event loop is busy go together: one transaction, one commit. They are written right on the
event loop, through a connection kept for it: these units are a few indexed statements, and
with the log in WAL mode and ``synchronous=NORMAL`` a commit writes to the log without
waiting for the disk, so the hop to a thread and back cost more than the writing. Two
things could still stall the loop, and neither runs there: that connection never waits for
the write lock (another process holding it sends the batch to the database thread, which
waits), and it never checkpoints the log (the thread does, every ``CHECKPOINT_EVERY``
units: a checkpoint waits for the disk).

A unit that raises is rolled back alone and its caller gets the error, while the others
commit: the batch is written again with each unit in a savepoint of its own (units are
plain functions of what they read, so running one again is safe; a batch without errors,
the usual case, needs no savepoints). A caller resumes only once the commit that holds its
unit is done: an answer never promises a write that a crash could still lose.
"""

import asyncio
import logging
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

log = logging.getLogger(__name__)
T = TypeVar("T")
Unit = Callable[[Connection], Any]
BATCH_LIMIT = 64
"""The most units in one transaction: a long queue still commits every few milliseconds."""
CHECKPOINT_EVERY = 250
"""Units written on the event loop between two checkpoints of the log on the database
thread (a few pages each: the log stays near SQLite's own threshold of 1,000 pages)."""


@dataclass(frozen=True, slots=True)
class _Failed:
    error: BaseException


@contextmanager
def transaction(connection: Connection, begin: str = "BEGIN IMMEDIATE") -> Iterator[None]:
    """A transaction on a connection of a synchronous SQLite engine, begun with ``begin``
    straight on the driver. pysqlite, left in autocommit mode, begins none itself, and doing
    it in a ``begin`` listener would put every statement on the engine through its event
    hooks, a fifth of a short unit's CPU. Commits, or rolls back on an error."""
    with connection.begin():
        raw = connection.connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)
        raw.execute(begin)
        yield


def _busy(error: BaseException) -> bool:
    cause = error.orig if isinstance(error, OperationalError) else error
    return getattr(cause, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY


class GroupCommit:
    def __init__(self, engine: Engine, turn: asyncio.Lock) -> None:
        self._engine = engine
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="database")
        """The database thread: batches that must wait for the write lock, and checkpoints."""
        self._turn = turn
        """The process's write lock, shared with the other kinds of write unit."""
        self._queue: list[tuple[Unit, asyncio.Future[Any]]] = []
        self._writer: asyncio.Task[None] | None = None
        self._here: Connection | None = None
        self._unsaved = 0
        """Units written on the event loop since the last checkpoint."""

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
        if self._here is not None:
            self._here.close()
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
                        here = self._write_here(units)
                        outcomes = (
                            await loop.run_in_executor(self._thread, self._write_there, units)
                            if here is None
                            else here
                        )
                except Exception as error:  # the commit failed: no unit of the batch is written
                    outcomes = [_Failed(error)] * len(batch)
                for (_, done), outcome in zip(batch, outcomes, strict=True):
                    if done.done():
                        continue
                    if isinstance(outcome, _Failed):
                        done.set_exception(outcome.error)
                    else:
                        done.set_result(outcome)
                await self._checkpoint_if_due(loop)
        finally:
            self._writer = None

    def _write_here(self, units: list[Unit]) -> list[Any] | None:
        """The batch on the event loop; None (nothing written) if the lock is taken."""
        if self._here is None:
            self._here = self._engine.connect()
            raw = self._here.connection.driver_connection
            assert isinstance(raw, sqlite3.Connection)
            raw.execute("PRAGMA busy_timeout=0")
            raw.execute("PRAGMA wal_autocheckpoint=0")
        try:
            outcomes = _write(self._here, units)
        except (OperationalError, sqlite3.OperationalError) as error:
            if _busy(error):
                return None
            raise
        self._unsaved += len(units)
        return outcomes

    def _write_there(self, units: list[Unit]) -> list[Any]:
        """The batch on the database thread, waiting for the write lock (busy_timeout)."""
        with self._engine.connect() as connection:
            return _write(connection, units)

    async def _checkpoint_if_due(self, loop: asyncio.AbstractEventLoop) -> None:
        """Every ``CHECKPOINT_EVERY`` units, copy the log into the database on the thread.
        Writes wait for it (the loop does not): the next write then starts the log afresh
        instead of appending to it for good."""
        if self._unsaved < CHECKPOINT_EVERY:
            return
        self._unsaved = 0
        try:
            async with self._turn:
                await loop.run_in_executor(self._thread, self._checkpoint_log)
        except Exception:
            log.warning("checkpoint of the log failed; the next one tries again", exc_info=True)

    def _checkpoint_log(self) -> None:
        with self._engine.connect() as connection:
            raw = connection.connection.driver_connection
            assert isinstance(raw, sqlite3.Connection)
            raw.execute("PRAGMA wal_checkpoint(PASSIVE)")


def _write(connection: Connection, units: list[Unit]) -> list[Any]:
    """Every unit, then one commit; if a unit raised, the batch again from the start, each
    unit in its savepoint. Raises SQLite's "busy" error if the write lock could not be had
    (nothing is written then)."""
    try:
        with transaction(connection):
            return [work(connection) for work in units]
    except Exception as error:
        if _busy(error):
            raise
        if len(units) == 1:
            return [_Failed(error)]
    outcomes: list[Any] = []
    with transaction(connection):
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
