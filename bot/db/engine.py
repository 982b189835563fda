"""The database handle: one async engine, and units of work for reading and for writing.

SQLite needs care under asyncio. With the driver's default transaction handling, two
read-modify-write transactions can interleave and one update is silently lost, and a
transaction that read first and then writes can fail with "database is locked" at once.
So on SQLite the driver's own transaction handling is switched off, every transaction is
begun by us, and write units of work begin with ``BEGIN IMMEDIATE``: they take the write
lock up front and queue behind each other (``busy_timeout``) instead of colliding.

aiosqlite sends every statement to the connection's thread and back, and each hop costs
the event loop more than a short indexed query does. Hot paths therefore use
``Database.run``: the whole unit of work is one plain function on a Core connection. On a
SQLite file it runs on a synchronous engine on the same file, right on the event loop
(write units that queue up meanwhile are committed together, ``bot.db.group_commit``); on
PostgreSQL inside the async driver's greenlet, where a ``ChangeFeed`` (``bot.db.changes``)
tells which guilds' cached data changed.
"""

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

import orjson
from sqlalchemy import Engine, Select, event
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

from bot.db.changes import ChangeFeed
from bot.db.group_commit import GroupCommit, transaction

_IMMEDIATE = "producer_bot_begin_immediate"
SQLITE_BUSY_TIMEOUT_MS = 30_000
PING_AFTER_IDLE_SECONDS = 10.0
"""A pooled PostgreSQL connection idle for longer is pinged before it is used (and replaced
if the server dropped it); one in steady use is not: a ping is a round trip, and it cost
as much as the one-row read that most interactions make."""
_IDLE_SINCE = "producer_bot_idle_since"

T = TypeVar("T")


