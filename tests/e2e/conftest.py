"""End-to-end fixtures: the real bot, connected to the loopback Discord."""

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from bot.client import ProducerBot
from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from bot.sandbox.demo import start_bot, stop_bot
from bot.sandbox.server import LoopbackDiscord
from bot.sandbox.world import MANAGE_GUILD, Guild, Member

__all__ = ["Server", "start_bot", "stop_bot"]


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
