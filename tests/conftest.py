"""Fixtures shared by every test: a real database file, the content, and the clock."""

import asyncio
import atexit
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

import bot.models  # noqa: F401  (registers every table)
from bot.clock import ManualClock
from bot.content import Content, load_content
from bot.db.base import Base
from bot.db.engine import Database
from bot.db.migrate import upgrade_to_head

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist each worker gets a PostgreSQL database of its own
    (``test_gw0``, ...), created when missing, so workers never empty each other's tables."""
    worker, url = os.environ.get("PYTEST_XDIST_WORKER"), os.environ.get("TEST_POSTGRES_URL")
    if worker and url:
        os.environ["TEST_POSTGRES_URL"] = asyncio.run(_worker_database(url, worker))


async def _worker_database(url: str, worker: str) -> str:
    base = make_url(url)
    mine = base.set(database=f"{base.database}_{worker}")
    try:
        import asyncpg

        connection = await asyncpg.connect(
            user=base.username, password=base.password, host=base.host,
            port=base.port, database=base.database,
        )  # fmt: skip
    except (ImportError, OSError):
        return url  # the PostgreSQL tests skip as they would anyway
    try:
        await connection.execute(f'CREATE DATABASE "{mine.database}"')
    except asyncpg.DuplicateDatabaseError:
        pass
    finally:
        await connection.close()
    return mine.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content(DATA_DIR)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


_SCHEMA = Path(tempfile.mkdtemp(prefix="bot-schema-"))
atexit.register(shutil.rmtree, _SCHEMA, True)
_migrated_postgres: set[str] = set()


async def _sqlite_at_head(folder: Path) -> Database:
    """A SQLite file at the latest schema: migrated once per run, then copied (migrating
    every test's file anew was a third of the suite's time)."""
    template = _SCHEMA / "head.sqlite3"
    if not template.exists():
        building = Database.from_url(f"sqlite+aiosqlite:///{_SCHEMA / 'building.sqlite3'}")
        await upgrade_to_head(building)
        await building.close()
        (_SCHEMA / "building.sqlite3").rename(template)
    target = folder / "bot.sqlite3"
    shutil.copyfile(template, target)
    return Database.from_url(f"sqlite+aiosqlite:///{target}")


async def _postgres_at_head(url: str) -> Database:
    """PostgreSQL's test database at the latest schema and empty: migrated once per run
    from an empty schema, then emptied table by table."""
    if url not in _migrated_postgres:
        database = await _fresh_postgres(url)
        await upgrade_to_head(database)
        _migrated_postgres.add(url)
        return database
    database = Database.from_url(url)
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    async with database.engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return database


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    """A fresh SQLite file, migrated to the latest schema."""
    database = await _sqlite_at_head(tmp_path)
    yield database
    await database.close()


async def _fresh_postgres(url: str) -> Database:
    database = Database.from_url(url)
    try:
        async with database.engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    except OSError as error:
        await database.close()
        pytest.skip(f"PostgreSQL at TEST_POSTGRES_URL is unreachable: {error}")
    return database


async def migrated_database(backend: str, folder: Path) -> Database:
    """A fresh database at the latest schema: a SQLite file in ``folder``, or PostgreSQL's
    test database emptied (the test skips when TEST_POSTGRES_URL is not set)."""
    if backend == "sqlite":
        return await _sqlite_at_head(folder)
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.skip("TEST_POSTGRES_URL is not set")
    return await _postgres_at_head(url)


@pytest.fixture(params=["sqlite", "postgresql"])
async def any_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """The same tests on SQLite and, when TEST_POSTGRES_URL is set, on PostgreSQL."""
    database = await migrated_database(request.param, tmp_path)
    yield database
    await database.close()
