"""Safety and privacy: blocks, the limits on mentoring requests, pausing members who stop
answering introductions, reports and mentorship feedback (for moderators' eyes only), and
remembered closed DMs. A block works both ways: neither member is suggested to, matched
with or able to ask the other, and what is open between them is closed. A closed DM
(Discord error 50007) is not retried."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Connection, bindparam, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.upsert import insert_or_update
from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.models.community import (
    Block,
    ClosedDM,
    MentorFeedback,
    MentorRequest,
    Mentorship,
    NetworkMember,
    NetworkPlacement,
    Report,
)
from bot.services.community.cards import Card, card_updated, outdated_cards
from bot.services.core.guild_settings import ensure_guild

PENDING_LIMIT = 3
DECLINE_COOLDOWN = timedelta(days=30)
REQUEST_EXPIRY = timedelta(days=14)
PENDING_FULL = f"You already have {PENDING_LIMIT} requests waiting for an answer; wait a little."
ANSWERS = {"met": "Yes", "not-yet": "Not yet", "skip": "Skip"}
"""Check-in answers to "Did you meet?"; any of them counts as a sign of life."""
IGNORED_LIMIT = 3
"""Introductions a member may leave unanswered in a row before they get no more."""
REASON_MIN, REASON_MAX = 5, 500
REPORTS_PER_DAY = 5
COMMENT_MAX = 500


@dataclass(frozen=True, slots=True)
class ReportInfo:
    id: int
    guild_id: int
    reporter_id: int
    reported_id: int
    reason: str
    created_at: datetime
    handled_by: int | None = None

    @classmethod
    def of(cls, row: Report) -> "ReportInfo":
        return cls(
            row.id,
            row.guild_id,
            row.reporter_id,
            row.reported_id,
            row.reason,
            row.created_at,
            row.handled_by,
        )


Pairs = frozenset[tuple[int, int]]
"""Unordered pairs of user ids, each written ``(smaller, larger)``."""


def pair_key(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


@dataclass(frozen=True, slots=True)
class FeedbackInfo:
    mentorship_id: int
    mentor_id: int
    mentee_id: int
    author_id: int
    rating: int
    comment: str
    created_at: datetime


async def count(session: AsyncSession, *where: ColumnElement[bool]) -> int:
    """How many rows match ``where`` (of the one table it names)."""
    return await session.scalar(select(func.count()).where(*where)) or 0


async def blocked_pairs(session: AsyncSession, guild_id: int) -> Pairs:
    """Every blocked pair of the guild, either direction, as ``(smaller, larger)`` ids."""
    rows = await session.execute(
        select(Block.blocker_id, Block.blocked_id).where(Block.guild_id == guild_id)
    )
    return frozenset(pair_key(a, b) for a, b in rows.all())


_BLOCKS_OF = select(Block.blocker_id, Block.blocked_id).where(
    Block.guild_id == bindparam("guild_id"),
    or_(Block.blocker_id == bindparam("user_id"), Block.blocked_id == bindparam("user_id")),
)


def blocks_of(connection: Connection, guild_id: int, user_id: int) -> Pairs:
    """The blocked pairs ``user_id`` is in, either direction, as ``(smaller, larger)`` ids."""
    rows = connection.execute(_BLOCKS_OF, {"guild_id": guild_id, "user_id": user_id})
    return frozenset(pair_key(a, b) for a, b in rows.all())


async def is_blocked(session: AsyncSession, guild_id: int, a: int, b: int) -> bool:
    return bool(
        await count(
            session,
            Block.guild_id == guild_id,
            Block.blocker_id.in_((a, b)),
            Block.blocked_id.in_((a, b)),
            Block.blocker_id != Block.blocked_id,
        )
    )


async def request_slots(
    session: AsyncSession, guild_id: int, mentee_id: int, mentor_id: int, now: datetime
) -> list[int]:
    """The limits that keep mentors from being pestered: no request across a block, one
    open request per pair, none for 30 days after a decline, at most 3 waiting (unanswered
    ones lapse after 14 days). Returns the mentee's free request slots."""
    if await is_blocked(session, guild_id, mentee_id, mentor_id):
        raise NotAllowed("You can't send a request to that member.")
    pair = (
        MentorRequest.guild_id == guild_id,
        MentorRequest.mentee_id == mentee_id,
        MentorRequest.mentor_id == mentor_id,
    )
    running = (Mentorship.mentee_id == mentee_id, Mentorship.mentor_id == mentor_id)
    if await count(
        session, Mentorship.guild_id == guild_id, *running, Mentorship.ended_at.is_(None)
    ):
        raise InvalidInput("They are already your mentor.")
    if await count(session, *pair, MentorRequest.status == "pending"):
        raise InvalidInput("You already have a request waiting for that mentor.")
    declined = await session.scalar(
        select(func.max(MentorRequest.decided_at)).where(*pair, MentorRequest.status == "declined")
    )
    if declined is not None and now - declined < DECLINE_COOLDOWN:
        again = (declined + DECLINE_COOLDOWN).date().isoformat()
        raise NotAllowed(
            f"That mentor declined your request recently; you can ask them again from {again}."
        )
    mine = (MentorRequest.guild_id == guild_id, MentorRequest.mentee_id == mentee_id)
    stale = (MentorRequest.status == "pending", MentorRequest.created_at < now - REQUEST_EXPIRY)
    await session.execute(
        update(MentorRequest)
        .where(*mine, *stale)
        .values(status="expired", pending_slot=None, open_pair=None, decided_at=now)
    )
    used = set(
        await session.scalars(
            select(MentorRequest.pending_slot).where(*mine, MentorRequest.status == "pending")
        )
    )
    return [slot for slot in range(1, PENDING_LIMIT + 1) if slot not in used]


