"""The command line as an operator uses it, in a separate process."""

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

from loopback.server import LoopbackDiscord
from tests.e2e.conftest import eventually

REPO = Path(__file__).resolve().parents[2]


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DISCORD_", "DATABASE_", "DEV_GUILD", "LOG_LEVEL"))
    }
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"
    env["PYTHONPATH"] = str(REPO)
    env.update(extra)
    return env


async def cli(tmp_path: Path, *args: str, **extra: str) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=tmp_path,
        env=environment(tmp_path, **extra),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode or 0, out.decode(), err.decode()


async def start_run(
    tmp_path: Path,
    discord: LoopbackDiscord,
    *flags: str,
    log_name: str = "run.log",
    logged_in: bool = True,
    **extra: str,
) -> asyncio.subprocess.Process:
    """``python -m bot run`` against ``discord`` (``extra``: more environment), once it has
    logged in to the gateway (unless not ``logged_in``). Its log goes to ``log_name`` in
    ``tmp_path``."""
    discord.identified.clear()
    env = {"DISCORD_TOKEN": discord.token, "DISCORD_API_BASE": discord.base_url, **extra}
    with (tmp_path / log_name).open("ab") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            *flags,
            cwd=tmp_path,
            env=environment(tmp_path, **env),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=log,
        )
    if logged_in:
        await asyncio.wait_for(discord.identified.wait(), 30)
    return process


async def test_run_without_a_token_says_so_in_one_line(tmp_path: Path) -> None:
    code, out, err = await cli(tmp_path, "run")
    assert code == 1
    assert out == ""
    assert err.strip().count("\n") == 0
    assert "DISCORD_TOKEN is not set" in err


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
        await eventually(lambda: bool(set_aside.search((tmp_path / "run.log").read_text())))
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
        deadline = asyncio.get_running_loop().time() + 30
        while "restarting in 10 s" not in log_path.read_text():
            assert asyncio.get_running_loop().time() < deadline, log_path.read_text()
            await asyncio.sleep(0.2)
        assert discord.identify_count == 0
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 5) == 0
    finally:
        if process.returncode is None:
            process.kill()
        await discord.stop()
    text = log_path.read_text()
    assert text.count("the bot crashed") == 2 and "restarting in 5 s" in text


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
