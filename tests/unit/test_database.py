"""The database layer on a real SQLite file (and PostgreSQL when one is given)."""

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Engine, Integer, MetaData, String, event, select, text
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.db import engine as engine_module
from bot.db.base import Base
from bot.db.engine import Database
from bot.db.migrate import current_revision, head_revision, upgrade_to_head
from bot.errors import InvalidInput
from bot.models.challenges import ChallengeStanding
from bot.models.core import GuildSettings
from tests.conftest import migrated_database


async def test_every_connection_gets_the_pragmas(database: Database) -> None:
    async with database.read() as session:
        values = {
            name: (await session.execute(text(f"PRAGMA {name}"))).scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
        }
    assert values == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": 30000,
        "synchronous": 1,
    }


async def test_migrations_reach_head_and_match_the_models(any_database: Database) -> None:
    database = any_database
    assert await current_revision(database) == head_revision()

    def differences(connection: object) -> list[object]:
        context = MigrationContext.configure(connection)  # type: ignore[arg-type]
        return list(compare_metadata(context, Base.metadata))

    async with database.engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_timestamps_come_back_timezone_aware_utc(database: Database) -> None:
    berlin = timezone(timedelta(hours=1))
    written = datetime(2026, 3, 29, 2, 30, tzinfo=berlin)
    async with database.write() as session:
        session.add(
            GuildSettings(guild_id=1, timezone="UTC", created_at=written, updated_at=written)
        )
    async with database.read() as session:
        row = await session.get(GuildSettings, 1)
    assert row is not None
    assert row.created_at == written
    assert row.created_at.tzinfo is UTC


async def test_naive_timestamps_are_refused(database: Database) -> None:
    naive = datetime(2026, 1, 1)
    row = GuildSettings(guild_id=2, timezone="UTC", created_at=naive, updated_at=naive)
    with pytest.raises(StatementError, match="naive datetime"):
        async with database.write() as session:
            session.add(row)


class _CounterBase(DeclarativeBase):
    metadata = MetaData()


class Counter(_CounterBase):
    __tablename__ = "test_counters"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(20))
    value: Mapped[int] = mapped_column(Integer)


@pytest.mark.slow
async def test_concurrent_read_modify_write_loses_nothing(any_database: Database) -> None:
    """100 writers each read a counter and write it back +1, 20 times: all 2,000 land.

    A row read for changing is read ``with_for_update``: PostgreSQL locks it, and SQLite
    (which ignores that) is protected by ``BEGIN IMMEDIATE``.
    """
    database = any_database
    async with database.engine.begin() as connection:
        await connection.run_sync(_CounterBase.metadata.create_all)
    async with database.write() as session:
        session.add(Counter(id=1, name="hits", value=0))

    async def writer() -> None:
        for _ in range(20):
            async with database.write() as session:
                counter = await session.get(Counter, 1, with_for_update=True)
                assert counter is not None
                await asyncio.sleep(0)  # let the other writers interleave
                counter.value += 1

    results = await asyncio.gather(*(writer() for _ in range(100)), return_exceptions=True)
    errors = [result for result in results if isinstance(result, BaseException)]
    assert errors == []
    async with database.read() as session:
        assert await session.scalar(select(Counter.value).where(Counter.id == 1)) == 2000


async def test_the_standings_migration_totals_the_existing_ledger(tmp_path: Path) -> None:
    """Points awarded before running totals existed land in the right week and month of
    each guild's time zone, and in all time."""
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}")
    await upgrade_to_head(database, "0008")
    at = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # Monday in UTC, still Sunday in New York
    async with database.engine.begin() as connection:
        for guild, zone in ((1, "America/New_York"), (2, "UTC")):
            await connection.execute(
                text(
                    "INSERT INTO guild_settings (guild_id, timezone, created_at, updated_at)"
                    " VALUES (:guild, :zone, :at, :at)"
                ),
                {"guild": guild, "zone": zone, "at": at},
            )
        for guild, user, source, points in ((1, 7, "a", 3), (1, 7, "b", 2), (2, 7, "a", 4)):
            await connection.execute(
                text(
                    "INSERT INTO challenge_points (guild_id, user_id, source, points, awarded_at)"
                    " VALUES (:guild, :user, :source, :points, :at)"
                ),
                {"guild": guild, "user": user, "source": source, "points": points, "at": at},
            )
    await upgrade_to_head(database)
    async with database.read() as session:
        rows = await session.execute(
            select(
                ChallengeStanding.guild_id, ChallengeStanding.period, ChallengeStanding.points
            ).order_by(ChallengeStanding.guild_id, ChallengeStanding.period)
        )
        found = [tuple(row) for row in rows.all()]
    await database.close()
    assert found == [
        (1, "all", 5),
        (1, "month:2026-03", 5),
        (1, "week:2026-02-23", 5),
        (2, "all", 4),
        (2, "month:2026-03", 4),
        (2, "week:2026-03-02", 4),
    ]


