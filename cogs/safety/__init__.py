"""``/block``, ``/unblock`` and ``/report``: members keep themselves safe."""

from bot.client import ProducerBot
from cogs.safety.cog import SafetyCog
from cogs.safety.views import ReportHandledButton


async def setup(bot: ProducerBot) -> None:
    bot.add_dynamic_items(ReportHandledButton)
    await bot.add_cog(SafetyCog(bot, bot.services.safety))


async def teardown(bot: ProducerBot) -> None:
    bot.remove_dynamic_items(ReportHandledButton)
