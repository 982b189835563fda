"""The tip of the day: configured per guild, posted once per local day.

Exactly once is kept by the database: a post is claimed by inserting the row for (guild,
local date), which a unique key allows only once, before anything is sent. A claim whose
sending was never confirmed (a crash, a network error) is sent again after a short lease,
with the same nonce, so Discord returns the first message instead of posting twice. Only
today's local date is ever due: a day the bot was down for entirely is skipped, and a late
start posts late, once.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.upsert import insert_or_update
from bot.errors import NotFound
from bot.models.careers import DailyTipConfig, DailyTipPost
from bot.models.core import GuildSettings
from bot.services.careers.guidance import CareerService
from bot.services.careers.tip_pick import TipCard
from bot.services.core.exactly_once import (
    CLAIM_BATCH,
    CLAIM_LEASE,
    claim_send,
    due_date,
    parse_post_time,
)
from bot.services.core.guild_settings import ensure_guild

__all__ = ["CLAIM_LEASE", "DailySchedule", "DailyTipService", "DueTip"]

NO_REPEAT_DAYS = 30


@dataclass(frozen=True, slots=True)
class DailySchedule:
    guild_id: int
    channel_id: int
    post_time: str
    enabled: bool
    timezone: str


@dataclass(frozen=True, slots=True)
class DueTip:
    post_id: int
    guild_id: int
    channel_id: int
    local_date: date
    tip: TipCard

    @property
    def nonce(self) -> str:
        """Deterministic per guild and day (at most 25 characters, as Discord requires)."""
        return f"t{self.guild_id % 10**12}{self.local_date:%y%m%d}"


class DailyTipService:
    def __init__(self, database: Database, clock: Clock, career: CareerService) -> None:
        self._database = database
        self._clock = clock
        self._career = career

    async def configure(self, guild_id: int, channel_id: int, post_time: str) -> DailySchedule:
        when = parse_post_time(post_time)
        now = self._clock.now()
        async with self._database.write() as session:
            await ensure_guild(session, guild_id, now)
            await insert_or_update(
                session,
                DailyTipConfig,
                keys={"guild_id": guild_id},
                insert_values={},
                update_values={"channel_id": channel_id, "post_time": when, "enabled": True},
            )
        return await self.schedule(guild_id)

    async def disable(self, guild_id: int) -> None:
        async with self._database.write() as session:
            result = await session.execute(
                update(DailyTipConfig)
                .where(DailyTipConfig.guild_id == guild_id)
                .values(enabled=False)
            )
        if result.rowcount == 0:  # type: ignore[attr-defined]
            raise NotFound("The tip of the day is not set up here.")

    async def schedule(self, guild_id: int) -> DailySchedule:
        schedule = await self.current(guild_id)
        if schedule is None:
            raise NotFound("The tip of the day is not set up here.")
        return schedule

    async def current(self, guild_id: int) -> DailySchedule | None:
        """The guild's tip of the day, on or off; None if it was never set up."""
        async with self._database.read() as session:
            row = (
                await session.execute(
                    select(DailyTipConfig, GuildSettings.timezone)
                    .join(GuildSettings, GuildSettings.guild_id == DailyTipConfig.guild_id)
                    .where(DailyTipConfig.guild_id == guild_id)
                )
            ).first()
        if row is None:
            return None
        config, zone = row
        return DailySchedule(guild_id, config.channel_id, config.post_time, config.enabled, zone)

    async def claim_due(
        self,
        now: datetime | None = None,
        owns: Callable[[int], bool] | None = None,
        limit: int = CLAIM_BATCH,
    ) -> list[DueTip]:
        """Claim today's post for up to ``limit`` guilds whose time has come, including
        claims of today whose sending was never confirmed and whose lease has run out; call
        again while it returns ``limit``. ``owns`` limits the work to the guilds of this
        process's shards."""
        now = now or self._clock.now()
        async with self._database.read() as session:
            rows = await session.execute(
                select(DailyTipConfig, GuildSettings.timezone)
                .join(GuildSettings, GuildSettings.guild_id == DailyTipConfig.guild_id)
                .where(DailyTipConfig.enabled.is_(True))
            )
            due_days = {
                config.guild_id: (config.channel_id, day)
                for config, zone in rows.all()
                if (owns is None or owns(config.guild_id))
                and (day := due_date(now, zone, config.post_time)) is not None
            }
            sent = await session.execute(
                select(DailyTipPost.guild_id, DailyTipPost.local_date).where(
                    DailyTipPost.local_date.in_({day for _, day in due_days.values()}),
                    DailyTipPost.message_id.is_not(None),
                )
            )
            done = {(guild_id, day) for guild_id, day in sent.all()}
        due: list[DueTip] = []
        for guild_id, (channel_id, day) in due_days.items():
            if len(due) == limit:
                break
            if (guild_id, day) not in done and (
                claimed := await self._claim(guild_id, channel_id, day)
            ):
                due.append(claimed)
        return due

    async def _claim(self, guild_id: int, channel_id: int, day: date) -> DueTip | None:
        async with self._database.write() as session:
            existing = await session.scalar(
                select(DailyTipPost).where(
                    DailyTipPost.guild_id == guild_id, DailyTipPost.local_date == day
                )
            )
            if existing is not None:
                return await self._retry(session, existing)
            tip = await self._pick(session, guild_id, day)
            post = DailyTipPost(
                guild_id=guild_id,
                local_date=day,
                tip_id=tip.id,
                channel_id=channel_id,
                claimed_at=self._clock.now(),
            )
            try:
                async with session.begin_nested():
                    session.add(post)
            except IntegrityError:
                return None  # another process claimed this day first
            return DueTip(post.id, guild_id, channel_id, day, tip)

    async def _retry(self, session: AsyncSession, post: DailyTipPost) -> DueTip | None:
        """Take over a claim whose sending was never confirmed, once its lease has run out
        (the claimer crashed). Compare-and-set on ``claimed_at``: one taker at a time."""
        taken = await claim_send(
            session,
            DailyTipPost.id == post.id,
            DailyTipPost.claimed_at,
            DailyTipPost.message_id,
            post.claimed_at,
            self._clock.now(),
            self._clock.span(CLAIM_LEASE),
        )
        if not taken:
            return None
        tip = await self._career.find_tip(session, post.guild_id, post.tip_id)
        return DueTip(post.id, post.guild_id, post.channel_id, post.local_date, tip)

    async def _pick(self, session: AsyncSession, guild_id: int, day: date) -> TipCard:
        """A tip this guild has not had in the last 30 days: never-posted ones first, then
        the least recently posted."""
        pool = await session.run_sync(
            lambda sync: self._career.tip_pool(sync.connection(), guild_id)
        )
        history = await session.execute(
            select(DailyTipPost.tip_id, func.max(DailyTipPost.local_date))
            .where(DailyTipPost.guild_id == guild_id)
            .group_by(DailyTipPost.tip_id)
        )
        last_posted: dict[str, date] = dict(history.all())
        never = [tip for tip in pool if tip.id not in last_posted]
        if never:
            return never[(day.toordinal() * 7919 + guild_id) % len(never)]
        cutoff = day - timedelta(days=NO_REPEAT_DAYS)
        rested = [tip for tip in pool if last_posted[tip.id] <= cutoff]
        return min(rested or pool, key=lambda tip: last_posted[tip.id])

    async def confirm(self, due: DueTip, message_id: int) -> None:
        """Record that ``due`` was sent as ``message_id``."""
        async with self._database.write() as session:
            await session.execute(
                update(DailyTipPost)
                .where(DailyTipPost.guild_id == due.guild_id, DailyTipPost.id == due.post_id)
                .values(message_id=message_id)
            )
