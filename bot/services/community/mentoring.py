"""Mentors, requests and mentorships: offers with topics and capacity, ranked suggestions,
requests with their limits, accepting and declining, skill sign-offs, endings, feedback."""

from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Connection, bindparam, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.upsert import insert_or_update
from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.models.community import MentorOffer, MentorRequest, Mentorship
from bot.services.careers.guidance import CareerService
from bot.services.community.matching import Suggestion, rank_mentors
from bot.services.community.profiles import (
    Matchable,
    MentorCandidate,
    ProfileInfo,
    ProfileService,
    from_row,
    starters,
)
from bot.services.community.safety import (
    PENDING_FULL,
    REQUEST_EXPIRY,
    SafetyService,
    blocks_of,
    count,
    is_blocked,
    request_slots,
)
from bot.services.core.guild_settings import ensure_guild, guild_stamp
from bot.services.core.settings_cache import VersionedCache

CAPACITY_MAX = 5
MESSAGE_MAX = 500
AVAILABILITY_MAX = 200
NOT_A_MENTOR = "That member is not offering mentoring here (see `/mentor list`)."


@dataclass(frozen=True, slots=True)
class MentorInfo:
    user_id: int
    topics: tuple[str, ...]
    capacity: int
    availability: str
    dm_requests: bool
    paused: bool
    active: int

    @property
    def free_places(self) -> int:
        return max(self.capacity - self.active, 0)


@dataclass(frozen=True, slots=True)
class RequestInfo:
    id: int
    guild_id: int
    mentee_id: int
    mentor_id: int
    message: str
    status: str
    origin_channel_id: int | None
    created_at: datetime
    decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class SentRequest:
    request: RequestInfo
    by_dm: bool
    """The mentor takes requests by DM and their DMs are not known to be closed."""


@dataclass(frozen=True, slots=True)
class Introduction:
    mentorship_id: int
    request: RequestInfo
    mentor: ProfileInfo
    mentee: ProfileInfo
    starters: list[str]


@dataclass(frozen=True, slots=True)
class Pairing:
    id: int
    mentor_id: int
    mentee_id: int
    started_at: datetime
    ended_at: datetime | None
    thread_id: int | None


@dataclass(frozen=True, slots=True)
class Ranked:
    suggestion: Suggestion
    mentor: MentorInfo


async def _active_count(session: AsyncSession, guild_id: int, mentor_id: int) -> int:
    return await count(
        session,
        Mentorship.guild_id == guild_id,
        Mentorship.mentor_id == mentor_id,
        Mentorship.ended_at.is_(None),
    )


_OFFERS = select(
    MentorOffer.user_id,
    MentorOffer.topics,
    MentorOffer.capacity,
    MentorOffer.availability,
    MentorOffer.dm_requests,
    MentorOffer.paused,
).where(MentorOffer.guild_id == bindparam("guild_id"))
_ACTIVE = (
    select(Mentorship.mentor_id, func.count())
    .where(Mentorship.guild_id == bindparam("guild_id"), Mentorship.ended_at.is_(None))
    .group_by(Mentorship.mentor_id)
)


def _read_mentors(connection: Connection, guild_id: int, skill: str | None) -> list[MentorInfo]:
    """``MentoringService.mentors`` inside a unit of work on a Core connection."""
    keys = {"guild_id": guild_id}
    offers = connection.execute(_OFFERS, keys).all()
    active: dict[int, int] = dict(connection.execute(_ACTIVE, keys).all())
    found = [
        MentorInfo(user, tuple(topics), capacity, availability, dm, paused, active.get(user, 0))
        for user, topics, capacity, availability, dm, paused in offers
        if skill is None or skill in topics
    ]
    return sorted(found, key=lambda m: (m.paused, m.free_places == 0, -m.free_places))


@dataclass(frozen=True, slots=True)
class _Open:
    """A mentor open with room, as ``/mentor find`` ranks them."""

    info: MentorInfo
    candidate: MentorCandidate
    match: Matchable


