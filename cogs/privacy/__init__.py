"""``/privacy``: members export or delete their data in a server."""

from bot.client import ProducerBot
from cogs.privacy.cog import PrivacyCog


async def setup(bot: ProducerBot) -> None:
    await bot.add_cog(PrivacyCog(bot.services.privacy, bot.services.safety))
