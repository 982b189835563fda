"""``/quiz``: the producer-type quiz, knowledge rounds (solo and live) and leaderboards."""

from bot.client import ProducerBot
from cogs.quiz.cog import QuizCog
from cogs.quiz.views import DYNAMIC_ITEMS, GuildQuestionForm


async def setup(bot: ProducerBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    bot.forms.add(GuildQuestionForm)
    await bot.add_cog(QuizCog(bot, bot.services.quiz))


async def teardown(bot: ProducerBot) -> None:
    bot.remove_dynamic_items(*DYNAMIC_ITEMS)
    bot.forms.remove(GuildQuestionForm)
