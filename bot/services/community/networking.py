"""Networking introductions, like coffee-chat bots: every 1, 2 or 4 weeks the scheduler
groups the members who opted in (``matching.plan_round``), introduces each group, checks in
halfway and closes the round. Each step is claimed in the database before anything is sent:
a round by its unique (guild, date), a post by a claim time with a short lease."""

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.upsert import insert_or_update
from bot.errors import InvalidInput, NotFound
from bot.models.community import NetworkConfig, NetworkGroup, NetworkMember, NetworkNotice
from bot.models.community import NetworkPlacement as Placement
from bot.models.community import NetworkRound as Round
from bot.services.community.matching import RoundPlan, plan_round_elsewhere
from bot.services.community.profiles import ProfileInfo, ProfileService, starters
from bot.services.community.safety import (
    SafetyService,
    blocked_pairs,
    pair_key,
    pause_silent_members,
)
from bot.services.core.guild_settings import GuildSettingsService as GuildSettings
from bot.shards import EVERY_SHARD, Shards

log = logging.getLogger(__name__)

ROUND_HOUR = 12
"""Rounds start at noon, the guild's local time, on the chosen weekday."""
HISTORY_ROUNDS = 5
CLAIM_LEASE = timedelta(minutes=2)
BATCH = 100
NOT_SET_UP = "Networking introductions are not set up here yet."
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True)
class NetworkSettings:
    guild_id: int
    channel_id: int
    every_weeks: int
    weekday: int
    size: int
    first_round: date
    timezone: str

    @property
    def period(self) -> timedelta:
        return timedelta(weeks=self.every_weeks)

    def starts_at(self, day: date) -> datetime:
        return datetime.combine(day, time(ROUND_HOUR), ZoneInfo(self.timezone)).astimezone(UTC)

    def due(self, now: datetime) -> date | None:
        """The latest round date whose start has passed (None before the first)."""
        local = now.astimezone(ZoneInfo(self.timezone)).date()
        steps = (local - self.first_round).days // (7 * self.every_weeks)
        day = self.first_round + steps * self.period
        if self.starts_at(day) > now:
            day -= self.period
        return day if day >= self.first_round else None


@dataclass(frozen=True, slots=True)
class GroupIntro:
    guild_id: int
    group_id: int
    channel_id: int
    round_on: date
    members: list[ProfileInfo]
    starters: list[str]
    checkin_at: datetime


@dataclass(frozen=True, slots=True)
class CheckIn:
    guild_id: int
    group_id: int
    thread_id: int  # 0 when the introduction went out by DM
    members: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Notice:
    """Why a round left a member out (alone, blocked, no-room), or that they were paused."""

    id: int
    guild_id: int
    user_id: int
    channel_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class RoundStats:
    round_on: date | None
    groups: int
    met: int
    rounds: int
    intros: int
    met_total: int
    active: int
    paused: int


def _owe_notices(
    session: AsyncSession, guild_id: int, channel_id: int, reasons: dict[int, str], now: datetime
) -> None:
    session.add_all(
        NetworkNotice(
            guild_id=guild_id, user_id=u, channel_id=channel_id, reason=reason, created_at=now
        )
        for u, reason in reasons.items()
    )


def first_round_after(today: date, weekday: int) -> date:
    """The first ``weekday`` after ``today`` (a week on if today is that day)."""
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)


def round_seed(guild_id: int, day: date) -> int:
    """The seed of a round: fixed per guild and date, so the preview shows the round."""
    digest = hashlib.blake2b(f"{guild_id}:{day.isoformat()}".encode(), digest_size=6).digest()
    return int.from_bytes(digest, "big")


