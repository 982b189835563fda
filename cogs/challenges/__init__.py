"""``/challenge``: daily skill challenges with entries, votes, feedback, streaks and points."""

from bot.client import ProducerBot
from bot.services.careers.guidance import CareerService
from bot.services.challenges.bundle import ChallengeServices
from cogs.challenges.cog import ChallengesCog
from cogs.challenges.views import DYNAMIC_ITEMS


async def setup(bot: ProducerBot) -> None:
    career = CareerService(bot.database, bot.clock, bot.content)
    services = ChallengeServices.build(bot.database, bot.clock, bot.content, career, bot.owns_guild)
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    await bot.add_cog(ChallengesCog(bot, services))


async def teardown(bot: ProducerBot) -> None:
    bot.remove_dynamic_items(*DYNAMIC_ITEMS)
