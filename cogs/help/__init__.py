"""``/help``: the features and commands, read from the live command tree."""

from bot.client import ProducerBot
from cogs.help.cog import HelpCog


async def setup(bot: ProducerBot) -> None:
    await bot.add_cog(HelpCog(bot))
