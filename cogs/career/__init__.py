"""``/career``: routes into production, tips, the skill map, gear and the tip of the day."""

from bot.client import ProducerBot
from bot.services.careers.daily_tip import DailyTipService
from bot.services.careers.guidance import CareerService
from bot.services.quiz.producer_type import TypeQuizService
from cogs.career.cog import CareerCog
from cogs.career.views import AnotherTipButton, SaveTipButton


async def setup(bot: ProducerBot) -> None:
    types = TypeQuizService(bot.database, bot.clock, bot.content.quiz)
    service = CareerService(bot.database, bot.clock, bot.content, producer_types=types)
    bot.add_dynamic_items(AnotherTipButton, SaveTipButton)
    await bot.add_cog(CareerCog(bot, service, DailyTipService(bot.database, bot.clock, service)))


async def teardown(bot: ProducerBot) -> None:
    bot.remove_dynamic_items(AnotherTipButton, SaveTipButton)
