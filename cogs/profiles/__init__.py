"""``/profile``: producer profiles, the base of mentoring and networking."""

from bot.client import ProducerBot
from cogs.profiles.cog import ProfilesCog
from cogs.profiles.views import SectionButton, SectionForm


async def setup(bot: ProducerBot) -> None:
    bot.add_dynamic_items(SectionButton)
    bot.forms.add(SectionForm)
    await bot.add_cog(ProfilesCog(bot.services.profiles))


async def teardown(bot: ProducerBot) -> None:
    bot.remove_dynamic_items(SectionButton)
    bot.forms.remove(SectionForm)
