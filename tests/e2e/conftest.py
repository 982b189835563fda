"""End-to-end fixtures: the real bot, connected to the loopback Discord."""

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from bot.client import ProducerBot
from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from bot.tryit import demo
from bot.tryit.demo import stop_bot
from loopback.server import LoopbackDiscord
from loopback.world import MANAGE_GUILD, Guild, Member

__all__ = ["Server", "start_bot", "stop_bot"]

QUIET_SCHEDULER = 3600.0
"""Seconds between the scheduler's own ticks in tests: time moves only when a test moves
the clock (or calls ``run_due``), so a tick can't race the test's own steps."""


async def start_bot(
    discord: LoopbackDiscord,
    database: Database,
    clock: ManualClock,
    content: Content,
    extra_extensions: tuple[str, ...] = (),
    **options: Any,
) -> tuple[ProducerBot, "asyncio.Task[None]"]:
    options.setdefault("scheduler_interval", QUIET_SCHEDULER)
    return await demo.start_bot(discord, database, clock, content, extra_extensions, **options)


@dataclass
class Server:
    """A guild with an owner, a moderator and two members."""

    guild: Guild
    owner: Member
    moderator: Member
    alice: Member
    bob: Member


@pytest.fixture
async def discord() -> AsyncIterator[LoopbackDiscord]:
    loopback = LoopbackDiscord()
    await loopback.start()
    yield loopback
    await loopback.stop()


@pytest.fixture
def server(discord: LoopbackDiscord) -> Server:
    guild = discord.add_guild("Beat Lab")
    mods = discord.add_role(guild, "Mods", permissions=MANAGE_GUILD)
    return Server(
        guild=guild,
        owner=guild.members[guild.owner_id],
        moderator=discord.add_member(guild, "mona", roles=(mods,)),
        alice=discord.add_member(guild, "alice"),
        bob=discord.add_member(guild, "bob"),
    )


@pytest.fixture
async def bot(
    discord: LoopbackDiscord,
    server: Server,
    database: Database,
    clock: ManualClock,
    content: Content,
) -> AsyncIterator[ProducerBot]:
    running, task = await start_bot(discord, database, clock, content)
    yield running
    await stop_bot(running, task)


@pytest.fixture
def database(any_database: Database) -> Database:
    """End to end, the bot runs on SQLite and, when TEST_POSTGRES_URL is set, on PostgreSQL."""
    return any_database


async def eventually(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait for work the bot does after it has answered (a role change, a follow-up)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the condition never became true")
        await asyncio.sleep(0.02)
