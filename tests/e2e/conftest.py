"""End-to-end fixtures: the real bot, connected to the loopback Discord."""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.client import ProducerBot, use_api_base
from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from bot.sandbox.server import LoopbackDiscord
from bot.sandbox.world import MANAGE_GUILD, Guild, Member


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


async def start_bot(
    discord: LoopbackDiscord,
    database: Database,
    clock: ManualClock,
    content: Content,
    extra_extensions: tuple[str, ...] = (),
) -> tuple[ProducerBot, "asyncio.Task[None]"]:
    """Start the bot against ``discord``, wait until it is ready, and sync its commands."""
    use_api_base(discord.base_url)
    bot = ProducerBot(
        database=database,
        clock=clock,
        content=content,
        api_base=discord.base_url,
        extra_extensions=extra_extensions,
        guild_ready_timeout=0.05,
    )
    task = asyncio.create_task(bot.start(discord.token))
    ready = asyncio.create_task(bot.wait_until_ready())
    done, _ = await asyncio.wait({task, ready}, timeout=15, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        task.result()  # raises the start-up error
    if ready not in done:
        raise AssertionError("the bot did not become ready")
    await bot.tree.sync()
    return bot, task


async def stop_bot(bot: ProducerBot, task: "asyncio.Task[None]") -> None:
    await bot.close()
    with contextlib.suppress(asyncio.CancelledError):
        await task


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
