"""All ORM models; importing this package registers every table on ``Base.metadata``."""

from bot.models.career import (
    DailyTipConfig,
    DailyTipPost,
    GuildTip,
    SavedTip,
    SeenTip,
    SkillProgress,
)
from bot.models.challenges import (
    ChallengeConfig,
    ChallengeFeedback,
    ChallengeMember,
    ChallengePoints,
    ChallengePost,
    ChallengeSubmission,
    ChallengeVote,
    QueuedChallenge,
)
from bot.models.guild import GuildChannel, GuildSettings
from bot.models.quiz import (
    GuildQuestion,
    QuizAnswer,
    QuizReview,
    QuizRound,
    TypeQuizResult,
    TypeQuizSession,
    TypeRole,
)
from bot.models.suggestion import Suggestion

__all__ = [
    "ChallengeConfig",
    "ChallengeFeedback",
    "ChallengeMember",
    "ChallengePoints",
    "ChallengePost",
    "ChallengeSubmission",
    "ChallengeVote",
    "DailyTipConfig",
    "DailyTipPost",
    "GuildChannel",
    "GuildQuestion",
    "GuildSettings",
    "GuildTip",
    "QueuedChallenge",
    "QuizAnswer",
    "QuizReview",
    "QuizRound",
    "SavedTip",
    "SeenTip",
    "SkillProgress",
    "Suggestion",
    "TypeQuizResult",
    "TypeQuizSession",
    "TypeRole",
]
