"""``/profile``: producer profiles, the base of mentoring and networking."""

from bot.client import ProducerBot
from bot.services.community.profiles import ProfileService
from cogs.profiles.cog import ProfilesCog


async def setup(bot: ProducerBot) -> None:
    await bot.add_cog(ProfilesCog(ProfileService(bot.database, bot.clock, bot.content)))
