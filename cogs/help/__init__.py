"""``/help``: the features and commands, read from the live command tree."""

from bot.client import ProducerBot
from cogs.help.cog import HelpCog, HelpPageButton


async def setup(bot: ProducerBot) -> None:
    bot.add_dynamic_items(HelpPageButton)
    await bot.add_cog(HelpCog(bot))


async def teardown(bot: ProducerBot) -> None:
    bot.remove_dynamic_items(HelpPageButton)
