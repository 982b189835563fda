"""``/suggest``: members send ideas to the moderators, who mark them handled."""

from bot.client import ProducerBot
from cogs.suggestions.cog import SuggestionsCog
from cogs.suggestions.views import HandledButton, SuggestionForm


async def setup(bot: ProducerBot) -> None:
    bot.add_dynamic_items(HandledButton)
    bot.forms.add(SuggestionForm)
    await bot.add_cog(SuggestionsCog(bot, bot.services.suggestions))


async def teardown(bot: ProducerBot) -> None:
    bot.remove_dynamic_items(HandledButton)
    bot.forms.remove(SuggestionForm)
