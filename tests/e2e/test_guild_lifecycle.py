"""A guild that removes the bot keeps its data for a grace period, then it is deleted."""

from datetime import timedelta

from bot.client import FORGET_AFTER, ProducerBot
from bot.clock import ManualClock
from loopback.server import LoopbackDiscord
from tests.e2e.helpers import Server, eventually


async def test_a_removed_guilds_data_is_deleted_after_the_grace_period(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, clock: ManualClock
) -> None:
    other = discord.add_guild("Other Lab")
    other_member = discord.add_member(other, "olga")
    await discord.slash("career mark", member=server.alice, skill="mastering", state="done")
    await discord.slash("settings timezone", member=server.moderator, zone="Asia/Tokyo")

    discord.remove_guild(server.guild)
    await discord.slash("help", member=other_member)  # the removal reaches the bot first
    settings = bot.services.guild_settings
    await eventually(lambda: settings.left_before(clock.now()), "the bot recorded that it left")
    assert await settings.left_before(clock.now()) == [server.guild.id]

    clock.advance(FORGET_AFTER - timedelta(hours=1))
    await bot.scheduler.run_due()
    assert (await settings.get(server.guild.id)).timezone == "Asia/Tokyo"

    clock.advance(timedelta(hours=2))
    await bot.scheduler.run_due()
    assert (await settings.get(server.guild.id)).timezone == "UTC"  # defaults again
    privacy = await bot.services.privacy.export(server.guild.id, server.alice.id)
    assert b'"tables": {}' in privacy
