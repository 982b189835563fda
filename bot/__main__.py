"""Command line: ``python -m bot [run|migrate|check|sync|backup|restore|sandbox|web]``."""

import argparse
import asyncio
import contextlib
import gc
import logging
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import discord
from pydantic import ValidationError

from bot.app import build_app
from bot.backoff import Backoff
from bot.client import ProducerBot, use_api_base
from bot.content import ContentError, load_content_async
from bot.db.backup import backup_sqlite, sqlite_path
from bot.db.engine import Database
from bot.db.migrate import current_revision, head_revision, upgrade_to_head
from bot.db.restore import RestoreError, in_use, restore_sqlite
from bot.errors import SchemaOutdated
from bot.logs import configure_logging
from bot.ops.metrics import Metrics
from bot.ops.server import HealthServer
from bot.settings import Settings
from bot.tryit import terminal as sandbox
from bot.version import version
from bot.web import NotConfigured, serve

log = logging.getLogger("bot")


class Fatal(Exception):
    """Ends the command with this one line and exit code 1."""


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']).upper()}: "
            + e["msg"].removeprefix("Value error, ")
            for e in error.errors()
        )
        raise Fatal(f"Invalid configuration: {problems}") from None


def _token(settings: Settings) -> str:
    if settings.discord_token is None or not settings.discord_token.get_secret_value().strip():
        raise Fatal(
            "DISCORD_TOKEN is not set: put the bot token from the Discord developer portal "
            "in the environment or in .env."
        )
    return settings.discord_token.get_secret_value().strip()


async def _build_bot(settings: Settings, metrics: Metrics | None = None) -> ProducerBot:
    if settings.discord_api_base:
        use_api_base(settings.discord_api_base)
    try:
        app = await build_app(settings)
    except ContentError as error:
        raise Fatal(f"Content problem: {error}") from None
    return ProducerBot(
        app,
        api_base=settings.discord_api_base,
        scheduler_interval=settings.scheduler_interval,
        health_interval=settings.health_interval,
        http_trace=None if metrics is None else metrics.trace,
    )


@contextlib.contextmanager
def _holding_database(settings: Settings) -> Iterator[None]:
    """While the bot runs on a SQLite file, ``restore`` refuses to replace it."""
    try:
        database = sqlite_path(settings.database_url)
    except ValueError:  # PostgreSQL: restores go through pg_restore
        yield
        return
    try:
        with in_use(database):
            yield
    except RestoreError as error:
        raise Fatal(f"Not started: {error}.") from None


@contextlib.asynccontextmanager
async def _health_server(settings: Settings) -> AsyncIterator[HealthServer | None]:
    """The health and metrics server on HEALTH_PORT, for the whole process (None: off)."""
    if settings.health_port is None:
        yield None
        return
    server = HealthServer(Metrics(), settings.health_host, settings.health_port)
    try:
        await server.start()
    except OSError as error:
        raise Fatal(
            f"HEALTH_PORT {settings.health_port} on {settings.health_host} cannot be used: "
            f"{error.strerror or error}."
        ) from None
    try:
        yield server
    finally:
        await server.stop()


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min {seconds} s"


async def _run(settings: Settings, migrate_first: bool) -> None:
    """Run the bot until SIGTERM or SIGINT. A crash restarts it in this process after a
    growing pause (``Backoff``), so a crash loop can't burn Discord's daily logins."""
    token = _token(settings)
    began = time.monotonic()
    log.info("producer-bot %s starting (discord.py %s)", version(), discord.__version__)
    reason = "it ended"
    with _holding_database(settings):
        if migrate_first:
            await _migrate(settings)
        async with _health_server(settings) as health:
            reason = await _run_until_stopped(settings, token, health)
    log.info(
        "producer-bot %s stopped (%s) after %s",
        version(),
        reason,
        _duration(time.monotonic() - began),
    )


