"""``/analyze``: a private technical report on any track a member uploads."""

from bot.client import ProducerBot
from cogs.analyze.cog import AnalyzeCog


async def setup(bot: ProducerBot) -> None:
    await bot.add_cog(AnalyzeCog(bot))
