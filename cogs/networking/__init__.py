"""``/network``: regular introductions between members who opt in."""

from bot.client import ProducerBot
from bot.services.community.networking import NetworkService
from bot.services.community.profiles import ProfileService
from cogs.networking.cog import NetworkingCog
from cogs.networking.views import CheckInButton


async def setup(bot: ProducerBot) -> None:
    profiles = ProfileService(bot.database, bot.clock, bot.content)
    service = NetworkService(bot.database, bot.clock, profiles, bot.guild_settings, bot.held_shards)
    bot.add_dynamic_items(CheckInButton)
    await bot.add_cog(NetworkingCog(bot, service, profiles))


async def teardown(bot: ProducerBot) -> None:
    bot.remove_dynamic_items(CheckInButton)
