"""``/block``, ``/unblock`` and ``/report``: members keep themselves safe."""

from bot.client import ProducerBot
from bot.services.community.safety import SafetyService
from cogs.safety.cog import SafetyCog


async def setup(bot: ProducerBot) -> None:
    await bot.add_cog(SafetyCog(bot, SafetyService(bot.database, bot.clock)))
