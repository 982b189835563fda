"""The bot keeps working through gateway and REST faults, and never leaks its token."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import pytest

from bot.app import assemble
from bot.client import ProducerBot, use_api_base
from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from loopback.server import LoopbackDiscord
from tests.e2e.helpers import Server, channel_named, start_bot, stop_bot


@pytest.mark.parametrize("fault", ["drop_connections", "request_reconnect", "invalidate_sessions"])
async def test_the_bot_reconnects_after_a_gateway_fault(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, fault: str
) -> None:
    before = discord.identify_count
    inject: Callable[[], Awaitable[None]] = getattr(discord, fault)
    await inject()
    await asyncio.wait_for(discord.identified.wait(), 30)
    assert discord.identify_count == before + 1
    reply = await discord.slash("help", member=server.alice)
    assert "Producer bot: help" in reply.text


async def suggest(discord: LoopbackDiscord, server: Server, bot: ProducerBot, title: str) -> str:
    board = channel_named(server.guild, "suggestions")
    await bot.services.guild_settings.set_channel(server.guild.id, "suggestions", board.id)
    form = await discord.slash("suggest", member=server.alice)
    done = await discord.submit(form, {"Title": title, "Your idea": "Details"}, member=server.alice)
    return done.text


@pytest.fixture
def board(discord: LoopbackDiscord, server: Server) -> None:
    discord.add_channel(server.guild, "suggestions")


@pytest.mark.usefixtures("board")
@pytest.mark.parametrize(("status", "retry_after"), [(429, 0.3), (500, 0.0), (502, 0.0)])
async def test_rate_limits_and_server_errors_are_retried_once_each(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, status: int, retry_after: float
) -> None:
    board_id = channel_named(server.guild, "suggestions").id
    fault = discord.inject_fault(
        "POST", f"/channels/{board_id}/messages", status, retry_after=retry_after
    )
    text = await suggest(discord, server, bot, "Open mic night")
    assert "Thanks!" in text
    assert fault.times == 0
    posts = list(discord.channel_messages(discord.channels[board_id]))
    assert len(posts) == 1
    statuses = [
        r.status for r in discord.requests if r.path.endswith(f"/channels/{board_id}/messages")
    ]
    assert statuses == [status, 200]


@pytest.mark.usefixtures("board")
async def test_a_missing_permission_is_explained_not_retried(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    board_id = channel_named(server.guild, "suggestions").id
    discord.inject_fault("POST", f"/channels/{board_id}/messages", 403, code=50013, times=5)
    text = await suggest(discord, server, bot, "Beat battle")
    assert "may not post in the suggestions channel" in text
    attempts = [r for r in discord.requests if r.path.endswith(f"/channels/{board_id}/messages")]
    assert len(attempts) == 1


@pytest.mark.usefixtures("board")
async def test_the_token_never_reaches_logs_or_replies(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    board_id = channel_named(server.guild, "suggestions").id
    discord.inject_fault("POST", f"/channels/{board_id}/messages", 429, retry_after=0.1)
    await suggest(discord, server, bot, "Sample swap")
    await discord.drop_connections()
    await asyncio.wait_for(discord.identified.wait(), 30)
    await discord.slash("help", member=server.alice)
    assert caplog.records
    assert discord.token not in caplog.text
    assert all(discord.token not in message.text for message in discord.messages.values())


async def test_a_low_identify_budget_is_logged_at_start(
    discord: LoopbackDiscord,
    server: Server,
    database: Database,
    clock: ManualClock,
    content: Content,
    caplog: pytest.LogCaptureFixture,
) -> None:
    discord.identify_count = 950
    with caplog.at_level(logging.WARNING, logger="bot.client"):
        bot, task = await start_bot(discord, database, clock, content)
        await stop_bot(bot, task)
    [warning] = [r for r in caplog.records if r.name == "bot.client"]
    assert "only 50 of 1000 gateway logins left" in warning.getMessage()


async def test_an_almost_spent_identify_budget_is_not_touched(
    discord: LoopbackDiscord,
    server: Server,
    database: Database,
    clock: ManualClock,
    content: Content,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A restart loop must never spend the last logins of the day: the bot waits for
    Discord's reset instead of identifying."""
    discord.identify_count = 990
    use_api_base(discord.base_url)
    bot = ProducerBot(assemble(database, clock, content), api_base=discord.base_url)
    with caplog.at_level(logging.ERROR, logger="bot.client"):
        task = asyncio.create_task(bot.start(discord.token))
        await asyncio.sleep(1.5)  # real time in which no login may come
        assert discord.identify_count == 990 and not task.done()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await bot.close()
    [error] = [r for r in caplog.records if r.name == "bot.client"]
    assert "only 10 of 1000 gateway logins left: waiting 24.0 h" in error.getMessage()
