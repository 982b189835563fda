"""PostgreSQL's change feed (``bot.db.changes``): while it listens, a guild's cached
settings cost no query; this process's own writes count at their commit, another's when the
server's notice arrives; without the feed (its connection ended) every read asks the
database again, and a new connection trusts nothing read before it."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from bot.clock import ManualClock
from bot.db.changes import ChangeFeed, mark_changed
from bot.db.engine import Database
from bot.services.core.guild_settings import GuildSettingsService
from tests.conftest import migrated_database
from tests.feed import PATIENCE_SECONDS, STEP_SECONDS, listening, seen

asyncpg = pytest.importorskip("asyncpg")
GUILD = 11
LISTENERS = text(
    "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
    "WHERE datname = current_database() AND query LIKE 'LISTEN%'"
)


@pytest.fixture
async def here(tmp_path: Path) -> AsyncIterator[Database]:
    database = await migrated_database("postgresql", tmp_path)
    yield database
    await database.close()


@pytest.fixture
async def there(here: Database) -> AsyncIterator[Database]:
    """A second handle on the same database, as another process holds."""
    database = Database.from_url(here.engine.url.render_as_string(hide_password=False))
    yield database
    await database.close()


def feed_of(database: Database) -> ChangeFeed:
    assert database.changes is not None
    return database.changes


def statements(database: Database) -> list[str]:
    """Every statement ``database`` sends from now on."""
    sent: list[str] = []

    def record(*args: Any) -> None:
        sent.append(args[2])

    event.listen(database.engine.sync_engine, "before_cursor_execute", record)
    return sent


async def test_a_cached_guild_costs_no_query_while_the_feed_listens(
    here: Database, clock: ManualClock
) -> None:
    service = GuildSettingsService(here, clock)
    await service.set_timezone(GUILD, "Europe/Berlin")
    await listening(here)
    await service.get(GUILD)
    sent = statements(here)
    for _ in range(20):
        assert (await service.get(GUILD)).timezone == "Europe/Berlin"
    assert sent == []
    await service.set_timezone(GUILD, "Asia/Tokyo")  # this process's change: seen at once
    assert (await service.get(GUILD)).timezone == "Asia/Tokyo"
    assert any("guild_settings" in statement for statement in sent)


async def test_a_unit_counts_its_guilds_only_when_it_succeeds(here: Database) -> None:
    await listening(here)
    feed = feed_of(here)
    before = feed.stamp(GUILD)
    assert before is not None

    def failing_unit() -> None:
        with feed.collecting():
            mark_changed(GUILD)
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        failing_unit()
    assert feed.stamp(GUILD) == before
    with feed.collecting():
        mark_changed(GUILD)
    assert feed.stamp(GUILD) == (before[0], before[1] + 1)
    assert feed.stamp(GUILD + 1) == (before[0], 0)


async def test_another_handles_change_is_told_and_a_lost_feed_falls_back_to_queries(
    here: Database, there: Database, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    mine, theirs = GuildSettingsService(here, clock), GuildSettingsService(there, clock)
    await theirs.set_timezone(GUILD, "Europe/Paris")
    await listening(here, there)

    async def zone() -> str:
        return (await mine.get(GUILD)).timezone

    assert await zone() == "Europe/Paris"
    await theirs.set_timezone(GUILD, "America/Chicago")
    assert await seen(zone, "America/Chicago") == "America/Chicago"

    epoch = feed_of(here).stamp(GUILD)

    async def refused(*_args: object) -> None:
        raise OSError("the server is away")

    monkeypatch.setattr(asyncpg, "connect", refused)  # the feed cannot connect again
    assert await here.run(lambda c: c.execute(LISTENERS).all())
    for _ in range(int(PATIENCE_SECONDS / STEP_SECONDS)):
        if feed_of(here).stamp(GUILD) is None:
            break
        await asyncio.sleep(STEP_SECONDS)
    else:
        raise AssertionError("the feed did not notice that its connection ended")
    await theirs.set_timezone(GUILD, "Asia/Tokyo")  # nobody hears the notice of this one
    assert await zone() == "Asia/Tokyo"  # asked of the database meanwhile

    monkeypatch.undo()
    await listening(here)  # connected again, after its first wait
    again = feed_of(here).stamp(GUILD)
    assert again is not None and epoch is not None and again[0] > epoch[0]
    assert await zone() == "Asia/Tokyo"
