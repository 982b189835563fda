"""Results, points and streaks on the database: closing a challenge (podium and awards),
the leaderboards, a member's history and streak, and who is at risk of losing one."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Connection, ScalarSelect, and_, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.upsert import insert_for
from bot.models.challenges import (
    ChallengeConfig,
    ChallengeFeedback,
    ChallengeMember,
    ChallengePoints,
    ChallengePost,
    ChallengeStanding,
    ChallengeSubmission,
    ChallengeVote,
)
from bot.models.core import GuildSettings
from bot.services.challenges.common import PostInfo, guild_zone
from bot.services.challenges.rules import EntryTally, Streak, awards, podium, streak_over
from bot.services.core.guild_settings import DEFAULT_TIMEZONE
from bot.services.core.periods import Period

BOARD_SIZE = 50


def _vote_count() -> ScalarSelect[int]:
    """The number of votes on each ``ChallengeSubmission`` row, as a correlated column."""
    return (
        select(func.count())
        .where(ChallengeVote.submission_id == ChallengeSubmission.id)
        .scalar_subquery()
    )


@dataclass(frozen=True, slots=True)
class Placing:
    place: int
    user_id: int
    votes: int
    message_id: int | None


@dataclass(frozen=True, slots=True)
class Results:
    post: PostInfo
    entries: int
    podium: list[Placing]
    feedback_required: int
    labels: dict[int, str] = field(default_factory=dict)
    """In a blind challenge, each author's entry label, revealed with the results."""


@dataclass(frozen=True, slots=True)
class Closing:
    """A closed day's results and the awards they earn, before they are written."""

    results: Results
    earned: list[tuple[int, str, int]]


@dataclass(frozen=True, slots=True)
class Standing:
    rank: int
    user_id: int
    points: int


@dataclass(frozen=True, slots=True)
class Leaderboard:
    period: Period
    standings: list[Standing]
    mine: Standing | None


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    local_date: date
    title: str
    votes: int
    points: int
    place: int | None
    open: bool


def month_key(day: date) -> str:
    return f"{day:%Y-%m}"


AWARDS_PER_STATEMENT = 1_000
"""Rows per ``INSERT``: five values each stays far below SQLite's 32,766 parameters."""


def period_keys(day: date) -> tuple[str, str, str]:
    """The standings periods a local ``day`` counts in: all time, its week, its month."""
    monday = day - timedelta(days=day.weekday())
    return "all", f"week:{monday.isoformat()}", f"month:{month_key(day)}"


async def award(
    session: AsyncSession,
    guild_id: int,
    awards: Sequence[tuple[int, str, int]],
    now: datetime,
) -> None:
    """Add each (member, source, points) to the ledger once per source (a second award is a
    no-op), a thousand rows a statement, and what was new to the members' standings for
    the week, month (in the guild's time zone) and all time that ``now`` falls in."""
    insert = insert_for(session)
    gained: dict[int, int] = defaultdict(int)
    for start in range(0, len(awards), AWARDS_PER_STATEMENT):
        rows = [
            {"guild_id": guild_id, "user_id": user, "source": source, "points": points}
            | {"awarded_at": now}
            for user, source, points in awards[start : start + AWARDS_PER_STATEMENT]
        ]
        statement = (
            insert(ChallengePoints)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["guild_id", "user_id", "source"])
            .returning(ChallengePoints.user_id, ChallengePoints.points)
        )
        for user, points in (await session.execute(statement)).all():
            gained[user] += points
    zone = ZoneInfo(await guild_zone(session, guild_id))
    additions = [
        {"guild_id": guild_id, "period": period, "user_id": user, "points": points}
        for period in period_keys(now.astimezone(zone).date())
        for user, points in gained.items()
    ]
    for start in range(0, len(additions), AWARDS_PER_STATEMENT):
        upsert = insert(ChallengeStanding).values(additions[start : start + AWARDS_PER_STATEMENT])
        await session.execute(
            upsert.on_conflict_do_update(
                index_elements=["guild_id", "period", "user_id"],
                set_={"points": ChallengeStanding.points + upsert.excluded.points},
            )
        )


def _ranked(totals: list[tuple[int, int]]) -> list[Standing]:
    """Competition ranking (1, 2, 2, 4) of (user, points), best first."""
    ordered = sorted(totals, key=lambda row: (-row[1], row[0]))
    standings: list[Standing] = []
    for index, (user_id, points) in enumerate(ordered):
        tied = standings and standings[-1].points == points
        standings.append(Standing(standings[-1].rank if tied else index + 1, user_id, points))
    return standings


