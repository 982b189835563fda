"""``/challenge``: daily skill challenges with entries, votes, feedback, streaks and points."""

from bot.client import ProducerBot
from cogs.challenges.cog import ChallengesCog
from cogs.challenges.views import ROUTED


async def setup(bot: ProducerBot) -> None:
    bot.routes.add(*ROUTED)
    await bot.add_cog(ChallengesCog(bot, bot.services.challenges))


async def teardown(bot: ProducerBot) -> None:
    bot.routes.remove(*ROUTED)
