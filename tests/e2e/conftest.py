"""End-to-end fixtures: the real bot, connected to the loopback Discord. Helpers the tests
share are in ``helpers.py``."""

from collections.abc import AsyncIterator

import pytest

from bot.client import ProducerBot
from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from loopback.server import LoopbackDiscord
from tests.e2e.helpers import Server, add_server, start_bot, stop_bot


@pytest.fixture
async def discord() -> AsyncIterator[LoopbackDiscord]:
    loopback = LoopbackDiscord()
    await loopback.start()
    yield loopback
    await loopback.stop()


@pytest.fixture
def server(discord: LoopbackDiscord) -> Server:
    return add_server(discord)


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
