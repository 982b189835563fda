"""The command line as an operator uses it, in a separate process."""

import asyncio
import re
import signal
from pathlib import Path

import pytest

from loopback.server import LoopbackDiscord
from tests.e2e.helpers import cli, environment, eventually, start_run


async def test_run_without_a_token_says_so_in_one_line(tmp_path: Path) -> None:
    code, out, err = await cli(tmp_path, "run")
    assert code == 1
    assert out == ""
    assert err.strip().count("\n") == 0
    assert "DISCORD_TOKEN is not set" in err


@pytest.mark.slow
async def test_check_reports_a_migrated_database_and_valid_content(tmp_path: Path) -> None:
    code, _, err = await cli(tmp_path, "check")
    assert code == 1
    assert "not migrated" in err

    code, out, _ = await cli(tmp_path, "migrate")
    assert code == 0
    assert "latest schema" in out

    code, out, _ = await cli(tmp_path, "check")
    assert code == 0, out
    assert "database  ok" in out
    assert "content   ok" in out
    assert "All checks passed." in out


async def test_a_rejected_token_ends_run_in_one_line(tmp_path: Path) -> None:
    discord = LoopbackDiscord(token="the-real-token")
    await discord.start()
    try:
        await cli(tmp_path, "migrate")
        code, _, err = await cli(
            tmp_path, "run", DISCORD_TOKEN="a-wrong-token", DISCORD_API_BASE=discord.base_url
        )
    finally:
        await discord.stop()
    assert code == 1
    assert err.strip().splitlines()[-1].startswith("Discord rejected DISCORD_TOKEN")
    assert "Traceback" not in err


@pytest.mark.slow
async def test_the_bot_syncs_and_answers_help_through_any_compatible_api(tmp_path: Path) -> None:
    discord = LoopbackDiscord()
    await discord.start()
    guild = discord.add_guild("Beat Lab")
    alice = discord.add_member(guild, "alice")
    env = {"DISCORD_TOKEN": discord.token, "DISCORD_API_BASE": discord.base_url}
    process = None
    try:
        assert (await cli(tmp_path, "migrate"))[0] == 0
        code, out, _ = await cli(tmp_path, "sync", **env)
        assert code == 0
        assert "Published" in out
        assert "help" in {command["name"] for command in discord.commands}

        process = await start_run(tmp_path, discord)
        reply = await discord.slash("help", member=alice)
        assert "Producer bot: help" in reply.text
        # Once ready, what was loaded is out of the garbage collector's way.
        set_aside = re.compile(r"ready: [1-9]\d* objects set aside from garbage collection")
        log = tmp_path / "run.log"
        await eventually(lambda: set_aside.search(log.read_text()), "the ready line in the log")
    finally:
        if process is not None:
            process.terminate()
            await process.wait()
        await discord.stop()


async def test_sigterm_stops_the_bot_gracefully(tmp_path: Path) -> None:
    discord = LoopbackDiscord()
    await discord.start()
    discord.add_guild("Beat Lab")
    try:
        process = await start_run(tmp_path, discord, "--migrate")
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 15)
    finally:
        await discord.stop()
    log = (tmp_path / "run.log").read_text()
    assert process.returncode == 0, log
    assert "Traceback" not in log


@pytest.mark.slow
async def test_a_crashing_bot_restarts_with_growing_pauses_and_stops_on_sigterm(
    tmp_path: Path,
) -> None:
    """The database is down: each start fails before any gateway login, the pauses between
    starts double, and SIGTERM ends the wait at once."""
    discord = LoopbackDiscord()
    await discord.start()
    down = "postgresql+asyncpg://postgres@127.0.0.1:9/down"
    log_path = tmp_path / "run.log"
    process = await start_run(tmp_path, discord, logged_in=False, DATABASE_URL=down)
    try:
        await eventually(
            lambda: "restarting in 10 s" in log_path.read_text(), log_path.read_text, timeout=30
        )
        assert discord.identify_count == 0
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 5) == 0
    finally:
        if process.returncode is None:
            process.kill()
        await discord.stop()
    text = log_path.read_text()
    assert text.count("the bot crashed") == 2 and "restarting in 5 s" in text


@pytest.mark.slow
async def test_backup_makes_a_consistent_copy_that_restores(tmp_path: Path) -> None:
    from bot.clock import SystemClock
    from bot.db.engine import Database
    from bot.services.core.guild_settings import GuildSettingsService

    assert (await cli(tmp_path, "migrate"))[0] == 0
    database = Database.from_url(environment(tmp_path)["DATABASE_URL"])
    settings = GuildSettingsService(database, SystemClock())
    for guild_id in range(1, 51):
        await settings.set_timezone(guild_id, "Europe/Berlin")

    async def keep_writing() -> None:
        for guild_id in range(51, 301):
            await settings.set_timezone(guild_id, "Asia/Tokyo")

    writer = asyncio.create_task(keep_writing())
    code, out, err = await cli(tmp_path, "backup", str(tmp_path / "copy.sqlite3"))
    await writer
    await database.close()
    assert code == 0, err
    assert "Backed up" in out

    restored_url = f"sqlite+aiosqlite:///{tmp_path / 'copy.sqlite3'}"
    code, out, _ = await cli(tmp_path, "check", DATABASE_URL=restored_url)
    assert code == 0, out
    restored = Database.from_url(restored_url)
    try:
        copied = GuildSettingsService(restored, SystemClock())
        assert (await copied.get(50)).timezone == "Europe/Berlin"
    finally:
        await restored.close()


async def test_backup_refuses_postgresql(tmp_path: Path) -> None:
    code, _, err = await cli(
        tmp_path, "backup", "x.sqlite3", DATABASE_URL="postgresql+asyncpg://nobody@127.0.0.1/none"
    )
    assert code == 1
    assert "pg_dump" in err
