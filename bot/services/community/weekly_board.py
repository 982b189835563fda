"""The weekly public leaderboard: every Monday morning (in the guild's time zone) the past
week's challenge and quiz leaders, in the channel the moderators chose for it. Each week is
claimed in the database before it is sent, so it posts once across restarts and processes."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.upsert import insert_for
from bot.models.challenges import ChallengeStanding
from bot.models.community import WeeklyBoard
from bot.models.core import GuildChannel, GuildSettings
from bot.models.quiz import QuizAnswer
from bot.services.quiz.rules import Ranked, rank_totals
from bot.shards import EVERY_SHARD, Shards

FEATURE = "leaderboard"
"""The channel setting (``/settings channel feature:leaderboard``) the board posts in."""
BOARD_SIZE = 5
POST_AT = time(9, 0)
"""Mondays at this local time the past week's board is due..."""
CATCH_UP = timedelta(hours=24)
"""...and stays due this long (a bot that was down longer skips the week)."""


@dataclass(frozen=True, slots=True)
class Board:
    id: int
    guild_id: int
    channel_id: int
    week: date
    """The Monday the week began, in the guild's time zone."""
    challenges: list[Ranked]
    quiz: list[Ranked]

    @property
    def empty(self) -> bool:
        return not self.challenges and not self.quiz


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


class WeeklyBoardService:
    def __init__(self, database: Database, clock: Clock, shards: Shards = EVERY_SHARD) -> None:
        """``shards`` limits the claims to this process's guilds."""
        self._database = database
        self._clock = clock
        self._shards = shards

    async def claim_due(self, now: datetime) -> list[Board]:
        """Claim the boards due at ``now``, each with its week's leaders (a week nobody
        scored in is claimed too, and comes back empty: the caller posts nothing)."""
        async with self._database.read() as session:
            rows = await session.execute(
                select(GuildChannel.guild_id, GuildChannel.channel_id, GuildSettings.timezone)
                .join(GuildSettings, GuildSettings.guild_id == GuildChannel.guild_id)
                .where(
                    GuildChannel.feature == FEATURE,
                    GuildSettings.left_at.is_(None),
                    self._shards.holds(GuildChannel.guild_id),
                )
            )
            due = []
            for guild_id, channel_id, zone_name in rows.all():
                zone = ZoneInfo(zone_name)
                this_monday = monday_of(now.astimezone(zone).date())
                opens = datetime.combine(this_monday, POST_AT, zone)
                if opens <= now < opens + CATCH_UP:
                    due.append((guild_id, channel_id, zone, this_monday - timedelta(days=7)))
        boards = []
        for guild_id, channel_id, zone, week in due:
            async with self._database.write() as session:
                board_id = await session.scalar(
                    insert_for(session)(WeeklyBoard)
                    .values(guild_id=guild_id, week=week, channel_id=channel_id, claimed_at=now)
                    .on_conflict_do_nothing()
                    .returning(WeeklyBoard.id)
                )
            if board_id is None:
                continue  # claimed already (an earlier tick, or another process)
            since = datetime.combine(week, time(0), zone)
            challenges, quiz = await self.leaders(guild_id, week, since, since + timedelta(days=7))
            boards.append(Board(board_id, guild_id, channel_id, week, challenges, quiz))
        return boards

    async def leaders(
        self, guild_id: int, week: date, since: datetime, until: datetime
    ) -> tuple[list[Ranked], list[Ranked]]:
        """The week's top challenge points (from the standings) and quiz points (each
        question counted once per member, at their best answer)."""
        async with self._database.read() as session:
            standings = await session.execute(
                select(ChallengeStanding.user_id, ChallengeStanding.points)
                .where(
                    ChallengeStanding.guild_id == guild_id,
                    ChallengeStanding.period == f"week:{week.isoformat()}",
                    ChallengeStanding.points > 0,
                )
                .order_by(ChallengeStanding.points.desc(), ChallengeStanding.user_id)
                .limit(BOARD_SIZE)
            )
            challenges = rank_totals([(user, points) for user, points in standings.all()])
            best = (
                select(QuizAnswer.user_id, func.max(QuizAnswer.points).label("best"))
                .where(
                    QuizAnswer.guild_id == guild_id,
                    QuizAnswer.answered_at >= since,
                    QuizAnswer.answered_at < until,
                )
                .group_by(QuizAnswer.user_id, QuizAnswer.question_key)
                .subquery()
            )
            total = func.sum(best.c.best)
            answers = await session.execute(
                select(best.c.user_id, total).group_by(best.c.user_id).having(total > 0)
            )
            quiz = rank_totals([(user, int(points)) for user, points in answers.all()])
        return challenges, quiz[:BOARD_SIZE]

    async def attach(self, board_id: int, message_id: int) -> None:
        async with self._database.write() as session:
            await session.execute(
                update(WeeklyBoard).where(WeeklyBoard.id == board_id).values(message_id=message_id)
            )
