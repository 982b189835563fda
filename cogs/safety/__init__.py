"""``/block``, ``/unblock`` and ``/report``: members keep themselves safe."""

from bot.client import ProducerBot
from cogs.safety.cog import SafetyCog


async def setup(bot: ProducerBot) -> None:
    await bot.add_cog(SafetyCog(bot, bot.services.safety))
