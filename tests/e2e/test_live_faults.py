"""A live quiz round rides out Discord's passing failures; if Discord stays down, the round
ends from the database with the points of the questions asked, instead of vanishing."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.client import ProducerBot
from bot.clock import ManualClock
from bot.models.quiz import QuizRound
from bot.ui import delivery
from loopback.server import LoopbackDiscord
from tests.e2e.helpers import LETTERS, Server, eventually


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(delivery, "RETRY_DELAYS", (0.05, 0.05, 0.05))


async def start_round(discord: LoopbackDiscord, server: Server) -> int:
    channel = discord.default_channel(server.guild)
    await discord.slash("quiz live", member=server.moderator, questions=2)
    [question] = discord.channel_messages(channel)
    await discord.click(question, LETTERS[0], member=server.alice)
    return channel.id


async def round_status(bot: ProducerBot) -> str:
    async with bot.database.read() as session:
        row = await session.scalar(select(QuizRound))
    assert row is not None
    return row.status


async def test_a_passing_server_error_does_not_stop_the_round(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, clock: ManualClock
) -> None:
    channel_id = await start_round(discord, server)
    discord.inject_fault("POST", f"/channels/{channel_id}/messages", 503, times=2)
    clock.advance(timedelta(seconds=31))
    await bot.scheduler.run_due()
    channel = discord.channels[channel_id]
    await eventually(
        lambda: len(discord.channel_messages(channel)) == 3, "the results and question 2"
    )
    assert "Question 2 of 2" in discord.channel_messages(channel)[-1].text
    assert await round_status(bot) == "open"


async def test_a_round_ends_from_the_database_when_discord_stays_down(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, clock: ManualClock
) -> None:
    channel_id = await start_round(discord, server)
    outage = discord.inject_fault("POST", f"/channels/{channel_id}/messages", 503, times=8)
    clock.advance(timedelta(seconds=31))
    await bot.scheduler.run_due()
    assert outage.times == 0
    assert await round_status(bot) == "done"  # finished with its points, not cancelled

    await discord.slash("quiz live", member=server.moderator, questions=1)
    discord.inject_fault("POST", f"/channels/{channel_id}/messages", 503, times=4)
    clock.advance(timedelta(seconds=31))
    await bot.scheduler.run_due()
    channel = discord.channels[channel_id]
    await eventually(
        lambda: any("Discord kept failing" in m.text for m in discord.channel_messages(channel)),
        "the channel is told the round ended early",
    )


async def test_a_round_that_cannot_start_says_so_and_holds_no_channel(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    channel = discord.default_channel(server.guild)
    discord.inject_fault("POST", f"/channels/{channel.id}/messages", 503, times=4)
    refused = await discord.slash("quiz live", member=server.moderator, questions=1)
    assert "Discord is having trouble" in refused.text
    started = await discord.slash("quiz live", member=server.moderator, questions=1)
    assert "Live round started" in started.text