class MentoringService:
    def __init__(
        self,
        database: Database,
        clock: Clock,
        profiles: ProfileService,
        career: CareerService,
        safety: SafetyService,
    ) -> None:
        self._database, self._clock = database, clock
        self._profiles, self._career, self._safety = profiles, career, safety
        self._pools: VersionedCache[int, list[_Open]] = VersionedCache()

    async def offer(
        self,
        guild_id: int,
        user_id: int,
        topics: list[str],
        capacity: int,
        availability: str,
        dm_requests: bool,
    ) -> MentorInfo:
        names = self._profiles.skill_names
        if not topics or any(topic not in names for topic in topics):
            raise InvalidInput("Pick at least one topic from the skill map.")
        if not 1 <= capacity <= CAPACITY_MAX:
            raise InvalidInput(f"Take between 1 and {CAPACITY_MAX} mentees at once.")
        availability = " ".join(availability.split())
        if not 3 <= len(availability) <= AVAILABILITY_MAX:
            raise InvalidInput("Say briefly when you are available, like `weekday evenings`.")
        now = self._clock.now()
        async with self._database.write() as session:
            await ensure_guild(session, guild_id, now)  # the pool of open mentors moves
            values = {"topics": list(dict.fromkeys(topics)), "capacity": capacity}
            values |= {"availability": availability, "dm_requests": dm_requests}
            await insert_or_update(
                session,
                MentorOffer,
                keys={"guild_id": guild_id, "user_id": user_id},
                insert_values={"created_at": now},
                update_values=values | {"paused": False, "updated_at": now},
            )
        await self._safety.forget_closed_dm(guild_id, user_id)
        return await self.mentor(guild_id, user_id)

    async def active_mentorships(self, guild_id: int, mentor_id: int) -> int:
        async with self._database.read() as session:
            return await _active_count(session, guild_id, mentor_id)

    async def offer_of(self, guild_id: int, user_id: int) -> MentorInfo | None:
        async with self._database.read() as session:
            row = await session.get(MentorOffer, (guild_id, user_id))
            if row is None:
                return None
            return from_row(MentorInfo, row, active=await _active_count(session, guild_id, user_id))

    async def mentor(self, guild_id: int, user_id: int) -> MentorInfo:
        found = await self.offer_of(guild_id, user_id)
        if found is None:
            raise NotFound(NOT_A_MENTOR)
        return found

    async def set_paused(self, guild_id: int, user_id: int, paused: bool) -> MentorInfo:
        async with self._database.write() as session:
            await ensure_guild(session, guild_id, self._clock.now())
            result = await session.execute(
                update(MentorOffer)
                .where(MentorOffer.guild_id == guild_id, MentorOffer.user_id == user_id)
                .values(paused=paused, updated_at=self._clock.now())
            )
            if result.rowcount == 0:  # type: ignore[attr-defined]  # rolls the version back
                raise NotFound("You are not a mentor here yet: start with `/mentor offer`.")
        if not paused:
            await self._safety.forget_closed_dm(guild_id, user_id)
        return await self.mentor(guild_id, user_id)

    def skill_id(self, query: str | None) -> str | None:
        """The id of the skill ``query`` names (by id or name); an unknown one is refused
        with the nearest name. None stays None (every skill)."""
        return None if query is None else self._career.resolve_skill(query).id

    async def mentors(self, guild_id: int, skill: str | None = None) -> list[MentorInfo]:
        """Every mentor (with ``skill`` among their topics), open ones with room first."""
        skill = self.skill_id(skill)
        return await self._database.run(lambda c: _read_mentors(c, guild_id, skill))

    async def find(self, guild_id: int, mentee_id: int, skill: str | None = None) -> list[Ranked]:
        """Mentors for the mentee, best first; reasons resting on a mentor's private fields
        (time zone, experience) are left out. One unit of work, one hop to the database."""
        skill = self.skill_id(skill)
        # The pool of open mentors is kept while the guild's stamp (which every change to
        # profiles, skill maps, offers and mentorships moves) and the hour (time zone
        # offsets) stay the same.
        guild = await guild_stamp(self._database, guild_id)
        stamp = (guild, self._clock.now().replace(minute=0, second=0, microsecond=0))
        pool = self._pools.lookup(guild_id, stamp) if guild is not None else None
        return await self._database.run(
            lambda c: self._find(c, guild_id, mentee_id, skill, pool, stamp)
        )

    def _read_pool(self, connection: Connection, guild_id: int) -> list[_Open]:
        """Every mentor open with room, with what ranking needs of them."""
        mentors = [
            m for m in _read_mentors(connection, guild_id, None) if not m.paused and m.free_places
        ]
        found = self._profiles.read_matchables(connection, guild_id, [m.user_id for m in mentors])
        return [
            _Open(m, MentorCandidate(one.person, frozenset(m.topics), m.free_places, False), one)
            for m, one in zip(mentors, found, strict=True)
        ]

    def _find(
        self,
        connection: Connection,
        guild_id: int,
        mentee_id: int,
        skill: str | None,
        pool: list[_Open] | None,
        stamp: tuple[Hashable | None, datetime],
    ) -> list[Ranked]:
        if pool is None:
            pool = self._read_pool(connection, guild_id)
            if stamp[0] is not None:
                self._pools.store(guild_id, stamp, pool)
        chosen = [
            one
            for one in pool
            if one.info.user_id != mentee_id and (skill is None or skill in one.info.topics)
        ]
        mentors = {one.info.user_id: one.info for one in chosen}
        # The mentee's goals are what they learn on their skill map.
        [me] = self._profiles.read_matchables(connection, guild_id, [mentee_id])
        found = [me, *(one.match for one in chosen)]
        blocked = blocks_of(connection, guild_id, mentee_id)
        mentee = me.person
        candidates = [one.candidate for one in chosen]
        private = {match.person.user_id: match.private for match in found}
        result = []
        for suggestion in rank_mentors(mentee, candidates, blocked=blocked, skill=skill):
            hidden = private[suggestion.mentor_id]
            if "timezone" in hidden:
                suggestion = replace(suggestion, hours_apart=None)
            if "experience" in hidden:
                suggestion = replace(suggestion, experience_gap=None)
            result.append(Ranked(suggestion, mentors[suggestion.mentor_id]))
        return result

    async def request(
        self,
        guild_id: int,
        mentee_id: int,
        mentor_id: int,
        message: str,
        origin_channel_id: int | None,
    ) -> SentRequest:
        """Ask a mentor. At most 3 pending requests per mentee (unanswered ones lapse
        after 14 days), one per pair, none for 30 days after the mentor declined."""
        message = " ".join(message.split())
        if mentee_id == mentor_id:
            raise InvalidInput("You can't be your own mentor.")
        if len(message) > MESSAGE_MAX:
            raise InvalidInput(f"Keep your message under {MESSAGE_MAX} characters.")
        now = self._clock.now()
        async with self._database.write() as session:
            offer = await session.get(MentorOffer, (guild_id, mentor_id), with_for_update=True)
            if offer is None:
                raise NotFound(NOT_A_MENTOR)
            if offer.paused:
                raise NotAllowed("That mentor has paused mentoring for now.")
            if await _active_count(session, guild_id, mentor_id) >= offer.capacity:
                raise NotAllowed("That mentor has no free place right now; try `/mentor find`.")
            for slot in await request_slots(session, guild_id, mentee_id, mentor_id, now):
                row = MentorRequest(
                    guild_id=guild_id,
                    mentee_id=mentee_id,
                    mentor_id=mentor_id,
                    message=message,
                    status="pending",
                    pending_slot=slot,
                    open_pair=f"{mentee_id}:{mentor_id}",
                    origin_channel_id=origin_channel_id,
                    created_at=now,
                )
                try:
                    async with session.begin_nested():
                        session.add(row)
                except IntegrityError:
                    continue  # a concurrent request took this slot (or this pair)
                info = from_row(RequestInfo, row)
                break
            else:
                raise NotAllowed(PENDING_FULL)
        closed = await self._safety.dm_closed(guild_id, mentor_id)
        return SentRequest(info, offer.dm_requests and not closed)

    async def _decide(
        self, session: AsyncSession, guild_id: int, request_id: int, mentor_id: int, status: str
    ) -> MentorRequest:
        row = await session.scalar(
            select(MentorRequest)
            .where(MentorRequest.guild_id == guild_id, MentorRequest.id == request_id)
            .with_for_update()
        )
        if row is None:
            raise NotFound("That request no longer exists.")
        if row.mentor_id != mentor_id:
            raise NotAllowed("Only the mentor who was asked can answer this request.")
        if row.status != "pending":
            raise InvalidInput(f"This request is already {row.status}.")
        row.status, row.decided_at = status, self._clock.now()
        row.pending_slot, row.open_pair = None, None
        return row

    async def decline(self, guild_id: int, request_id: int, mentor_id: int) -> RequestInfo:
        async with self._database.write() as session:
            row = await self._decide(session, guild_id, request_id, mentor_id, "declined")
            return from_row(RequestInfo, row)

    async def accept(self, guild_id: int, request_id: int, mentor_id: int) -> Introduction:
        async with self._database.write() as session:
            await ensure_guild(session, guild_id, self._clock.now())
            row = await self._decide(session, guild_id, request_id, mentor_id, "accepted")
            offer = await session.get(MentorOffer, (guild_id, mentor_id), with_for_update=True)
            if offer is None or await _active_count(session, guild_id, mentor_id) >= offer.capacity:
                raise NotAllowed(
                    "You have no free place: raise your capacity with `/mentor offer` or end a "
                    "mentorship first."
                )
            if await is_blocked(session, guild_id, row.mentee_id, mentor_id):
                raise NotAllowed("You can't accept a request from that member.")
            mentorship = Mentorship(
                guild_id=guild_id,
                mentor_id=mentor_id,
                mentee_id=row.mentee_id,
                request_id=row.id,
                active_pair=f"{mentor_id}:{row.mentee_id}",
                started_at=self._clock.now(),
            )
            try:
                async with session.begin_nested():
                    session.add(mentorship)
            except IntegrityError:
                raise InvalidInput("You are already mentoring that member.") from None
            request = from_row(RequestInfo, row)
        mentor = await self._profiles.get(guild_id, mentor_id)
        mentee = await self._profiles.get(guild_id, request.mentee_id)
        ideas = starters([mentor, mentee], self._profiles.skill_names)
        return Introduction(mentorship.id, request, mentor.public(), mentee.public(), ideas)

    async def set_thread(self, guild_id: int, mentorship_id: int, thread_id: int) -> None:
        async with self._database.write() as session:
            await session.execute(
                update(Mentorship)
                .where(Mentorship.guild_id == guild_id, Mentorship.id == mentorship_id)
                .values(thread_id=thread_id)
            )

    async def _running(
        self, session: AsyncSession, guild_id: int, user_id: int, other_id: int
    ) -> Mentorship:
        row = await session.scalar(
            select(Mentorship)
            .where(
                Mentorship.guild_id == guild_id,
                Mentorship.ended_at.is_(None),
                or_(
                    (Mentorship.mentor_id == user_id) & (Mentorship.mentee_id == other_id),
                    (Mentorship.mentor_id == other_id) & (Mentorship.mentee_id == user_id),
                ),
            )
            .with_for_update()
        )
        if row is None:
            raise NotFound("You have no running mentorship with that member.")
        return row

    async def sign_off(self, guild_id: int, mentor_id: int, mentee_id: int, skill: str) -> str:
        """The mentor confirms a skill the mentee has shown: verified on their skill map."""
        names = self._profiles.skill_names
        if skill not in names:
            raise InvalidInput("Pick a skill from the skill map.")
        async with self._database.write() as session:
            row = await self._running(session, guild_id, mentor_id, mentee_id)
            if row.mentor_id != mentor_id:
                raise NotAllowed("Only the mentor can sign off a skill.")
        await self._career.verify_skill(guild_id, mentee_id, skill, "mentor sign-off")
        return names[skill]

    async def end(self, guild_id: int, user_id: int, other_id: int) -> Pairing:
        async with self._database.write() as session:
            await ensure_guild(session, guild_id, self._clock.now())
            row = await self._running(session, guild_id, user_id, other_id)
            row.ended_at, row.ended_by, row.active_pair = self._clock.now(), user_id, None
            return from_row(Pairing, row)

    async def lapse_requests(
        self, now: datetime, owns: Callable[[int], bool] | None = None, limit: int = 100
    ) -> list[RequestInfo]:
        """Requests nobody answered within ``REQUEST_EXPIRY`` lapse (status "expired"); the
        ones this call lapsed are returned, once, for their mentees to be told. ``owns``
        limits the work to this process's guilds."""
        stale = (
            MentorRequest.status == "pending",
            MentorRequest.created_at < now - REQUEST_EXPIRY,
        )
        async with self._database.read() as session:
            rows = await session.execute(
                select(MentorRequest.id, MentorRequest.guild_id)
                .where(*stale)
                .order_by(MentorRequest.created_at)
                .limit(limit)
            )
            ids = [id_ for id_, guild_id in rows.all() if owns is None or owns(guild_id)]
        if not ids:
            return []
        async with self._database.write() as session:
            lapsed = await session.scalars(
                update(MentorRequest)
                .where(MentorRequest.id.in_(ids), *stale)
                .values(status="expired", pending_slot=None, open_pair=None, decided_at=now)
                .returning(MentorRequest)
            )
            return [from_row(RequestInfo, row) for row in lapsed]

    async def mine(self, guild_id: int, user_id: int) -> tuple[list[Pairing], list[RequestInfo]]:
        """The member's mentorships (running first, newest first) and their requests."""
        async with self._database.read() as session:
            pairings = await session.scalars(
                select(Mentorship)
                .where(
                    Mentorship.guild_id == guild_id,
                    or_(Mentorship.mentor_id == user_id, Mentorship.mentee_id == user_id),
                )
                .order_by(Mentorship.ended_at.is_not(None), Mentorship.id.desc())
            )
            requests = await session.scalars(
                select(MentorRequest)
                .where(
                    MentorRequest.guild_id == guild_id,
                    or_(MentorRequest.mentee_id == user_id, MentorRequest.mentor_id == user_id),
                )
                .order_by(MentorRequest.id.desc())
                .limit(20)
            )
            return [from_row(Pairing, row) for row in pairings], [
                from_row(RequestInfo, r) for r in requests
            ]
