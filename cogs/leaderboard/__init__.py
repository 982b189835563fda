"""The weekly public leaderboard post: no commands, a scheduled job (its channel is set with
``/settings channel feature:leaderboard``)."""

from bot.client import ProducerBot
from cogs.leaderboard.cog import WeeklyBoardCog


async def setup(bot: ProducerBot) -> None:
    await bot.add_cog(WeeklyBoardCog(bot, bot.services.weekly_board))
