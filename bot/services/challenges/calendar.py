"""A month of challenges as the web dashboard shows it: what was posted (with its entries,
votes and top entry), and what will post on each coming day (scheduled, or from the bank),
with the days the challenges are paused or have none."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from bot.clock import Clock
from bot.db.engine import Database
from bot.models.challenges import ChallengeConfig, ChallengePost, ChallengeSubmission, ChallengeVote
from bot.services.challenges.common import NotSetUp, guild_zone, local_today
from bot.services.challenges.schedule import ChallengeScheduleService

PAST_LIMIT = 60


@dataclass(frozen=True, slots=True)
class PastChallenge:
    local_date: date
    title: str
    skill: str
    entries: int
    votes: int
    winner_id: int | None
    """The entrant with the most votes (None: no entries or no votes)."""
    winner_votes: int


@dataclass(frozen=True, slots=True)
class CalendarDay:
    local_date: date
    state: str
    """``posted``, ``scheduled`` (a moderator's), ``bank``, ``paused`` or ``none``."""
    title: str | None = None
    item_id: int | None = None
    past: PastChallenge | None = None


@dataclass(frozen=True, slots=True)
class Month:
    year: int
    month: int
    today: date
    paused: bool
    days: list[CalendarDay]


class ChallengeCalendar:
    def __init__(
        self, database: Database, clock: Clock, schedule: ChallengeScheduleService
    ) -> None:
        self._database = database
        self._clock = clock
        self._schedule = schedule

    async def past(
        self, guild_id: int, start: date = date.min, end: date = date.max
    ) -> list[PastChallenge]:
        """Posted challenges from ``start`` to ``end``, newest first, with their results."""
        async with self._database.read() as session:
            posts = (
                await session.execute(
                    select(
                        ChallengePost.id,
                        ChallengePost.local_date,
                        ChallengePost.title,
                        ChallengePost.skill,
                    )
                    .where(
                        ChallengePost.guild_id == guild_id,
                        ChallengePost.local_date >= start,
                        ChallengePost.local_date <= end,
                        ChallengePost.message_id.is_not(None),
                    )
                    .order_by(ChallengePost.local_date.desc())
                    .limit(PAST_LIMIT)
                )
            ).all()
            tallies = (
                await session.execute(
                    select(
                        ChallengeSubmission.post_id,
                        ChallengeSubmission.user_id,
                        func.count(ChallengeVote.voter_id),
                    )
                    .outerjoin(ChallengeVote, ChallengeVote.submission_id == ChallengeSubmission.id)
                    .where(
                        ChallengeSubmission.guild_id == guild_id,
                        ChallengeSubmission.post_id.in_([post.id for post in posts]),
                    )
                    .group_by(ChallengeSubmission.post_id, ChallengeSubmission.user_id)
                )
            ).all()
        result = []
        for post_id, day, title, skill in posts:
            entries = sorted(
                ((votes, user_id) for pid, user_id, votes in tallies if pid == post_id),
                reverse=True,
            )
            top_votes, top_user = entries[0] if entries else (0, None)
            result.append(
                PastChallenge(
                    day,
                    title,
                    skill,
                    len(entries),
                    sum(votes for votes, _ in entries),
                    top_user if top_votes else None,
                    top_votes,
                )
            )
        return result

    async def month(self, guild_id: int, year: int, month: int) -> Month:
        """Every day of the month: posted, planned, paused or without a challenge."""
        async with self._database.read() as session:
            config = await session.get(ChallengeConfig, guild_id)
            if config is None:
                raise NotSetUp()
            today = local_today(self._clock.now(), await guild_zone(session, guild_id))
            paused = config.paused
        first = date(year, month, 1)
        last = date(year, month, calendar.monthrange(year, month)[1])
        past = {p.local_date: p for p in await self.past(guild_id, first, last)}
        ahead = (last - today).days + 1
        plan = await self._schedule.plan(guild_id, ahead) if ahead > 0 else []
        planned = {p.local_date: p for p in plan}
        days = []
        day = first
        while day <= last:
            if day in past:
                days.append(CalendarDay(day, "posted", past[day].title, past=past[day]))
            elif day in planned:
                item = planned[day]
                state = "scheduled" if item.item_id is not None else "bank"
                if paused:
                    state = "paused"
                days.append(CalendarDay(day, state, item.card.title, item.item_id))
            else:
                days.append(CalendarDay(day, "none"))
            day += timedelta(days=1)
        return Month(year, month, today, paused, days)
