"""The challenge queue: what moderators scheduled (for a date, or at the end of the queue),
and the plan of the coming days, where the built-in bank fills every day the queue leaves
empty."""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.content.career import CareerContent
from bot.content.challenges import ChallengeBank, Difficulty
from bot.db.engine import Database
from bot.errors import InvalidInput, NotFound
from bot.models.challenges import ChallengeConfig, ChallengePost, QueuedChallenge
from bot.numbers import parse_number
from bot.services.challenges.common import (
    BRIEF_MAX,
    HOURS_MAX,
    HOURS_MIN,
    TITLE_MAX,
    ChallengeCard,
    NotSetUp,
    guild_zone,
    is_challenge_day,
    local_today,
)

PLAN_DAYS = 14


@dataclass(frozen=True, slots=True)
class QueueItem:
    id: int
    local_date: date | None
    position: int
    card: ChallengeCard


@dataclass(frozen=True, slots=True)
class PlannedDay:
    """A coming challenge day; ``item_id`` is None when the bank fills it."""

    local_date: date
    card: ChallengeCard
    item_id: int | None


def _item(row: QueuedChallenge) -> QueueItem:
    card = ChallengeCard(
        row.title,
        row.brief,
        row.skill,
        row.difficulty,
        row.hours_to_submit,
        row.constraints,
        row.bank_id,
    )
    return QueueItem(row.id, row.local_date, row.position, card)


def assign(
    days: list[date], items: Iterable[QueueItem], auto: list[ChallengeCard]
) -> list[PlannedDay]:
    """What each of ``days`` posts: its dated item; else the next loose item (overdue dated
    ones first, then the queue in order); else the next of the bank's ``auto`` picks."""
    items = list(items)
    dated = {item.local_date: item for item in items if item.local_date in days}
    loose = sorted(
        (item for item in items if item.local_date is None or item.local_date < days[0]),
        key=lambda item: (item.local_date or date.max, item.position, item.id),
    )
    plan, picks = [], iter(auto)
    for day in days:
        item = dated.get(day) or (loose.pop(0) if loose else None)
        plan.append(
            PlannedDay(day, item.card, item.id) if item else PlannedDay(day, next(picks), None)
        )
    return plan