async def _run_until_stopped(settings: Settings, token: str, health: HealthServer | None) -> str:
    """Run, restarting after crashes, until a signal; the signal's name."""
    stopping = asyncio.Event()
    running: list[ProducerBot] = []
    closing: set[asyncio.Task[None]] = set()
    stopped_by: list[str] = []

    def stop(stop_signal: signal.Signals) -> None:
        # a graceful stop: the scheduler's tick ends, connections close
        stopped_by.append(stop_signal.name)
        stopping.set()
        for bot in running:
            task = asyncio.create_task(bot.close())
            closing.add(task)
            task.add_done_callback(closing.discard)

    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(stop_signal, stop, stop_signal)
    backoff = Backoff()
    while not stopping.is_set():
        started = time.monotonic()
        try:
            bot = await _build_bot(settings, None if health is None else health.metrics)
            running[:] = [bot]
            if health is not None:
                health.watch(bot)
            await _run_once(bot, token)
        except Fatal:
            raise
        except Exception:
            log.exception("the bot crashed")
        else:
            break
        finally:
            running.clear()
            if health is not None:
                health.watch(None)
        delay = backoff.after_crash(time.monotonic() - started)
        log.warning("restarting in %.0f s", delay)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), delay)
    return stopped_by[0] if stopped_by else "the connection closed"


async def _set_aside_after_ready(bot: ProducerBot) -> None:
    """Once ready, take what was loaded so far (code, content, the guild caches) out of the
    garbage collector's sight: its full collections then scan only newer objects, instead
    of pausing every few seconds for tens of milliseconds in the middle of interactions."""
    await bot.wait_until_ready()
    gc.collect()
    gc.freeze()
    log.info("ready: %d objects set aside from garbage collection", gc.get_freeze_count())


async def _run_once(bot: ProducerBot, token: str) -> None:
    settle = asyncio.create_task(_set_aside_after_ready(bot))
    try:
        async with bot:
            await bot.start(token)
    except discord.LoginFailure:
        raise Fatal("Discord rejected DISCORD_TOKEN: copy a fresh token from the portal.") from None
    except SchemaOutdated as error:
        raise Fatal(str(error)) from None
    except discord.PrivilegedIntentsRequired:
        raise Fatal("Discord refused the gateway intents this bot asked for.") from None
    finally:
        settle.cancel()
        gc.unfreeze()  # after a crash, the next bot starts with nothing set aside
        await bot.database.close()


async def _migrate(settings: Settings) -> None:
    database = Database.from_url(settings.database_url)
    try:
        await upgrade_to_head(database)
        print(f"Database is at the latest schema ({await current_revision(database)}).")
    finally:
        await database.close()


async def _backup(settings: Settings, target: Path) -> None:
    try:
        written = await backup_sqlite(settings.database_url, target)
    except (ValueError, FileNotFoundError) as error:
        raise Fatal(f"Backup failed: {error}") from None
    print(f"Backed up the database to {written}.")


async def _restore(settings: Settings, source: Path) -> None:
    try:
        target = sqlite_path(settings.database_url)
    except ValueError:
        raise Fatal(
            "restore replaces a SQLite database; for PostgreSQL use pg_restore (see README)."
        ) from None
    try:
        restored = await asyncio.to_thread(restore_sqlite, source, target)
    except RestoreError as error:
        raise Fatal(f"Restore refused: {error}.") from None
    print(f"Restored {source} (schema {restored.revision}) into {target}.")
    if restored.set_aside is not None:
        print(f"The database it replaced is at {restored.set_aside}.")
    if restored.needs_migration:
        print("Run `python -m bot migrate` (or `run --migrate`) to bring it to this version.")


