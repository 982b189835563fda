"""Figures of a community for the dashboard's charts: quiz answers per day and how many
members each mentor guides now. (Challenge entries per day come from the challenge
calendar, skills from the career service's tally.)"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from bot.clock import Clock
from bot.db.engine import Database
from bot.models.community import Mentorship
from bot.models.quiz import QuizAnswer


@dataclass(frozen=True, slots=True)
class Count:
    label: str
    value: int


class CommunityStats:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    async def quiz_per_day(self, guild_id: int, days: int = 30) -> list[Count]:
        """Quiz answers per UTC day over the last ``days`` days, oldest first, gaps as 0."""
        since = self._clock.now() - timedelta(days=days)
        async with self._database.read() as session:
            stamps = await session.scalars(
                select(QuizAnswer.answered_at).where(
                    QuizAnswer.guild_id == guild_id, QuizAnswer.answered_at >= since
                )
            )
            tally: dict[date, int] = {}
            for stamp in stamps:
                tally[stamp.date()] = tally.get(stamp.date(), 0) + 1
        today: date = self._clock.now().date()
        span = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
        return [Count(f"{day:%d %b}", tally.get(day, 0)) for day in span]

    async def mentor_load(self, guild_id: int) -> list[tuple[int, int]]:
        """``(mentor id, active mentees)``, busiest first."""
        async with self._database.read() as session:
            rows = await session.execute(
                select(Mentorship.mentor_id, func.count())
                .where(Mentorship.guild_id == guild_id, Mentorship.ended_at.is_(None))
                .group_by(Mentorship.mentor_id)
                .order_by(func.count().desc())
            )
            return [(mentor, count) for mentor, count in rows.all()]