class ChallengeScheduleService:
    def __init__(
        self, database: Database, clock: Clock, bank: ChallengeBank, career: CareerContent
    ) -> None:
        self._database = database
        self._clock = clock
        self._bank = bank
        self._skills = {skill.id: skill.name for skill in career.skills}

    # -- the queue -------------------------------------------------------------------------

    def card(
        self, title: str, brief: str, skill: str, difficulty: str, hours: str | int
    ) -> ChallengeCard:
        """A moderator's challenge, checked: texts within limits, a known skill and
        difficulty, and a deadline of 1 to 168 hours."""
        title, brief = title.strip(), brief.strip()
        if not 0 < len(title) <= TITLE_MAX or not 0 < len(brief) <= BRIEF_MAX:
            raise InvalidInput(
                f"Give a title (up to {TITLE_MAX} characters) and a brief (up to {BRIEF_MAX})."
            )
        if skill not in self._skills:
            raise InvalidInput(f"`{skill}` is not a skill of the skill map.")
        if difficulty not in {level.value for level in Difficulty}:
            raise InvalidInput("The difficulty is easy, medium or hard.")
        number = parse_number(str(hours).strip().lower().removesuffix("h").strip())
        if number is None or not HOURS_MIN <= number <= HOURS_MAX:
            raise InvalidInput(
                f"The deadline is a number of hours from {HOURS_MIN} to {HOURS_MAX}."
            )
        return ChallengeCard(title, brief, skill, difficulty, number)

    def bank_card(self, bank_id: str) -> ChallengeCard:
        for challenge in self._bank.challenges:
            if challenge.id == bank_id:
                return ChallengeCard.from_bank(challenge)
        raise InvalidInput(
            f"There is no built-in challenge `{bank_id}` (the autocomplete lists them)."
        )

    def search_bank(self, query: str, limit: int = 25) -> list[ChallengeCard]:
        needle = query.strip().lower()
        return [
            ChallengeCard.from_bank(challenge)
            for challenge in self._bank.challenges
            if needle in challenge.title.lower() or needle in challenge.id
        ][:limit]

    async def _today(self, session: AsyncSession, guild_id: int) -> date:
        return local_today(self._clock.now(), await guild_zone(session, guild_id))

    async def _check_date(self, session: AsyncSession, guild_id: int, day: date) -> None:
        if day < await self._today(session, guild_id):
            raise InvalidInput("That date has passed in this server's time zone.")
        posted = await session.scalar(
            select(ChallengePost.id).where(
                ChallengePost.guild_id == guild_id, ChallengePost.local_date == day
            )
        )
        if posted is not None:
            raise InvalidInput(f"The challenge of {day:%a %d %b} is already posted.")

    async def _end_position(self, session: AsyncSession, guild_id: int, *, first: bool) -> int:
        edge = func.min if first else func.max
        current = await session.scalar(
            select(edge(QueuedChallenge.position)).where(QueuedChallenge.guild_id == guild_id)
        )
        return 0 if current is None else current - 1 if first else current + 1

    async def add(
        self, guild_id: int, author_id: int, card: ChallengeCard, on: str | None
    ) -> QueueItem:
        """Schedule ``card`` for the local date ``on`` (``YYYY-MM-DD``), or at the end of
        the queue."""
        day = parse_date(on) if on else None
        async with self._database.write() as session:
            if await session.get(ChallengeConfig, guild_id) is None:
                raise NotSetUp()
            if day is not None:
                await self._check_date(session, guild_id, day)
            row = QueuedChallenge(
                guild_id=guild_id,
                position=await self._end_position(session, guild_id, first=False),
                local_date=day,
                bank_id=card.bank_id,
                title=card.title,
                brief=card.brief,
                skill=card.skill,
                difficulty=card.difficulty,
                hours_to_submit=card.hours_to_submit,
                constraints=card.constraints,
                author_id=author_id,
                created_at=self._clock.now(),
            )
            await self._store(session, row)
            return _item(row)

    async def _store(self, session: AsyncSession, row: QueuedChallenge) -> None:
        try:
            async with session.begin_nested():
                session.add(row)
        except IntegrityError:
            raise InvalidInput(
                f"Another challenge is already scheduled for {row.local_date:%a %d %b}: move "
                "or remove it first (`/challenge queue`)."
            ) from None

    async def _row(self, session: AsyncSession, guild_id: int, item_id: int) -> QueuedChallenge:
        row = await session.scalar(
            select(QueuedChallenge)
            .where(QueuedChallenge.guild_id == guild_id, QueuedChallenge.id == item_id)
            .with_for_update()
        )
        if row is None:
            raise NotFound("That challenge is no longer in this server's queue.")
        return row

    async def item(self, guild_id: int, item_id: int) -> QueueItem:
        async with self._database.read() as session:
            return _item(await self._row(session, guild_id, item_id))

    async def edit(self, guild_id: int, item_id: int, card: ChallengeCard) -> QueueItem:
        async with self._database.write() as session:
            row = await self._row(session, guild_id, item_id)
            row.title, row.brief, row.skill = card.title, card.brief, card.skill
            row.difficulty, row.hours_to_submit = card.difficulty, card.hours_to_submit
            return _item(row)

    async def move(self, guild_id: int, item_id: int, to: str) -> QueueItem:
        """Move an item to a date (``YYYY-MM-DD``), or to the ``next`` or ``end`` place
        of the queue."""
        async with self._database.write() as session:
            row = await self._row(session, guild_id, item_id)
            where = to.strip().lower()
            if where in ("next", "end"):
                row.position = await self._end_position(session, guild_id, first=where == "next")
                row.local_date = None
            else:
                day = parse_date(where)
                await self._check_date(session, guild_id, day)
                row.local_date = day
            try:
                async with session.begin_nested():
                    await session.flush()
            except IntegrityError:
                raise InvalidInput(
                    f"Another challenge is already scheduled for {where}: move or remove it first."
                ) from None
            return _item(row)

    async def remove(self, guild_id: int, item_id: int) -> QueueItem:
        async with self._database.write() as session:
            item = _item(await self._row(session, guild_id, item_id))
            await session.execute(
                delete(QueuedChallenge).where(
                    QueuedChallenge.guild_id == guild_id, QueuedChallenge.id == item_id
                )
            )
            return item

    # -- the plan --------------------------------------------------------------------------

    def auto_picks(self, guild_id: int, start: int, count: int) -> list[ChallengeCard]:
        """The bank's picks number ``start`` onwards: the whole bank in an order of its
        own per guild, then again from the top."""
        order = sorted(
            self._bank.challenges,
            key=lambda c: hashlib.sha256(f"{guild_id}:{c.id}".encode()).digest(),
        )
        return [ChallengeCard.from_bank(order[(start + k) % len(order)]) for k in range(count)]

    async def _loaded_plan(
        self, session: AsyncSession, guild_id: int, days: list[date]
    ) -> list[PlannedDay]:
        rows = await session.scalars(
            select(QueuedChallenge).where(QueuedChallenge.guild_id == guild_id)
        )
        done = await session.scalar(
            select(func.count())
            .select_from(ChallengePost)
            .where(ChallengePost.guild_id == guild_id, ChallengePost.auto.is_(True))
        )
        return assign(days, map(_item, rows), self.auto_picks(guild_id, done or 0, len(days)))

    async def take(
        self, session: AsyncSession, guild_id: int, day: date, *, force: bool
    ) -> PlannedDay | None:
        """Within the caller's unit of work: what ``day`` posts, removed from the queue; None
        if ``day`` is no challenge day (``force`` makes it one)."""
        config = await session.get(ChallengeConfig, guild_id)
        if config is None:
            raise NotSetUp()
        dated = await session.scalar(
            select(QueuedChallenge.id).where(
                QueuedChallenge.guild_id == guild_id, QueuedChallenge.local_date == day
            )
        )
        if not (force or dated is not None or is_challenge_day(config.weekdays, day)):
            return None
        [planned] = await self._loaded_plan(session, guild_id, [day])
        if planned.item_id is not None:
            await session.execute(
                delete(QueuedChallenge).where(
                    QueuedChallenge.guild_id == guild_id, QueuedChallenge.id == planned.item_id
                )
            )
        return planned

    async def plan(self, guild_id: int, count: int = PLAN_DAYS) -> list[PlannedDay]:
        """The next ``count`` days from today (or tomorrow, once today is posted): the
        scheduled items, then the bank's picks."""
        async with self._database.read() as session:
            config = await session.get(ChallengeConfig, guild_id)
            if config is None:
                raise NotSetUp()
            today = await self._today(session, guild_id)
            posted = set(
                await session.scalars(
                    select(ChallengePost.local_date).where(
                        ChallengePost.guild_id == guild_id, ChallengePost.local_date >= today
                    )
                )
            )
            dated = set(
                await session.scalars(
                    select(QueuedChallenge.local_date).where(
                        QueuedChallenge.guild_id == guild_id,
                        QueuedChallenge.local_date.is_not(None),
                    )
                )
            )
            window = [today + timedelta(days=offset) for offset in range(count)]
            days = [
                day
                for day in window
                if day not in posted and (day in dated or is_challenge_day(config.weekdays, day))
            ]
            return await self._loaded_plan(session, guild_id, days) if days else []

    async def queue(self, guild_id: int) -> list[QueueItem]:
        """Every scheduled item, dated ones by date, then the queue in order."""
        async with self._database.read() as session:
            rows = await session.scalars(
                select(QueuedChallenge).where(QueuedChallenge.guild_id == guild_id)
            )
            items = [_item(row) for row in rows]
        return sorted(items, key=lambda i: (i.local_date or date.max, i.position, i.id))


def parse_date(text: str) -> date:
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise InvalidInput(
            "Give the date as YYYY-MM-DD (like `2027-03-14`), or `next` / `end` of the queue."
        ) from None
