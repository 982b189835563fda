"""All ORM models; importing this package registers every table on ``Base.metadata``."""

from bot.models.career import (
    DailyTipConfig,
    DailyTipPost,
    GuildTip,
    SavedTip,
    SeenTip,
    SkillProgress,
)
from bot.models.guild import GuildChannel, GuildSettings
from bot.models.suggestion import Suggestion

__all__ = [
    "DailyTipConfig",
    "DailyTipPost",
    "GuildChannel",
    "GuildSettings",
    "GuildTip",
    "SavedTip",
    "SeenTip",
    "SkillProgress",
    "Suggestion",
]