def _on_sqlite_connect(dbapi_connection: Any, record: ConnectionPoolEntry | None) -> None:
    # Hand transaction control to SQLAlchemy (see the "begin" listener below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in (
        "journal_mode=WAL",
        "synchronous=NORMAL",
        "foreign_keys=ON",
        f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
    ):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _on_sqlite_begin(connection: Connection) -> None:
    immediate = connection.get_execution_options().get(_IMMEDIATE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _ping_if_idle(engine: AsyncEngine) -> None:
    """Ping a PostgreSQL connection on checkout only after ``PING_AFTER_IDLE_SECONDS`` in the
    pool. A connection the server dropped while in steady use fails its unit of work once
    (nothing it wrote is acknowledged), and the pool then replaces every older connection."""
    dialect, pool = engine.dialect, engine.sync_engine.pool

    def checked_in(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    def checked_out(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        idle_since = record.info.get(_IDLE_SINCE)
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:  # the pool takes another connection
            raise DisconnectionError("a pooled connection no longer answers") from error

    event.listen(pool, "checkin", checked_in)
    event.listen(pool, "checkout", checked_out)


def _json_text(value: object) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def create_engine(url: str) -> AsyncEngine:
    """Create the async engine; for a SQLite file, its folder is created if missing, and a
    PostgreSQL connection is pinged only after idling (``_ping_if_idle``). JSON
    columns (profiles' lists, quiz answers) go through orjson: several times faster than
    the standard library where a call reads hundreds of rows."""
    parsed = make_url(url)
    engine = create_async_engine(url, json_serializer=_json_text, json_deserializer=orjson.loads)
    if parsed.get_backend_name() != "sqlite":
        _ping_if_idle(engine)
        return engine
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    event.listen(engine.sync_engine, "connect", _on_sqlite_connect)
    event.listen(engine.sync_engine, "begin", _on_sqlite_begin)
    return engine


def _sync_twin(engine: AsyncEngine) -> Engine | None:
    """A synchronous engine on the same SQLite file, set up like ``engine`` (None on
    PostgreSQL, and for an in-memory database, which a second engine would not see)."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    twin = create_sync_engine(
        url.set(drivername="sqlite"),
        connect_args={"check_same_thread": False},
        pool_size=3,  # the writers on the event loop and on the thread, and the reader
        json_serializer=_json_text,
        json_deserializer=orjson.loads,
    )
    event.listen(twin, "connect", _on_sqlite_connect)
    return twin


class Database:
    """Owns the engine and hands out units of work; one session per unit, never shared."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._readers = async_sessionmaker(engine, expire_on_commit=False)
        self._writers = async_sessionmaker(
            engine.execution_options(**{_IMMEDIATE: True}), expire_on_commit=False
        )
        # SQLite has one writer at a time. Queueing this process's writers here, in order,
        # keeps them out of SQLite's busy handler, which sleeps in growing steps and turns
        # a short queue into second-long waits. Other processes still meet busy_timeout.
        self._write_turn = asyncio.Lock() if engine.dialect.name == "sqlite" else None
        self._twin = _sync_twin(engine)
        self._commits = (
            GroupCommit(self._twin, self._write_turn)
            if self._twin is not None and self._write_turn is not None
            else None
        )
        self.changes = (
            ChangeFeed(engine.url.set(drivername="postgresql").render_as_string(False))
            if engine.dialect.name == "postgresql"
            else None
        )
        """Which guilds' cached data changed, on PostgreSQL (None on SQLite)."""
        self._reader: Connection | None = None
        self._peeker: sqlite3.Connection | None = None
        self._peeks: dict[int, tuple[str, list[str]]] = {}

    @classmethod
    def from_url(cls, url: str) -> "Database":
        return cls(create_engine(url))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A read-only unit of work (a snapshot on SQLite's WAL; no write lock)."""
        async with self._readers.begin() as session:
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A unit of work that writes: commits on success, rolls back on any error.

        Read rows you are going to change with ``with_for_update=True`` (PostgreSQL locks
        them; on SQLite the whole transaction already holds the write lock), or change them
        with atomic SQL (``SET x = x + 1``, ``INSERT … ON CONFLICT``).
        """
        if self._write_turn is None:
            with self._collecting():
                async with self._writers.begin() as session:
                    yield session
            return
        async with self._write_turn, self._writers.begin() as session:
            yield session

    async def run(self, work: Callable[[Connection], T], *, write: bool = False) -> T:
        """Run ``work`` as one unit of work on a Core connection and return what it returns
        (plain values: rows do not leave it). It commits if ``work`` returns and rolls back
        if it raises; with ``write``, it is a write unit of work as in ``write()``.

        On a SQLite file a write joins the next group commit (it returns once that commit
        is done), and a read runs right here on the event loop, through a connection kept
        for it (WAL readers take no lock to wait for): the Python side of a read holds the
        interpreter lock on a thread too, and the hop there and back costs more than the
        short indexed reads these units make. Keep units short: they run on the loop."""
        twin, commits = self._twin, self._commits
        if twin is None or commits is None:
            with self._collecting() if write else contextlib.nullcontext():
                async with self._connection(write) as connection:
                    return await connection.run_sync(work)
        if write:
            return await commits.run(work)
        if self._reader is None:
            self._reader = twin.connect()
        with transaction(self._reader, "BEGIN"):
            return work(self._reader)

    async def peek(self, statement: Select[T], **params: Any) -> T | None:
        """The first column of the first row of ``statement`` (a module-level constant
        reading a row by its key), as cheaply as the backend allows. On a SQLite file it
        runs right here on the event loop, through a connection kept for it: a read of an
        indexed row takes microseconds, a hop to a thread and back a few hundred. The value
        comes as the driver gives it (for integers and text)."""
        if self._twin is None:
            async with self.engine.connect() as connection:
                return (await connection.execute(statement, params)).scalar()
        if self._peeker is None:
            self._peeker = sqlite3.connect(self._twin.url.database or "")
            _on_sqlite_connect(self._peeker, None)
        known = self._peeks.get(id(statement))
        if known is None:
            compiled = statement.compile(dialect=self._twin.dialect)
            known = self._peeks[id(statement)] = compiled.string, list(compiled.positiontup or ())
        sql, names = known
        row = self._peeker.execute(sql, [params[name] for name in names]).fetchone()
        return None if row is None else cast(T, row[0])

    @asynccontextmanager
    async def _connection(self, write: bool) -> AsyncIterator[AsyncConnection]:
        engine = self.engine.execution_options(**{_IMMEDIATE: True}) if write else self.engine
        if write and self._write_turn is not None:
            async with self._write_turn, engine.begin() as connection:
                yield connection
            return
        async with engine.begin() as connection:
            yield connection

    def _collecting(self) -> contextlib.AbstractContextManager[None]:
        """Where the change feed counts a write's guilds (see ``bot.db.changes``)."""
        return self.changes.collecting() if self.changes is not None else contextlib.nullcontext()

    async def close(self) -> None:
        if self.changes is not None:
            await self.changes.close()
        if self._commits is not None:
            await self._commits.close()
        if self._reader is not None:
            self._reader.close()
        await self.engine.dispose()
        if self._peeker is not None:
            self._peeker.close()
        if self._twin is not None:
            self._twin.dispose()
