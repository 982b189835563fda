"""Figures of a community for the dashboard's charts: quiz answers per day, current
challenge streaks, how many introduced members met in each networking round, and how many
members each mentor guides now. (Challenge entries come from the challenge calendar, skills
from the career service's tally.)"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from bot.clock import Clock
from bot.db.engine import Database
from bot.models.challenges import ChallengePost, ChallengeSubmission
from bot.models.community import Mentorship, NetworkPlacement, NetworkRound
from bot.models.quiz import QuizAnswer
from bot.services.challenges.rules import streak_over

STREAK_TOP = 10
"""Streaks this long or longer share the last bar."""


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

    async def streaks(self, guild_id: int) -> list[Count]:
        """How many members have a current streak of each length (by the rules of points)."""
        async with self._database.read() as session:
            days = set(
                await session.scalars(
                    select(ChallengePost.local_date).where(
                        ChallengePost.guild_id == guild_id,
                        ChallengePost.results_claimed_at.is_not(None),
                    )
                )
            )
            rows = await session.execute(
                select(ChallengeSubmission.user_id, ChallengePost.local_date)
                .join(ChallengePost, ChallengePost.id == ChallengeSubmission.post_id)
                .where(ChallengeSubmission.guild_id == guild_id)
            )
            entered: dict[int, set[date]] = defaultdict(set)
            for user_id, day in rows.all():
                entered[user_id].add(day)
        lengths = Counter(
            min(streak_over(days, mine).current, STREAK_TOP) for mine in entered.values()
        )
        return [
            Count(f"{n}+" if n == STREAK_TOP else str(n), lengths[n])
            for n in range(1, STREAK_TOP + 1)
        ]

    async def meet_rate(self, guild_id: int) -> list[Count]:
        """Per networking round, the percentage of introduced members who said they met."""
        async with self._database.read() as session:
            rows = await session.execute(
                select(NetworkRound.round_on, NetworkPlacement.answer)
                .join(NetworkPlacement, NetworkPlacement.round_id == NetworkRound.id)
                .where(NetworkRound.guild_id == guild_id, NetworkPlacement.group_id.is_not(None))
                .order_by(NetworkRound.round_on)
            )
            rounds: dict[date, list[bool]] = defaultdict(list)
            for day, answer in rows.all():
                rounds[day].append(answer == "met")
        return [
            Count(f"{day:%d %b}", round(100 * sum(met) / len(met))) for day, met in rounds.items()
        ]