_IN_PERIOD = (ChallengeStanding.guild_id == bindparam("guild_id")) & (
    ChallengeStanding.period == bindparam("period")
)
_BOARD = (
    select(ChallengeStanding.user_id, ChallengeStanding.points)
    .where(_IN_PERIOD)
    .order_by(ChallengeStanding.points.desc(), ChallengeStanding.user_id)
    .limit(BOARD_SIZE)
)
_POINTS = select(ChallengeStanding.points).where(
    _IN_PERIOD, ChallengeStanding.user_id == bindparam("user_id")
)
_AHEAD = select(func.count()).where(_IN_PERIOD, ChallengeStanding.points > bindparam("points"))
_ZONE = select(GuildSettings.timezone).where(GuildSettings.guild_id == bindparam("guild_id"))
"""The leaderboard's statements, built once."""


class ChallengeScoreService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    # -- streaks ---------------------------------------------------------------------------

    async def _streaks(
        self,
        session: AsyncSession,
        guild_id: int,
        users: list[int],
        days_filter: ColumnElement[bool],
        *,
        with_open_entries: bool = False,
    ) -> dict[int, Streak]:
        """Each user's streak over the guild's challenge days that pass ``days_filter``
        (and, with ``with_open_entries``, the still-open days they entered)."""
        days = set(
            await session.scalars(
                select(ChallengePost.local_date).where(
                    ChallengePost.guild_id == guild_id, days_filter
                )
            )
        )
        entered: dict[int, set[date]] = defaultdict(set)
        rows = await session.execute(
            select(ChallengeSubmission.user_id, ChallengePost.local_date)
            .join(ChallengePost, ChallengePost.id == ChallengeSubmission.post_id)
            .where(ChallengeSubmission.guild_id == guild_id, ChallengeSubmission.user_id.in_(users))
        )
        for user_id, day in rows.all():
            entered[user_id].add(day)
        return {
            user: streak_over(days | entered[user] if with_open_entries else days, entered[user])
            for user in users
        }

    async def streak(self, guild_id: int, user_id: int) -> Streak:
        """A member's streak: closed challenge days, plus open ones they already entered
        (an open day not entered yet breaks nothing)."""
        async with self._database.read() as session:
            streaks = await self._streaks(
                session,
                guild_id,
                [user_id],
                ChallengePost.results_claimed_at.is_not(None),
                with_open_entries=True,
            )
        return streaks[user_id]

    async def at_risk(self, session: AsyncSession, post: ChallengePost) -> list[tuple[int, Streak]]:
        """Opted-in members (DMs not known closed) with a streak who have not entered
        ``post`` yet."""
        entrants = select(ChallengeSubmission.user_id).where(ChallengeSubmission.post_id == post.id)
        users = list(
            await session.scalars(
                select(ChallengeMember.user_id).where(
                    ChallengeMember.guild_id == post.guild_id,
                    ChallengeMember.risk_dm.is_(True),
                    ChallengeMember.dm_closed.is_(False),
                    ChallengeMember.user_id.not_in(entrants),
                )
            )
        )
        streaks = await self._streaks(
            session, post.guild_id, users, ChallengePost.results_claimed_at.is_not(None)
        )
        return [(user, streaks[user]) for user in users if streaks[user].current > 0]

    # -- results ---------------------------------------------------------------------------

    async def tally(self, session: AsyncSession, post: PostInfo) -> Closing:
        """The results of ``post`` (its deadline passed, so its entries and votes are
        final), worked out in a read: the heavy part of closing a day holds no write lock."""
        rows = await session.execute(
            select(
                ChallengeSubmission.id,
                ChallengeSubmission.user_id,
                ChallengeSubmission.submitted_at,
                ChallengeSubmission.message_id,
                _vote_count(),
            ).where(
                ChallengeSubmission.guild_id == post.guild_id,
                ChallengeSubmission.post_id == post.id,
            )
        )
        entries = list(rows.all())
        given = dict(
            (
                await session.execute(
                    select(ChallengeFeedback.author_id, func.count())
                    .join(
                        ChallengeSubmission,
                        ChallengeSubmission.id == ChallengeFeedback.submission_id,
                    )
                    .where(
                        ChallengeFeedback.guild_id == post.guild_id,
                        ChallengeSubmission.post_id == post.id,
                    )
                    .group_by(ChallengeFeedback.author_id)
                )
            ).all()
        )
        tallies = [
            EntryTally(sid, user, count, at, given.get(user, 0))
            for sid, user, at, _message, count in entries
        ]
        required = await session.scalar(
            select(ChallengeConfig.feedback_required).where(
                ChallengeConfig.guild_id == post.guild_id
            )
        )
        placed = podium(tallies, required or 0)
        streaks = await self._streaks(
            session,
            post.guild_id,
            [tally.user_id for tally in tallies],
            and_(
                or_(ChallengePost.results_claimed_at.is_not(None), ChallengePost.id == post.id),
                ChallengePost.local_date <= post.local_date,
            ),
        )
        current = {user: streak.current for user, streak in streaks.items()}
        earned = [
            (item.user_id, f"post:{post.id}:{item.reason}", item.points)
            for item in awards(tallies, placed, current)
        ]
        messages = {sid: message for sid, _user, _at, message, _count in entries}
        labels = await session.execute(
            select(ChallengeSubmission.user_id, ChallengeSubmission.blind_label).where(
                ChallengeSubmission.guild_id == post.guild_id,
                ChallengeSubmission.post_id == post.id,
                ChallengeSubmission.blind_label.is_not(None),
            )
        )
        results = Results(
            post,
            len(entries),
            [
                Placing(place, e.user_id, e.votes, messages[e.submission_id])
                for place, e in enumerate(placed, start=1)
            ],
            required or 0,
            {user: label for user, label in labels.all() if label},
        )
        return Closing(results, earned)

    async def settle(self, session: AsyncSession, closing: Closing) -> Results:
        """Within the unit of work that claimed the results: every award written to the
        ledger once, dated at the deadline (so results processed late still count in the
        right week and month)."""
        post = closing.results.post
        await award(session, post.guild_id, closing.earned, post.deadline_at)
        return closing.results

    # -- leaderboards and history ----------------------------------------------------------

    async def _top(
        self, session: AsyncSession, guild_id: int, period: str, limit: int
    ) -> list[Standing]:
        rows = await session.execute(
            select(ChallengeStanding.user_id, ChallengeStanding.points)
            .where(ChallengeStanding.guild_id == guild_id, ChallengeStanding.period == period)
            .order_by(ChallengeStanding.points.desc(), ChallengeStanding.user_id)
            .limit(limit)
        )
        return _ranked([(user, points) for user, points in rows.all()])

    async def leaderboard(self, guild_id: int, period: Period, user_id: int) -> Leaderboard:
        """The top of this week's, month's (in the guild's time zone) or all-time standings,
        and the caller's own place (one unit of work, one hop to the database)."""
        return await self._database.run(lambda c: self._board(c, guild_id, period, user_id))

    def _board(
        self, connection: Connection, guild_id: int, period: Period, user_id: int
    ) -> Leaderboard:
        zone = connection.execute(_ZONE, {"guild_id": guild_id}).scalar() or DEFAULT_TIMEZONE
        every, week, month = period_keys(self._clock.now().astimezone(ZoneInfo(zone)).date())
        keys = {
            "guild_id": guild_id,
            "period": {"all": every, "week": week, "month": month}[period],
        }
        standings = _ranked([(user, points) for user, points in connection.execute(_BOARD, keys)])
        mine = next((s for s in standings if s.user_id == user_id), None)
        if mine is None:
            points = connection.execute(_POINTS, keys | {"user_id": user_id}).scalar()
            if points is not None:
                ahead = connection.execute(_AHEAD, keys | {"points": points}).scalar()
                mine = Standing((ahead or 0) + 1, user_id, points)
        return Leaderboard(period, standings, mine)

    async def month_top(self, session: AsyncSession, guild_id: int, day: date) -> int | None:
        """The member with the most points in the local month of ``day``."""
        top = await self._top(session, guild_id, period_keys(day)[2], 1)
        return top[0].user_id if top else None

    async def history(self, guild_id: int, user_id: int) -> list[HistoryEntry]:
        """A member's entries, newest first, with their votes, points and place."""
        async with self._database.read() as session:
            rows = await session.execute(
                select(
                    ChallengePost.id,
                    ChallengePost.local_date,
                    ChallengePost.title,
                    ChallengePost.results_claimed_at,
                    _vote_count(),
                )
                .select_from(ChallengeSubmission)
                .join(ChallengePost, ChallengePost.id == ChallengeSubmission.post_id)
                .where(
                    ChallengeSubmission.guild_id == guild_id,
                    ChallengeSubmission.user_id == user_id,
                )
                .order_by(ChallengePost.local_date.desc())
            )
            entries = list(rows.all())
            ledger = await session.execute(
                select(ChallengePoints.source, ChallengePoints.points).where(
                    ChallengePoints.guild_id == guild_id,
                    ChallengePoints.user_id == user_id,
                    ChallengePoints.source.startswith("post:"),
                )
            )
            points: dict[int, int] = defaultdict(int)
            places: dict[int, int] = {}
            for source, value in ledger.all():
                _, post_id, reason = source.split(":")
                points[int(post_id)] += value
                if reason.startswith("place"):
                    places[int(post_id)] = int(reason.removeprefix("place"))
        return [
            HistoryEntry(day, title, count, points[pid], places.get(pid), closed is None)
            for pid, day, title, closed, count in entries
        ]
