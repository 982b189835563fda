"""A server that removed the bot while it was offline is noticed at the next start: its
grace period starts then, and its data is deleted when it ends."""

from datetime import timedelta

from bot.client import FORGET_AFTER
from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from loopback.server import LoopbackDiscord
from tests.e2e.helpers import Server, eventually, start_bot, stop_bot


async def test_a_guild_gone_while_the_bot_was_offline_is_forgotten_after_the_grace_period(
    discord: LoopbackDiscord,
    server: Server,
    database: Database,
    clock: ManualClock,
    content: Content,
) -> None:
    other = discord.add_guild("Other Lab")
    olga = discord.add_member(other, "olga")
    bot, task = await start_bot(discord, database, clock, content)
    try:
        await discord.slash("career mark", member=server.alice, skill="mastering", state="done")
        await discord.slash("career mark", member=olga, skill="mastering", state="done")
    finally:
        await stop_bot(bot, task)

    discord.remove_guild(server.guild)  # while the bot is offline: no event reaches it
    bot, task = await start_bot(discord, database, clock, content)
    try:
        settings = bot.services.guild_settings
        await eventually(
            lambda: settings.left_before(clock.now()), "the start-up noticed the guild is gone"
        )
        assert await settings.left_before(clock.now()) == [server.guild.id]

        clock.advance(FORGET_AFTER + timedelta(hours=1))
        await bot.scheduler.run_due()
        assert server.guild.id not in await bot.services.privacy.guilds_with_data()
        assert other.id in await bot.services.privacy.guilds_with_data()
    finally:
        await stop_bot(bot, task)
