"""Knowledge leaderboards, per guild: each question counts once per member and period (their
best answer), so replaying a round cannot farm points."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from bot.clock import Clock
from bot.db.engine import Database
from bot.models.quiz import QuizAnswer
from bot.services.core.guild_settings import GuildSettingsService
from bot.services.core.periods import Period
from bot.services.quiz.bank import QuestionBank
from bot.services.quiz.rules import Ranked, period_start, rank_totals


@dataclass(frozen=True, slots=True)
class Leaderboard:
    topic: str | None
    period: Period
    since: datetime | None
    entries: list[Ranked]
    me: Ranked | None
    """The caller's own line, wherever it is in ``entries``."""


class LeaderboardService:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        bank: QuestionBank,
        guild_settings: GuildSettingsService,
    ) -> None:
        self._database = database
        self._clock = clock
        self._bank = bank
        self._guild_settings = guild_settings

    async def leaderboard(
        self, guild_id: int, user_id: int, topic: str | None, period: Period
    ) -> Leaderboard:
        """Members with points in ``topic`` (or all) since the period began in the guild's
        time zone, best first; equal points share a rank."""
        topic = self._bank.check_topic(topic)
        config = await self._guild_settings.get(guild_id)
        since = period_start(period, self._clock.now(), config.zone)
        best = select(
            QuizAnswer.user_id,
            QuizAnswer.question_key,
            func.max(QuizAnswer.points).label("best"),
        ).where(QuizAnswer.guild_id == guild_id)
        if since is not None:
            best = best.where(QuizAnswer.answered_at >= since)
        if topic is not None:
            best = best.where(QuizAnswer.topic == topic)
        per_question = best.group_by(QuizAnswer.user_id, QuizAnswer.question_key).subquery()
        total = func.sum(per_question.c.best)
        async with self._database.read() as session:
            rows = await session.execute(
                select(per_question.c.user_id, total)
                .group_by(per_question.c.user_id)
                .having(total > 0)
            )
            entries = rank_totals([(user, int(points)) for user, points in rows.all()])
        me = next((entry for entry in entries if entry.user_id == user_id), None)
        return Leaderboard(topic, period, since, entries, me)
