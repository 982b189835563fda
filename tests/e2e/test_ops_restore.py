"""``python -m bot restore``: a backup goes back in place, checked, never under a running
bot, and the old database's write-ahead log cannot undo it."""

import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.db.migrate import head_revision
from bot.db.restore import in_use
from tests.e2e.helpers import cli

GUILD = 123456789012345678
INSERT = (
    "INSERT INTO guild_settings (guild_id, timezone, created_at, updated_at) "
    "VALUES (?, 'UTC', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
)


def database(tmp_path: Path) -> Path:
    return tmp_path / "cli.sqlite3"  # the file of tests.e2e.helpers.environment


def guilds(path: Path) -> list[int]:
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute("SELECT guild_id FROM guild_settings")]


def add_guild(path: Path, guild_id: int) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute(INSERT, (guild_id,))


def crash_with_a_change_in_the_log(tmp_path: Path, guild_id: int) -> None:
    """Add ``guild_id`` in the write-ahead log only, and leave the database, its log and
    its index as a process that crashed would (uncheckpointed)."""
    names = ("cli.sqlite3", "cli.sqlite3-wal", "cli.sqlite3-shm")
    live = sqlite3.connect(database(tmp_path))
    live.execute("PRAGMA journal_mode=WAL")
    live.execute("PRAGMA wal_autocheckpoint=0")
    live.execute(INSERT, (guild_id,))
    live.commit()
    assert Path(f"{database(tmp_path)}-wal").stat().st_size > 0
    kept = tmp_path / "crashed"
    kept.mkdir()
    for name in names:
        shutil.copy(tmp_path / name, kept / name)
    live.close()  # a clean close checkpoints: put back what the crash left
    for name in names:
        shutil.copy(kept / name, tmp_path / name)


def leftovers(tmp_path: Path) -> list[Path]:
    return list(tmp_path.glob("*.restoring*"))


@pytest.mark.slow
async def test_backup_restore_check_round_trip_beats_the_old_write_ahead_log(
    tmp_path: Path,
) -> None:
    assert (await cli(tmp_path, "migrate"))[0] == 0
    add_guild(database(tmp_path), GUILD)
    code, out, err = await cli(tmp_path, "backup", str(tmp_path / "saved.sqlite3"))
    assert code == 0, err

    # After the backup: a change that sits in the write-ahead log, not yet in the file,
    # as a crash would leave it.
    crash_with_a_change_in_the_log(tmp_path, GUILD + 1)

    code, out, err = await cli(tmp_path, "restore", str(tmp_path / "saved.sqlite3"))
    assert code == 0, err
    assert f"(schema {head_revision()})" in out
    assert "cli.sqlite3.before-restore" in out
    assert guilds(database(tmp_path)) == [GUILD]
    # The replaced database is kept whole, with its log: it still has the later change.
    assert sorted(guilds(tmp_path / "cli.sqlite3.before-restore")) == [GUILD, GUILD + 1]

    code, out, err = await cli(tmp_path, "check")
    assert code == 0, out + err
    assert "All checks passed." in out


async def test_restore_refuses_while_the_bot_runs(tmp_path: Path) -> None:
    assert (await cli(tmp_path, "migrate"))[0] == 0
    shutil.copy(database(tmp_path), tmp_path / "saved.sqlite3")
    with in_use(database(tmp_path)):  # what `run` holds while it runs
        code, out, err = await cli(tmp_path, "restore", str(tmp_path / "saved.sqlite3"))
    assert code == 1 and out == ""
    assert (
        err.strip()
        == f"Restore refused: the bot is running on {database(tmp_path)}: stop it first."
    )


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"not a database at all, just some text" * 100, "is not a readable SQLite database"),
        (None, "is not a database of this bot (no schema revision)"),
        ("9999", "is at schema 9999, which this version of the bot does not know"),
    ],
)
async def test_restore_checks_the_backup_and_changes_nothing_when_it_refuses(
    tmp_path: Path, content: bytes | str | None, says: str
) -> None:
    assert (await cli(tmp_path, "migrate"))[0] == 0
    add_guild(database(tmp_path), GUILD)
    backup = tmp_path / "saved.sqlite3"
    if isinstance(content, bytes):
        backup.write_bytes(content)
    else:
        shutil.copy(database(tmp_path), backup)
        with sqlite3.connect(backup) as connection:
            if content is None:
                connection.execute("DROP TABLE alembic_version")
            else:
                connection.execute("UPDATE alembic_version SET version_num = ?", (content,))
    code, out, err = await cli(tmp_path, "restore", str(backup))
    assert code == 1 and out == ""
    assert err.startswith("Restore refused: ") and says in err, err
    assert err.strip().count("\n") == 0
    assert guilds(database(tmp_path)) == [GUILD]
    assert not leftovers(tmp_path)


async def test_restore_on_postgresql_points_to_pg_restore(tmp_path: Path) -> None:
    code, _, err = await cli(
        tmp_path,
        "restore",
        "saved.dump",
        DATABASE_URL="postgresql+asyncpg://bot@127.0.0.1:1/bot",
    )
    assert code == 1
    assert "pg_restore" in err and err.strip().count("\n") == 0
