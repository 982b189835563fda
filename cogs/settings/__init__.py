"""``/settings``: a guild's time zone, moderator role and feature channels."""

from bot.client import ProducerBot
from cogs.settings.cog import SettingsCog


async def setup(bot: ProducerBot) -> None:
    await bot.add_cog(SettingsCog(bot))
