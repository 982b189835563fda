"""Fixtures shared by every test: a real database file, the content, and the clock."""

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.clock import ManualClock
from bot.content import Content, load_content
from bot.db.engine import Database
from bot.db.migrate import upgrade_to_head

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content(DATA_DIR)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    """A fresh SQLite file, migrated to the latest schema."""
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}")
    await upgrade_to_head(database)
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
        database = Database.from_url(f"sqlite+aiosqlite:///{folder / 'bot.sqlite3'}")
    else:
        url = os.environ.get("TEST_POSTGRES_URL")
        if not url:
            pytest.skip("TEST_POSTGRES_URL is not set")
        database = await _fresh_postgres(url)
    await upgrade_to_head(database)
    return database


@pytest.fixture(params=["sqlite", "postgresql"])
async def any_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """The same tests on SQLite and, when TEST_POSTGRES_URL is set, on PostgreSQL."""
    database = await migrated_database(request.param, tmp_path)
    yield database
    await database.close()
