"""Two processes' worth of shards share one database: scheduled work happens once."""

from datetime import UTC, datetime, timedelta

from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from bot.services.careers.daily_tip import DailyTipService
from bot.services.careers.guidance import CareerService
from bot.shards import Shards
from loopback.server import LoopbackDiscord
from tests.e2e.helpers import start_bot, stop_bot


async def test_each_guilds_daily_tip_is_posted_once_by_its_own_shard(
    discord: LoopbackDiscord, database: Database, clock: ManualClock, content: Content
) -> None:
    guilds = [discord.add_guild(f"Studio {number}") for number in range(8)]
    assert {(guild.id >> 22) % 2 for guild in guilds} == {0, 1}
    daily = DailyTipService(database, clock, CareerService(database, clock, content))
    for guild in guilds:
        await daily.configure(guild.id, discord.default_channel(guild).id, "09:00")
    clock.set(datetime(2026, 11, 23, 6, 0, tzinfo=UTC))
    shards = [
        await start_bot(discord, database, clock, content, shards=Shards(2, (shard,)))
        for shard in (0, 1)
    ]
    try:
        assert len(discord.sessions) == 2
        for bot, _ in shards:
            owned = [guild.id for guild in guilds if bot.owns_guild(guild.id)]
            assert sorted(g.id for g in bot.guilds) == sorted(owned)
        for day in range(3):
            clock.set(datetime(2026, 11, 23 + day, 10, 0, tzinfo=UTC))
            for guild in guilds:
                await discord.wait_for_messages(discord.default_channel(guild), day + 1)
            for bot, _ in shards:  # extra ticks in both processes change nothing
                await bot.scheduler.run_due()
            clock.advance(timedelta(hours=3))
            for bot, _ in shards:
                await bot.scheduler.run_due()
            for guild in guilds:
                assert len(discord.channel_messages(discord.default_channel(guild))) == day + 1
    finally:
        for bot, task in shards:
            await stop_bot(bot, task)
