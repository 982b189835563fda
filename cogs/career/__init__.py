"""``/career``: routes into production, tips, the skill map, gear and the tip of the day."""

from bot.client import ProducerBot
from cogs.career.cog import CareerCog
from cogs.career.views import (
    AnotherTipButton,
    GuildTipEditForm,
    GuildTipForm,
    PathMenu,
    SaveTipButton,
)


async def setup(bot: ProducerBot) -> None:
    bot.add_dynamic_items(AnotherTipButton, SaveTipButton, PathMenu)
    bot.forms.add(GuildTipForm, GuildTipEditForm)
    await bot.add_cog(CareerCog(bot, bot.services.career, bot.services.daily_tips))


async def teardown(bot: ProducerBot) -> None:
    bot.remove_dynamic_items(AnotherTipButton, SaveTipButton, PathMenu)
    bot.forms.remove(GuildTipForm, GuildTipEditForm)