async def test_ids_that_forms_name_are_never_reused_after_the_upgrade(tmp_path: Path) -> None:
    """A suggestion written before migration 0022 keeps its id and text; once the newest
    one is deleted, the next gets a new id rather than the deleted one's (on SQLite a
    plain integer key hands out the largest id plus one)."""
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}")
    insert = text(
        "INSERT INTO suggestions (guild_id, author_id, title, body, status, created_at)"
        " VALUES (1, 2, :title, 'b', 'open', :at)"
    )
    at = datetime(2026, 3, 2, tzinfo=UTC)
    await upgrade_to_head(database, "0021")
    async with database.engine.begin() as connection:
        await connection.execute(insert, {"title": "kept", "at": at})
    await upgrade_to_head(database)
    async with database.engine.begin() as connection:
        await connection.execute(insert, {"title": "removed", "at": at})
        await connection.execute(text("DELETE FROM suggestions WHERE title = 'removed'"))
        await connection.execute(insert, {"title": "new", "at": at})
        rows = (await connection.execute(text("SELECT id, title FROM suggestions"))).all()
        tables = (
            await connection.execute(
                text("SELECT name FROM sqlite_master WHERE sql LIKE '%AUTOINCREMENT%'")
            )
        ).scalars()
        rebuilt = set(tables)
    await database.close()
    assert sorted(tuple(row) for row in rows) == [(1, "kept"), (3, "new")]
    assert {"challenge_queue", "member_reports", "suggestions"} <= rebuilt


async def test_writes_that_queue_up_commit_together_and_each_keeps_its_outcome(
    database: Database,
) -> None:
    """Group commit: units of work sent at once share one commit; one that raises is rolled
    back alone and its caller gets the error; every other write is on disk when its caller
    resumes."""
    create = "CREATE TABLE scratch (n INTEGER PRIMARY KEY)"
    await database.run(lambda connection: connection.exec_driver_sql(create), write=True)

    def insert(n: int) -> Callable[[Connection], int]:
        def unit(connection: Connection) -> int:
            connection.exec_driver_sql("INSERT INTO scratch VALUES (?)", (n,))
            if n == 7:
                raise InvalidInput("not this one")
            return n

        return unit

    commits: list[object] = []

    def counted(connection: Connection) -> None:
        commits.append(connection)

    event.listen(Engine, "commit", counted)
    try:
        outcomes = await asyncio.gather(
            *(database.run(insert(n), write=True) for n in range(50)), return_exceptions=True
        )
    finally:
        event.remove(Engine, "commit", counted)
    written = [n for n in range(50) if n != 7]
    assert isinstance(outcomes[7], InvalidInput)
    assert [outcome for outcome in outcomes if isinstance(outcome, int)] == written
    assert 1 <= len(commits) <= 2  # one batch, or the first unit alone and then the rest

    def read(connection: Connection) -> list[int]:
        return [n for (n,) in connection.exec_driver_sql("SELECT n FROM scratch ORDER BY n")]

    assert await database.run(read) == written


async def test_postgres_pings_a_pooled_connection_only_after_it_idled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A connection in steady use is not pinged (a round trip per unit of work): if the
    server dropped it, one unit fails and the pool replaces it. One that idled past the
    threshold is pinged first and replaced before any unit sees it."""
    database = await migrated_database("postgresql", tmp_path)
    killer = Database.from_url(database.engine.url.render_as_string(hide_password=False))

    def backend(connection: Connection) -> int:
        return int(connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())

    async def drop(pid: int) -> None:
        """The server ends that connection (waiting up to 5 s until it is gone)."""
        end = text("SELECT pg_terminate_backend(:pid, 5000)")
        assert await killer.run(lambda c: c.execute(end, {"pid": pid}).scalar_one())

    try:
        first = await database.run(backend)
        await drop(first)
        with pytest.raises(DBAPIError):
            await database.run(backend)
        second = await database.run(backend)
        assert second != first

        monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", 0.0)
        await drop(second)
        assert await database.run(backend) not in (first, second)
    finally:
        await killer.close()
        await database.close()
