"""``/network``: regular introductions between members who opt in."""

from bot.client import ProducerBot
from cogs.networking.cog import NetworkingCog
from cogs.networking.views import CheckInButton


async def setup(bot: ProducerBot) -> None:
    bot.add_dynamic_items(CheckInButton)
    services = bot.services
    await bot.add_cog(NetworkingCog(bot, services.networking, services.profiles, services.safety))


async def teardown(bot: ProducerBot) -> None:
    bot.remove_dynamic_items(CheckInButton)
