"""Group commit on a real SQLite file: writes run on the event loop, and nothing that waits
for the disk or for another process runs there."""

import asyncio
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Connection

from bot.db import group_commit
from bot.db.engine import Database

CREATE = "CREATE TABLE scratch (n INTEGER PRIMARY KEY, padding TEXT)"


def insert(n: int) -> Callable[[Connection], int]:
    def unit(connection: Connection) -> int:
        connection.exec_driver_sql("INSERT INTO scratch VALUES (?, ?)", (n, "x" * 3000))
        return n

    return unit


async def scratch_database(path: Path) -> Database:
    database = Database.from_url(f"sqlite+aiosqlite:///{path}")
    await database.run(lambda connection: connection.exec_driver_sql(CREATE), write=True)
    return database


async def test_a_write_waits_for_another_process_without_stalling_the_loop(
    tmp_path: Path,
) -> None:
    """Another process holds the write lock: the write waits for it on the database thread
    (busy_timeout) while the event loop goes on, and is written once the lock is free."""
    path = tmp_path / "bot.db"
    database = await scratch_database(path)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        write = asyncio.create_task(database.run(insert(1), write=True))
        ticks = 0
        for _ in range(20):
            await asyncio.sleep(0.01)
            ticks += 1
        assert ticks == 20 and not write.done()
        other.execute("COMMIT")
        assert await asyncio.wait_for(write, 10) == 1
        assert other.execute("SELECT n FROM scratch").fetchall() == [(1,)]
    finally:
        other.close()
        await database.close()


async def test_a_write_unit_holds_the_write_lock_from_its_first_read(tmp_path: Path) -> None:
    """What a write unit reads stays true until it commits: no other process can write in
    between (its transaction begins IMMEDIATE, before the first statement)."""
    path = tmp_path / "bot.db"
    database = await scratch_database(path)
    other = sqlite3.connect(path, isolation_level=None, timeout=0)

    def read_then_check(connection: Connection) -> str:
        connection.exec_driver_sql("SELECT count(*) FROM scratch").scalar()
        try:
            other.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            return str(error)
        other.execute("ROLLBACK")
        return "another process could write"

    try:
        assert await database.run(read_then_check, write=True) == "database is locked"
        assert await database.run(lambda connection: "read", write=False) == "read"
        other.execute("BEGIN IMMEDIATE")  # a read unit left no lock behind
        other.execute("ROLLBACK")
    finally:
        other.close()
        await database.close()


async def wal_pages_after(path: Path, units: int) -> int:
    """The size of the log after ``units`` writes, one at a time (closing deletes it)."""
    database = await scratch_database(path)
    try:
        for n in range(units):
            await database.run(insert(n), write=True)
        await asyncio.sleep(0.2)  # the last checkpoint finishes on its thread
        return path.with_name(path.name + "-wal").stat().st_size // 4096
    finally:
        await database.close()


async def test_the_log_is_checkpointed_off_the_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The connection on the event loop never checkpoints; the database thread does, so the
    log is reused instead of growing with every write."""
    monkeypatch.setattr(group_commit, "CHECKPOINT_EVERY", 20)
    checkpointed = await wal_pages_after(tmp_path / "checkpointed.db", 400)
    monkeypatch.setattr(group_commit, "CHECKPOINT_EVERY", 10**9)
    never = await wal_pages_after(tmp_path / "never.db", 400)
    assert never >= 400  # every unit adds a page of its own to the log
    assert checkpointed < never / 4
