"""``/mentor``: mentors offer topics, members find and ask them, mentorships run and end."""

from bot.client import ProducerBot
from bot.services.careers.guidance import CareerService
from bot.services.community.mentoring import MentoringService
from bot.services.community.profiles import ProfileService
from cogs.mentoring.cog import MentoringCog
from cogs.mentoring.views import RequestButton


async def setup(bot: ProducerBot) -> None:
    profiles = ProfileService(bot.database, bot.clock, bot.content)
    career = CareerService(bot.database, bot.clock, bot.content)
    service = MentoringService(bot.database, bot.clock, profiles, career)
    bot.add_dynamic_items(RequestButton)
    await bot.add_cog(MentoringCog(bot, service, profiles))


async def teardown(bot: ProducerBot) -> None:
    bot.remove_dynamic_items(RequestButton)
