"""All ORM models; importing this package registers every table on ``Base.metadata``."""

from bot.models.guild import GuildChannel, GuildSettings
from bot.models.suggestion import Suggestion

__all__ = ["GuildChannel", "GuildSettings", "Suggestion"]
