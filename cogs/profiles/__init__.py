"""``/profile``: producer profiles, the base of mentoring and networking."""

from bot.client import ProducerBot
from cogs.profiles.cog import ProfilesCog


async def setup(bot: ProducerBot) -> None:
    await bot.add_cog(ProfilesCog(bot.services.profiles))
