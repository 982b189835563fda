"""``/challenge``: daily skill challenges with entries, votes, feedback, streaks and points."""

from bot.client import ProducerBot
from cogs.challenges.cog import ChallengesCog
from cogs.challenges.queue import QUEUE_FORMS
from cogs.challenges.views import DYNAMIC_ITEMS, FORMS


async def setup(bot: ProducerBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    bot.forms.add(*FORMS, *QUEUE_FORMS)
    await bot.add_cog(ChallengesCog(bot, bot.services.challenges))


async def teardown(bot: ProducerBot) -> None:
    bot.remove_dynamic_items(*DYNAMIC_ITEMS)
    bot.forms.remove(*FORMS, *QUEUE_FORMS)