class NetworkService:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        profiles: ProfileService,
        guilds: GuildSettings,
        safety: SafetyService,
        shards: Shards = EVERY_SHARD,
    ) -> None:
        """``shards`` limits the scheduled work to the guilds of this process's shards."""
        self._database, self._clock = database, clock
        self._profiles, self._guild_settings, self._safety = profiles, guilds, safety
        self._shards = shards

    async def setup(
        self, guild_id: int, channel_id: int, every_weeks: int, weekday: int, size: int
    ) -> NetworkSettings:
        if every_weeks not in (1, 2, 4) or size not in (2, 3) or not 0 <= weekday <= 6:
            raise InvalidInput("Rounds run every 1, 2 or 4 weeks, in groups of 2 or 3.")
        now = self._clock.now()
        today = now.astimezone((await self._guild_settings.get(guild_id)).zone).date()
        values: dict[str, object] = {"channel_id": channel_id, "every_weeks": every_weeks}
        values |= {"weekday": weekday, "size": size, "enabled": True, "updated_at": now}
        values["first_round"] = first_round_after(today, weekday)
        async with self._database.write() as session:
            key = {"guild_id": guild_id}
            await insert_or_update(
                session, NetworkConfig, keys=key, insert_values={}, update_values=values
            )
        return await self.settings(guild_id)

    async def settings(self, guild_id: int) -> NetworkSettings:
        async with self._database.read() as session:
            row = await session.get(NetworkConfig, guild_id)
        if row is None or not row.enabled:
            raise NotFound(NOT_SET_UP)
        zone = (await self._guild_settings.get(guild_id)).timezone
        return NetworkSettings(
            guild_id, row.channel_id, row.every_weeks, row.weekday, row.size, row.first_round, zone
        )

    async def stop(self, guild_id: int) -> None:
        """Turn the introductions off (``setup`` turns them on again)."""
        async with self._database.write() as session:
            config = await session.get(NetworkConfig, guild_id, with_for_update=True)
            if config is None or not config.enabled:
                raise NotFound(NOT_SET_UP)
            config.enabled = False

    async def join(self, guild_id: int, user_id: int) -> NetworkSettings:
        """Opt in (or come back after a pause); returns the schedule to tell the member."""
        settings, now = await self.settings(guild_id), self._clock.now()
        key, start = {"guild_id": guild_id, "user_id": user_id}, {"joined_at": now}
        values = {"status": "active", "ignored": 0, "updated_at": now}
        async with self._database.write() as session:
            await insert_or_update(
                session, NetworkMember, keys=key, insert_values=start, update_values=values
            )
        await self._safety.forget_closed_dm(guild_id, user_id)
        return settings

    async def leave(self, guild_id: int, user_id: int, *, pause: bool = False) -> None:
        """Leave the introductions, or with ``pause`` stay listed but skip rounds."""
        async with self._database.write() as session:
            member = await session.get(NetworkMember, (guild_id, user_id), with_for_update=True)
            if member is None:
                raise NotFound("You haven't joined the networking introductions here.")
            if pause:
                member.status, member.updated_at = "paused", self._clock.now()
            else:
                await session.delete(member)

    async def _plan(self, settings: NetworkSettings, day: date) -> RoundPlan:
        """Group the active members, avoiding each one's partners of their last rounds."""
        guild_id = settings.guild_id
        async with self._database.read() as session:
            ids = await session.scalars(
                select(NetworkMember.user_id)
                .where(NetworkMember.guild_id == guild_id, NetworkMember.status == "active")
                .order_by(NetworkMember.user_id)
            )
            people = await self._profiles.persons(session, guild_id, list(ids))
            blocked = await blocked_pairs(session, guild_id)
            recent = select(Round.id).where(Round.guild_id == guild_id, Round.round_on < day)
            recent = recent.order_by(Round.round_on.desc()).limit(HISTORY_ROUNDS * 4)
            placements = await session.execute(
                select(Placement.user_id, Placement.round_id, Placement.group_id).where(
                    Placement.group_id.is_not(None),
                    Placement.round_id.in_(recent.scalar_subquery()),
                )
            )
        groups: dict[int | None, list[int]] = defaultdict(list)
        recent_groups: dict[int, list[int | None]] = defaultdict(list)
        for user_id, _, group_id in sorted(placements.all(), key=lambda row: -row[1]):
            groups[group_id].append(user_id)
            if len(recent_groups[user_id]) < HISTORY_ROUNDS:
                recent_groups[user_id].append(group_id)
        met = {pair_key(u, o) for u, gs in recent_groups.items() for g in gs for o in groups[g]}
        seed, size = round_seed(guild_id, day), settings.size
        return await plan_round_elsewhere(
            people, size=size, blocked=blocked, met=frozenset(met), seed=seed
        )

    async def _started(self, guild_id: int, day: date | None) -> bool:
        async with self._database.read() as session:
            found = await session.scalar(
                select(Round.id).where(Round.guild_id == guild_id, Round.round_on == day)
            )
        return found is not None

    async def preview(self, guild_id: int) -> tuple[date, RoundPlan]:
        """Who would meet whom in the next round, if nobody joins or leaves before it."""
        settings, now = await self.settings(guild_id), self._clock.now()
        day = settings.due(now)
        if day is None or await self._started(guild_id, day):
            day = settings.first_round if day is None else day + settings.period
        return day, await self._plan(settings, day)

    async def start_rounds(self, now: datetime) -> None:
        """Start every round that is due: group the members and record the groups, once,
        with a notice for each member left out (``claim_notices``)."""
        async with self._database.read() as session:
            enabled = select(NetworkConfig.guild_id).where(NetworkConfig.enabled.is_(True))
            guild_ids = list(await session.scalars(enabled))
        for guild_id in filter(self._shards.owns, guild_ids):
            settings = await self.settings(guild_id)
            day = settings.due(now)
            if day is not None and not await self._started(guild_id, day):
                await self._record(settings, day, await self._plan(settings, day), now)

    async def _record(
        self, settings: NetworkSettings, day: date, plan: RoundPlan, now: datetime
    ) -> None:
        guild_id, starts = settings.guild_id, settings.starts_at(day)
        async with self._database.write() as session:
            row = Round(
                guild_id=guild_id,
                round_on=day,
                seed=plan.seed,
                channel_id=settings.channel_id,
                starts_at=starts,
                checkin_at=starts + settings.period / 2,
                ends_at=starts + settings.period,
            )
            try:
                async with session.begin_nested():
                    session.add(row)
            except IntegrityError:
                return  # another process started this round
            for members in plan.groups:
                group = NetworkGroup(guild_id=guild_id, round_id=row.id)
                session.add(group)
                await session.flush()
                session.add_all(
                    Placement(round_id=row.id, user_id=u, guild_id=guild_id, group_id=group.id)
                    for u in members
                )
            session.add_all(
                Placement(round_id=row.id, user_id=u, guild_id=guild_id, left_out=reason)
                for u, reason in plan.left_out.items()
            )
            _owe_notices(session, guild_id, settings.channel_id, plan.left_out, now)
        sizes = f"groups={len(plan.groups)} left_out={len(plan.left_out)}"
        log.info("network round guild=%s date=%s seed=%s %s", guild_id, day, plan.seed, sizes)

    async def _claim(
        self, session: AsyncSession, now: datetime, stamp: str, *where: ColumnElement[bool]
    ) -> list[tuple[NetworkGroup, Round, list[int]]]:
        """Groups of open rounds matching ``where``, stamped as claimed at ``now``, with
        their members."""
        rows = await session.execute(
            select(NetworkGroup, Round)
            .join(Round, Round.id == NetworkGroup.round_id)
            .where(Round.closed_at.is_(None), self._shards.holds(NetworkGroup.guild_id), *where)
            .order_by(NetworkGroup.id)
            .limit(BATCH)
            .with_for_update(skip_locked=True, of=NetworkGroup)
        )
        claimed = []
        for group, round_row in rows.all():
            setattr(group, stamp, now)
            ids = await session.scalars(
                select(Placement.user_id)
                .where(Placement.group_id == group.id)
                .order_by(Placement.user_id)
            )
            claimed.append((group, round_row, list(ids)))
        return claimed

    async def claim_intros(self, now: datetime) -> list[GroupIntro]:
        """Groups still to be introduced, each claimed for a short lease."""
        async with self._database.write() as session:
            stale = NetworkGroup.intro_claimed_at < now - self._clock.span(CLAIM_LEASE)
            claimed = await self._claim(
                session,
                now,
                "intro_claimed_at",
                NetworkGroup.thread_id.is_(None),
                or_(NetworkGroup.intro_claimed_at.is_(None), stale),
            )
            intros = []
            for group, row, ids in claimed:
                profiles = await self._profiles.infos(session, group.guild_id, ids)
                ideas = starters(profiles, self._profiles.skill_names)
                shown = [profile.public() for profile in profiles]
                where = (group.guild_id, group.id, row.channel_id, row.round_on)
                intros.append(GroupIntro(*where, shown, ideas, row.checkin_at))
            return intros

    async def confirm_intro(self, guild_id: int, group_id: int, thread_id: int) -> None:
        """The introduction went out, in ``thread_id`` (0: by DM)."""
        async with self._database.write() as session:
            await session.execute(
                update(NetworkGroup)
                .where(NetworkGroup.guild_id == guild_id, NetworkGroup.id == group_id)
                .values(thread_id=thread_id)
            )

    async def claim_checkins(self, now: datetime) -> list[CheckIn]:
        """Introduced groups whose round is halfway through, each claimed once."""
        async with self._database.write() as session:
            claimed = await self._claim(
                session,
                now,
                "checkin_claimed_at",
                Round.checkin_at <= now,
                NetworkGroup.thread_id.is_not(None),
                NetworkGroup.checkin_claimed_at.is_(None),
            )
            return [
                CheckIn(g.guild_id, g.id, g.thread_id or 0, tuple(ids)) for g, _, ids in claimed
            ]

    async def close_rounds(self, now: datetime) -> None:
        """Close rounds that have ended; members who leave too many introductions without
        a check-in answer (``SafetyService.check_in``) are paused, with a notice."""
        async with self._database.write() as session:
            rounds = await session.scalars(
                select(Round)
                .where(
                    Round.closed_at.is_(None),
                    Round.ends_at <= now,
                    self._shards.holds(Round.guild_id),
                )
                .with_for_update(skip_locked=True)
            )
            for row in rounds.all():
                row.closed_at = now
                answers = await session.execute(
                    select(Placement.user_id, Placement.answer).where(
                        Placement.round_id == row.id, Placement.group_id.is_not(None)
                    )
                )
                paused = await pause_silent_members(session, row.guild_id, dict(answers.all()), now)
                owed = dict.fromkeys(paused, "paused")
                _owe_notices(session, row.guild_id, row.channel_id, owed, now)

    async def claim_notices(self, now: datetime) -> list[Notice]:
        """Notices still to be sent, each claimed for a short lease (``confirm_notice``)."""
        async with self._database.write() as session:
            rows = await session.scalars(
                select(NetworkNotice)
                .where(
                    NetworkNotice.sent_at.is_(None),
                    self._shards.holds(NetworkNotice.guild_id),
                    or_(
                        NetworkNotice.claimed_at.is_(None),
                        NetworkNotice.claimed_at < now - self._clock.span(CLAIM_LEASE),
                    ),
                )
                .order_by(NetworkNotice.id)
                .limit(BATCH)
                .with_for_update(skip_locked=True)
            )
            notices = []
            for row in rows.all():
                row.claimed_at = now
                notices.append(
                    Notice(row.id, row.guild_id, row.user_id, row.channel_id, row.reason)
                )
            return notices

    async def confirm_notice(self, notice_id: int, now: datetime) -> None:
        async with self._database.write() as session:
            await session.execute(
                update(NetworkNotice).where(NetworkNotice.id == notice_id).values(sent_at=now)
            )

    async def stats(self, guild_id: int) -> RoundStats:
        """The latest round's meet rate (groups where someone answered "Yes") and totals."""
        async with self._database.read() as session:
            rounds = await session.execute(
                select(Round.id, Round.round_on).where(Round.guild_id == guild_id)
            )
            placements = await session.execute(
                select(Placement.round_id, Placement.group_id, Placement.answer).where(
                    Placement.guild_id == guild_id, Placement.group_id.is_not(None)
                )
            )
            statuses = await session.execute(
                select(NetworkMember.status, func.count())
                .where(NetworkMember.guild_id == guild_id)
                .group_by(NetworkMember.status)
            )
            days, counts = dict(rounds.all()), dict(statuses.all())
            met: dict[int | None, bool] = defaultdict(bool)
            round_of: dict[int | None, int] = {}
            for round_id, group, answer in placements.all():
                met[group] |= answer == "met"
                round_of[group] = round_id
        latest = max(days, key=days.__getitem__, default=None)
        last = [yes for group, yes in met.items() if round_of[group] == latest]
        totals = (len(days), len(met), sum(met.values()), counts.get("active", 0))
        day = days[latest] if latest is not None else None
        return RoundStats(day, len(last), sum(last), *totals, counts.get("paused", 0))
