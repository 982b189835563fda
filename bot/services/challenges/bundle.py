"""Every challenge service, built on one database and clock."""

from collections.abc import Callable
from dataclasses import dataclass

from bot.clock import Clock
from bot.content import Content
from bot.db.engine import Database
from bot.services.careers.guidance import CareerService
from bot.services.challenges.entries import ChallengeEntryService
from bot.services.challenges.posting import ChallengePostingService
from bot.services.challenges.schedule import ChallengeScheduleService
from bot.services.challenges.scores import ChallengeScoreService
from bot.services.challenges.settings import ChallengeSettingsService


@dataclass(frozen=True, slots=True)
class ChallengeServices:
    settings: ChallengeSettingsService
    schedule: ChallengeScheduleService
    posting: ChallengePostingService
    entries: ChallengeEntryService
    scores: ChallengeScoreService

    @classmethod
    def build(
        cls,
        database: Database,
        clock: Clock,
        content: Content,
        career: CareerService,
        owns: Callable[[int], bool] | None = None,
    ) -> "ChallengeServices":
        """``owns`` limits the scheduled work to the guilds of this process's shards."""
        schedule = ChallengeScheduleService(database, clock, content.challenges, content.career)
        scores = ChallengeScoreService(database, clock)
        return cls(
            ChallengeSettingsService(database, clock),
            schedule,
            ChallengePostingService(database, clock, schedule, scores, owns),
            ChallengeEntryService(database, clock, career),
            scores,
        )
