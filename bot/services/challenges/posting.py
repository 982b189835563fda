"""Posting challenges exactly once per guild and local day, and everything that follows a
post on its own: the reminder before the deadline, the results at the deadline (with the
points they award), the "streak at risk" nudges and the monthly champion.

Each send is claimed in the database before it goes out (see ``once_a_day``): a post by
inserting the unique (guild, local date) row, a reminder or results by setting its claim
time. Claims never confirmed are sent again after the lease, with the same nonce.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.engine import Database
from bot.errors import InvalidInput
from bot.models.challenges import ChallengeConfig, ChallengePost
from bot.models.core import GuildSettings
from bot.services.challenges.common import PostInfo, days_to_next, guild_zone, local_today
from bot.services.challenges.schedule import ChallengeScheduleService
from bot.services.challenges.scores import ChallengeScoreService, Results, month_key
from bot.services.core.exactly_once import (
    CLAIM_BATCH,
    CLAIM_LEASE,
    claim_send,
    due_date,
    lease_running,
)

NUDGE_HOURS = 3
"""How long before the deadline members with a streak get their "at risk" DM."""


@dataclass(frozen=True, slots=True)
class Reminder:
    post: PostInfo
    role_id: int | None
    hours_left: int


@dataclass(frozen=True, slots=True)
class Nudge:
    post: PostInfo
    user_id: int
    streak: int
    freezes: int


@dataclass(frozen=True, slots=True)
class ChampionChange:
    guild_id: int
    role_id: int
    month: str
    previous_user_id: int | None
    user_id: int | None


class ChallengePostingService:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        schedule: ChallengeScheduleService,
        scores: ChallengeScoreService,
        owns: Callable[[int], bool] | None = None,
    ) -> None:
        self._database = database
        self._clock = clock
        self._schedule = schedule
        self._scores = scores
        self._owns = owns or (lambda _guild_id: True)

    # -- the daily post ----------------------------------------------------------------------

    async def claim_due(self, now: datetime, limit: int = CLAIM_BATCH) -> list[PostInfo]:
        """Claim today's post of up to ``limit`` guilds whose time has come (and of today's
        unconfirmed claims whose lease has run out). Call again while it returns ``limit``
        posts: small batches keep each claim's lease far longer than its sending."""
        async with self._database.read() as session:
            rows = await session.execute(
                select(ChallengeConfig.guild_id, ChallengeConfig.post_time, GuildSettings.timezone)
                .join(GuildSettings, GuildSettings.guild_id == ChallengeConfig.guild_id)
                .where(ChallengeConfig.paused.is_(False))
            )
            days = {
                guild_id: day
                for guild_id, post_time, zone in rows.all()
                if self._owns(guild_id) and (day := due_date(now, zone, post_time)) is not None
            }
            sent = await session.execute(
                select(ChallengePost.guild_id, ChallengePost.local_date).where(
                    ChallengePost.local_date.in_(set(days.values())),
                    ChallengePost.message_id.is_not(None),
                )
            )
            done = {(guild_id, day) for guild_id, day in sent.all()}
        due: list[PostInfo] = []
        for guild_id, day in days.items():
            if len(due) == limit:
                break
            if (guild_id, day) not in done and (
                post := await self._claim(guild_id, day, force=False)
            ):
                due.append(post)
        return due

    async def post_now(self, guild_id: int) -> PostInfo:
        """Claim today's post right away (a moderator's "post now")."""
        async with self._database.read() as session:
            zone = await guild_zone(session, guild_id)
        day = local_today(self._clock.now(), zone)
        post = await self._claim(guild_id, day, force=True)
        if post is None:
            raise InvalidInput("Today's challenge is already posted here.")
        return post

    async def _claim(self, guild_id: int, day: date, *, force: bool) -> PostInfo | None:
        now = self._clock.now()
        async with self._database.write() as session:
            existing = await session.scalar(
                select(ChallengePost).where(
                    ChallengePost.guild_id == guild_id, ChallengePost.local_date == day
                )
            )
            if existing is not None:
                return await self._retake(session, existing, now)
            planned = await self._schedule.take(session, guild_id, day, force=force)
            config = await session.get(ChallengeConfig, guild_id)
            if planned is None or config is None:
                return None
            card = planned.card
            # A challenge stays open until the next one comes (a week, for a weekly
            # cadence) unless the challenge itself asks for longer.
            gap = days_to_next(config.weekdays, day)
            hours = max(card.hours_to_submit, 24 * gap)
            post = ChallengePost(
                guild_id=guild_id,
                local_date=day,
                auto=planned.item_id is None,
                bank_id=card.bank_id,
                title=card.title,
                brief=card.brief,
                skill=card.skill,
                difficulty=card.difficulty,
                constraints=card.constraints,
                cadence="weekly" if config.weekdays.bit_count() == 1 else "daily",
                blind=config.blind_voting,
                channel_id=config.channel_id,
                claimed_at=now,
                deadline_at=now + timedelta(hours=hours),
            )
            try:
                async with session.begin_nested():
                    session.add(post)
            except IntegrityError:
                return None  # another process claimed this day first
            return PostInfo.of(post)

    async def _retake(
        self, session: AsyncSession, post: ChallengePost, now: datetime
    ) -> PostInfo | None:
        if post.message_id is not None:
            return None
        taken = await claim_send(
            session,
            ChallengePost.id == post.id,
            ChallengePost.claimed_at,
            ChallengePost.message_id,
            post.claimed_at,
            now,
            self._clock.span(CLAIM_LEASE),
        )
        return PostInfo.of(post) if taken else None

    async def confirm(self, post: PostInfo, message_id: int, thread_id: int | None) -> None:
        """Record that ``post`` was sent as ``message_id``, with its discussion thread."""
        async with self._database.write() as session:
            await session.execute(
                update(ChallengePost)
                .where(ChallengePost.guild_id == post.guild_id, ChallengePost.id == post.id)
                .values(message_id=message_id, thread_id=thread_id)
            )

    # -- after the post ----------------------------------------------------------------------

    async def _open_posts(
        self, session: AsyncSession, now: datetime
    ) -> list[tuple[ChallengePost, ChallengeConfig]]:
        """Posted challenges still open, with their guild's settings."""
        rows = await session.execute(
            select(ChallengePost, ChallengeConfig)
            .join(ChallengeConfig, ChallengeConfig.guild_id == ChallengePost.guild_id)
            .where(
                ChallengePost.message_id.is_not(None),
                ChallengePost.results_claimed_at.is_(None),
                ChallengePost.deadline_at > now,
            )
        )
        return [(post, config) for post, config in rows.all() if self._owns(post.guild_id)]

    async def claim_reminders(self, now: datetime) -> list[Reminder]:
        """Reminders whose time has come: ``reminder_hours`` before an open deadline."""
        due = []
        async with self._database.write() as session:
            for post, config in await self._open_posts(session, now):
                hours = config.reminder_hours
                if hours is None or now < post.deadline_at - timedelta(hours=hours):
                    continue
                if await claim_send(
                    session,
                    ChallengePost.id == post.id,
                    ChallengePost.reminder_claimed_at,
                    ChallengePost.reminder_message_id,
                    post.reminder_claimed_at,
                    now,
                    self._clock.span(CLAIM_LEASE),
                ):
                    left = max(1, round((post.deadline_at - now) / timedelta(hours=1)))
                    due.append(Reminder(PostInfo.of(post), config.reminder_role_id, left))
        return due

    async def confirm_reminder(self, post: PostInfo, message_id: int) -> None:
        await self._confirm_step(post, reminder_message_id=message_id)

    async def _confirm_step(self, post: PostInfo, **values: int) -> None:
        async with self._database.write() as session:
            await session.execute(
                update(ChallengePost)
                .where(ChallengePost.guild_id == post.guild_id, ChallengePost.id == post.id)
                .values(values)
            )

    async def claim_nudges(self, now: datetime) -> list[Nudge]:
        """The "streak at risk" DMs of every open post ``NUDGE_HOURS`` from its deadline:
        claimed once per post, for opted-in members with a streak who have not entered."""
        claimed_posts = []
        async with self._database.write() as session:
            for post, _config in await self._open_posts(session, now):
                if now < post.deadline_at - timedelta(hours=NUDGE_HOURS):
                    continue
                claimed = await session.execute(
                    update(ChallengePost)
                    .where(ChallengePost.id == post.id, ChallengePost.nudged_at.is_(None))
                    .values(nudged_at=now)
                )
                if claimed.rowcount == 1:  # type: ignore[attr-defined]
                    claimed_posts.append(post)
        nudges = []
        for post in claimed_posts:  # who is at risk: a read, beside other writers
            async with self._database.read() as session:
                for user_id, streak in await self._scores.at_risk(session, post):
                    nudges.append(Nudge(PostInfo.of(post), user_id, streak.current, streak.freezes))
        return nudges

    async def claim_results(self, now: datetime) -> list[Results]:
        """Results of every post whose deadline has passed: worked out in a read, then
        claimed once with their points awarded in one short unit of work (awards are
        idempotent, so a retake is safe)."""
        async with self._database.read() as session:
            rows = await session.scalars(
                select(ChallengePost).where(
                    ChallengePost.message_id.is_not(None),
                    ChallengePost.results_message_id.is_(None),
                    ChallengePost.deadline_at <= now,
                )
            )
            posts = [row for row in rows if self._owns(row.guild_id)]
        lease = self._clock.span(CLAIM_LEASE)
        due = []
        for post in posts:
            if lease_running(post.results_claimed_at, now, lease):
                continue  # another tick is sending these results: skip the tally
            async with self._database.read() as session:
                closing = await self._scores.tally(session, PostInfo.of(post))
            async with self._database.write() as session:
                if await claim_send(
                    session,
                    ChallengePost.id == post.id,
                    ChallengePost.results_claimed_at,
                    ChallengePost.results_message_id,
                    post.results_claimed_at,
                    now,
                    lease,
                ):
                    due.append(await self._scores.settle(session, closing))
        return due

    async def confirm_results(self, post: PostInfo, message_id: int) -> None:
        """Record the results message (the closed post itself when nobody entered)."""
        await self._confirm_step(post, results_message_id=message_id)

    async def claim_champions(self, now: datetime) -> list[ChampionChange]:
        """Hand each champion role to the top member of the last finished local month,
        once per month (compare-and-set on the month)."""
        changes = []
        async with self._database.write() as session:
            configs = list(
                await session.scalars(
                    select(ChallengeConfig).where(ChallengeConfig.champion_role_id.is_not(None))
                )
            )
            for config in filter(lambda c: self._owns(c.guild_id), configs):
                zone = ZoneInfo(await guild_zone(session, config.guild_id))
                last_month = now.astimezone(zone).date().replace(day=1) - timedelta(days=1)
                key, role_id = month_key(last_month), config.champion_role_id
                if config.champion_month == key or role_id is None:
                    continue
                previous = config.champion_user_id
                champion = await self._scores.month_top(session, config.guild_id, last_month)
                taken = await session.execute(
                    update(ChallengeConfig)
                    .where(
                        ChallengeConfig.guild_id == config.guild_id,
                        or_(
                            ChallengeConfig.champion_month.is_(None),
                            ChallengeConfig.champion_month != key,
                        ),
                    )
                    .values(champion_month=key, champion_user_id=champion)
                )
                if taken.rowcount == 1:  # type: ignore[attr-defined]
                    changes.append(
                        ChampionChange(config.guild_id, role_id, key, previous, champion)
                    )
        return changes
