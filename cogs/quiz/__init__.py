"""``/quiz``: the producer-type quiz, knowledge rounds (solo and live) and leaderboards."""

from bot.client import ProducerBot
from bot.services.quiz.producer_type import QuizServices
from cogs.quiz.cog import QuizCog
from cogs.quiz.views import DYNAMIC_ITEMS


async def setup(bot: ProducerBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    services = QuizServices.build(bot.database, bot.clock, bot.content.quiz, bot.guild_settings)
    await bot.add_cog(QuizCog(bot, services))


async def teardown(bot: ProducerBot) -> None:
    bot.remove_dynamic_items(*DYNAMIC_ITEMS)