async def _check(settings: Settings) -> None:
    problems: list[str] = []
    token = settings.discord_token
    print(f"config    ok   (token {'set' if token else 'NOT set: needed by run and sync'})")
    database = Database.from_url(settings.database_url)
    try:
        current, head = await current_revision(database), head_revision()
        state = "ok  " if current == head else "FAIL"
        print(f"database  {state} {database.dialect}, schema {current or 'empty'} (latest {head})")
        if current != head:
            problems.append("the database is not migrated: run `python -m bot migrate`")
    except Exception as error:  # any driver error means "unreachable"
        print(f"database  FAIL {error}")
        problems.append("the database is unreachable")
    finally:
        await database.close()
    try:
        content = await load_content_async(settings.data_dir)
        print(
            f"content   ok   {len(content.career.tips)} tips, {len(content.career.paths)} paths, "
            f"{len(content.quiz.knowledge)} quiz questions, "
            f"{len(content.challenges.challenges)} challenges"
        )
    except ContentError as error:
        print(f"content   FAIL {error}")
        problems.append("the content files are invalid")
    if problems:
        raise Fatal("Check failed: " + "; ".join(problems) + ".")
    print("All checks passed.")


async def _sync(settings: Settings, everywhere: bool) -> None:
    token = _token(settings)
    bot = await _build_bot(settings)
    try:
        async with bot:
            await bot.login(token)
            if settings.dev_guild_ids and not everywhere:
                for guild_id in settings.dev_guild_ids:
                    guild = discord.Object(guild_id)
                    bot.tree.copy_global_to(guild=guild)
                    synced = await bot.tree.sync(guild=guild)
                    print(f"Published {len(synced)} commands to guild {guild_id}.")
            else:
                synced = await bot.tree.sync()
                print(f"Published {len(synced)} commands globally (may take a while to show).")
    except discord.LoginFailure:
        raise Fatal("Discord rejected DISCORD_TOKEN: copy a fresh token from the portal.") from None
    except SchemaOutdated as error:
        raise Fatal(str(error)) from None
    finally:
        await bot.database.close()


async def _web(settings: Settings) -> None:
    try:
        await serve(settings)
    except NotConfigured as error:
        raise Fatal(f"Not started: {error}.") from None
    except OSError as error:
        raise Fatal(f"WEB_PORT {settings.web_port} cannot be used: {error.strerror}.") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("--version", action="version", version=f"producer-bot {version()}")
    commands = parser.add_subparsers(dest="command")
    run = commands.add_parser("run", help="start the bot (default)")
    run.add_argument(
        "--migrate", action="store_true", help="bring the database to the latest schema first"
    )
    commands.add_parser("migrate", help="bring the database to the latest schema")
    commands.add_parser("check", help="validate configuration, database and content")
    backup = commands.add_parser("backup", help="copy the SQLite database while the bot runs")
    backup.add_argument("target", type=Path, help="the file to write the copy to")
    restore = commands.add_parser(
        "restore", help="put a backup back in place of the SQLite database (bot stopped)"
    )
    restore.add_argument("source", type=Path, help="the backup file")
    sync = commands.add_parser("sync", help="publish the slash commands")
    sync.add_argument(
        "--global", dest="everywhere", action="store_true", help="ignore DEV_GUILD_IDS"
    )
    try_it = commands.add_parser("sandbox", help="try the bot in a terminal, without Discord")
    try_it.add_argument(
        "--script", type=Path, metavar="FILE", help="run these lines and print the transcript"
    )
    try_it.add_argument(
        "--dashboard", action="store_true", help="also serve the web dashboard on WEB_PORT"
    )
    commands.add_parser("web", help="serve the moderators' web dashboard on WEB_PORT")
    args = parser.parse_args(argv)
    try:
        settings = _settings()
        configure_logging(settings.log_level, settings.log_format)
        work: Callable[[], Coroutine[Any, Any, None]] = {
            None: lambda: _run(settings, migrate_first=False),
            "run": lambda: _run(settings, migrate_first=args.migrate),
            "migrate": lambda: _migrate(settings),
            "check": lambda: _check(settings),
            "backup": lambda: _backup(settings, args.target),
            "restore": lambda: _restore(settings, args.source),
            "sync": lambda: _sync(settings, args.everywhere),
            "sandbox": lambda: sandbox.run(settings, args.script, args.dashboard),
            "web": lambda: _web(settings),
        }[args.command]
        asyncio.run(work())
    except Fatal as fatal:
        print(fatal, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
