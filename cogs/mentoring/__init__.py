"""``/mentor``: mentors offer topics, members find and ask them, mentorships run and end."""

from bot.client import ProducerBot
from cogs.mentoring.cog import MentoringCog
from cogs.mentoring.views import FeedbackButton, FeedbackForm, OfferForm, RequestButton


async def setup(bot: ProducerBot) -> None:
    bot.add_dynamic_items(RequestButton, FeedbackButton)
    bot.forms.add(OfferForm, FeedbackForm)
    services = bot.services
    await bot.add_cog(MentoringCog(bot, services.mentoring, services.profiles, services.safety))


async def teardown(bot: ProducerBot) -> None:
    bot.remove_dynamic_items(RequestButton, FeedbackButton)
    bot.forms.remove(OfferForm, FeedbackForm)
