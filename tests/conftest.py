"""Fixtures shared by every test: a real database file, the content, and the clock."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

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