async def pause_silent_members(
    session: AsyncSession, guild_id: int, answers: dict[int, str | None], now: datetime
) -> list[int]:
    """Members who stop answering are not introduced (nor pinged) any more: a check-in
    answer resets a member's count of ignored introductions, no answer adds one, and at
    ``IGNORED_LIMIT`` the member is paused until they rejoin. Returns who was paused."""
    silent = [user for user, answer in answers.items() if answer is None]
    active = (NetworkMember.guild_id == guild_id, NetworkMember.status == "active")
    for users, ignored in ((set(answers) - set(silent), 0), (silent, NetworkMember.ignored + 1)):
        await session.execute(
            update(NetworkMember)
            .where(*active, NetworkMember.user_id.in_(users))
            .values(ignored=ignored)
        )
    paused = await session.scalars(
        update(NetworkMember)
        .where(*active, NetworkMember.ignored >= IGNORED_LIMIT)
        .values(status="paused", updated_at=now)
        .returning(NetworkMember.user_id)
    )
    return list(paused)


class SafetyService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    async def block(self, guild_id: int, blocker_id: int, blocked_id: int) -> None:
        """Block a member; pending requests between the two are cancelled and running
        mentorships end."""
        if blocker_id == blocked_id:
            raise InvalidInput("You can't block yourself.")
        now = self._clock.now()
        pair = {blocker_id, blocked_id}
        async with self._database.write() as session:
            await ensure_guild(session, guild_id, now)  # the pool of open mentors may move
            await insert_or_update(
                session,
                Block,
                keys={"guild_id": guild_id, "blocker_id": blocker_id, "blocked_id": blocked_id},
                insert_values={"created_at": now},
                update_values={},
            )
            await session.execute(
                update(MentorRequest)
                .where(
                    MentorRequest.guild_id == guild_id,
                    MentorRequest.status == "pending",
                    MentorRequest.mentee_id.in_(pair),
                    MentorRequest.mentor_id.in_(pair),
                )
                .values(status="cancelled", decided_at=now, pending_slot=None, open_pair=None)
            )
            await session.execute(
                update(Mentorship)
                .where(
                    Mentorship.guild_id == guild_id,
                    Mentorship.ended_at.is_(None),
                    Mentorship.mentor_id.in_(pair),
                    Mentorship.mentee_id.in_(pair),
                )
                .values(ended_at=now, ended_by=blocker_id, active_pair=None)
            )

    async def unblock(self, guild_id: int, blocker_id: int, blocked_id: int) -> None:
        async with self._database.write() as session:
            result = await session.execute(
                delete(Block).where(
                    Block.guild_id == guild_id,
                    Block.blocker_id == blocker_id,
                    Block.blocked_id == blocked_id,
                )
            )
        if result.rowcount == 0:  # type: ignore[attr-defined]
            raise NotFound("You haven't blocked that member.")

    async def check_in(self, guild_id: int, group_id: int, user_id: int, answer: str) -> None:
        """A member answers their introduction's check-in (see ``pause_silent_members``)."""
        if answer not in ANSWERS:
            raise InvalidInput("Answer with one of the buttons.")
        mine = (NetworkPlacement.group_id == group_id, NetworkPlacement.user_id == user_id)
        async with self._database.write() as session:
            result = await session.execute(
                update(NetworkPlacement)
                .where(NetworkPlacement.guild_id == guild_id, *mine)
                .values(answer=answer, answered_at=self._clock.now())
            )
        if result.rowcount == 0:  # type: ignore[attr-defined]
            raise NotAllowed("This check-in is for the members of this introduction.")

    async def report(
        self, guild_id: int, reporter_id: int, reported_id: int, reason: str
    ) -> ReportInfo:
        """Record a report for the moderators; at most a few per member and day."""
        reason = " ".join(reason.split())
        if reporter_id == reported_id:
            raise InvalidInput("You can't report yourself.")
        if not REASON_MIN <= len(reason) <= REASON_MAX:
            raise InvalidInput(
                f"Describe what happened in {REASON_MIN} to {REASON_MAX} characters."
            )
        now = self._clock.now()
        async with self._database.write() as session:
            recent = await count(
                session,
                Report.guild_id == guild_id,
                Report.reporter_id == reporter_id,
                Report.created_at >= now - timedelta(days=1),
            )
            if recent >= REPORTS_PER_DAY:
                raise NotAllowed(
                    "You have sent several reports today; please contact a moderator directly."
                )
            row = Report(
                guild_id=guild_id,
                reporter_id=reporter_id,
                reported_id=reported_id,
                reason=reason,
                created_at=now,
            )
            session.add(row)
            await session.flush()
            return ReportInfo.of(row)

    async def attach_card(
        self, guild_id: int, report_id: int, channel_id: int, message_id: int
    ) -> None:
        """Remember the report's card in the mod-log channel."""
        async with self._database.write() as session:
            await session.execute(
                update(Report)
                .where(Report.guild_id == guild_id, Report.id == report_id)
                .values(channel_id=channel_id, message_id=message_id)
            )

    async def mark_report_handled(
        self, guild_id: int, report_id: int, moderator_id: int, *, on_card: bool = False
    ) -> ReportInfo:
        """Close an open report. Atomic: two moderators clicking at once close it once.
        Closed away from its card (``on_card`` False), the card is owed an update."""
        async with self._database.write() as session:
            result = await session.execute(
                update(Report)
                .where(
                    Report.guild_id == guild_id,
                    Report.id == report_id,
                    Report.handled_at.is_(None),
                )
                .values(
                    handled_by=moderator_id,
                    handled_at=self._clock.now(),
                    card_outdated=not on_card,
                )
            )
            row = await session.scalar(
                select(Report).where(Report.guild_id == guild_id, Report.id == report_id)
            )
        if row is None:
            raise NotFound("That report no longer exists.")
        if result.rowcount == 0:  # type: ignore[attr-defined]
            raise InvalidInput("That report was already marked as handled.")
        return ReportInfo.of(row)

    async def outdated_cards(self, owns: Callable[[int], bool]) -> list[tuple[ReportInfo, Card]]:
        """Reports handled away from their card, with the card to bring up to date."""
        return await outdated_cards(self._database, Report, ReportInfo.of, owns)

    async def card_updated(self, guild_id: int, report_id: int) -> None:
        await card_updated(self._database, Report, guild_id, report_id)

    async def feedback(
        self, guild_id: int, mentorship_id: int, author_id: int, rating: int, comment: str
    ) -> None:
        """How a mentorship went, from one of its two members (a second one replaces it)."""
        comment = " ".join(comment.split())
        if not 1 <= rating <= 5 or len(comment) > COMMENT_MAX:
            raise InvalidInput(f"Rate from 1 to 5, with a comment under {COMMENT_MAX} characters.")
        async with self._database.write() as session:
            row = await session.scalar(
                select(Mentorship).where(
                    Mentorship.guild_id == guild_id, Mentorship.id == mentorship_id
                )
            )
            if row is None or author_id not in (row.mentor_id, row.mentee_id):
                raise NotAllowed("You can only give feedback on your own mentorships.")
            values = {"rating": rating, "comment": comment, "created_at": self._clock.now()}
            await insert_or_update(
                session,
                MentorFeedback,
                keys={"mentorship_id": mentorship_id, "author_id": author_id},
                insert_values={"guild_id": guild_id},
                update_values=values,
            )

    async def all_feedback(self, guild_id: int) -> list[FeedbackInfo]:
        async with self._database.read() as session:
            rows = await session.execute(
                select(MentorFeedback, Mentorship)
                .join(Mentorship, Mentorship.id == MentorFeedback.mentorship_id)
                .where(MentorFeedback.guild_id == guild_id)
                .order_by(MentorFeedback.created_at.desc())
            )
            return [
                FeedbackInfo(
                    f.mentorship_id,
                    m.mentor_id,
                    m.mentee_id,
                    f.author_id,
                    f.rating,
                    f.comment,
                    f.created_at,
                )
                for f, m in rows.all()
            ]

    async def dm_closed(self, guild_id: int, user_id: int) -> bool:
        async with self._database.read() as session:
            return await session.get(ClosedDM, (guild_id, user_id)) is not None

    async def remember_closed_dm(self, guild_id: int, user_id: int) -> None:
        async with self._database.write() as session:
            await insert_or_update(
                session,
                ClosedDM,
                keys={"guild_id": guild_id, "user_id": user_id},
                insert_values={"closed_at": self._clock.now()},
                update_values={},
            )

    async def forget_closed_dm(self, guild_id: int, user_id: int) -> None:
        """The member opted in again (offered to mentor, joined networking): DMs may be
        tried once more."""
        async with self._database.write() as session:
            await session.execute(
                delete(ClosedDM).where(ClosedDM.guild_id == guild_id, ClosedDM.user_id == user_id)
            )
