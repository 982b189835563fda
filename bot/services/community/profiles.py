"""Producer profiles: what members do, know, want to learn and are looking for; what they
keep private; conversation starters from what two members share; remembered closed DMs."""

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.content import Content
from bot.db.engine import Database
from bot.db.upsert import insert_or_update
from bot.errors import InvalidInput, NotFound
from bot.models.community import Profile
from bot.services.careers.progress import SkillState, set_states
from bot.services.community.profile_rows import (
    read_card_extras,
    read_profile_rows,
    read_skill_sets,
    skill_sets,
)
from bot.services.core.guild_settings import ensure_guild, validate_timezone


def _slugged(names: str) -> dict[str, str]:
    """``"Mix engineer|DJ"`` as ``{"mix-engineer": "Mix engineer", "dj": "DJ"}``."""
    return {re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"): name for name in names.split("|")}


ROLES = _slugged(
    "Beatmaker|Mix engineer|Mastering engineer|Recording engineer|Songwriter|Topliner|"
    "Vocalist|Instrumentalist|Sound designer|Composer|DJ|Artist"
)
GENRES = _slugged(
    "Hip-hop|Trap|R&B|Pop|House|Techno|Drum & bass|Dubstep|Lo-fi|Ambient|Rock|Indie|Metal|"
    "Jazz|Soul|Funk|Afrobeats|Latin|Country|Classical|Film & TV|Game audio|Experimental"
)
DAWS = _slugged(
    "Ableton Live|FL Studio|Logic Pro|Pro Tools|Cubase|Studio One|Reaper|Bitwig Studio|"
    "Reason|GarageBand|Cakewalk|Other"
)
EXPERIENCE = {
    "beginner": "Beginner (under a year)",
    "intermediate": "Intermediate (1 to 3 years)",
    "advanced": "Advanced (3 to 7 years)",
    "professional": "Professional (7+ years)",
}
LOOKING_FOR = {
    "mentor": "A mentor",
    "mentee": "Mentees",
    "collaborators": "Collaborators",
    "feedback": "Feedback on my music",
}
PRIVATE_FIELDS = {
    "timezone": "Time zone",
    "experience": "Experience",
    "links": "Portfolio links",
    "looking_for": "What I'm looking for",
}
BIO_MAX = 300
LINK_MAX = 200
MAX_LINKS = 3
T = TypeVar("T")
_OFFSET = re.compile(
    r"^(?:utc|gmt)\s*([+-])\s*(\d{1,2})(?::?([0-5]\d))?$", re.IGNORECASE | re.ASCII
)


@dataclass(frozen=True, slots=True)
class Person:
    """What matching knows of a member; the time zone as an offset in hours from UTC."""

    user_id: int
    skills: frozenset[str] = frozenset()
    goals: frozenset[str] = frozenset()
    genres: frozenset[str] = frozenset()
    daws: frozenset[str] = frozenset()
    utc_offset: float | None = None
    experience: int | None = None


@dataclass(frozen=True, slots=True)
class Matchable:
    """A member as matching sees them, and which of their profile fields are private."""

    person: Person
    private: frozenset[str]


MATCHING_COLUMNS = (
    Profile.user_id,
    Profile.genres,
    Profile.daws,
    Profile.timezone,
    Profile.experience,
    Profile.private_fields,
)


@dataclass(frozen=True, slots=True)
class MentorCandidate:
    person: Person
    topics: frozenset[str]
    free_places: int
    paused: bool = False


def hours_apart(a: float | None, b: float | None) -> float | None:
    """Distance between two UTC offsets around the clock (0 to 12 hours)."""
    if a is None or b is None:
        return None
    gap = abs(a - b) % 24
    return min(gap, 24 - gap)


def from_row(cls: type[T], row: object, **extra: object) -> T:
    """A dataclass of plain values from an ORM row's attributes of the same names (JSON
    lists become tuples)."""
    values = {f.name: getattr(row, f.name) for f in fields(cls) if hasattr(row, f.name)}  # type: ignore[arg-type]
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in values.items()}
    return cls(**values, **extra)


@dataclass(frozen=True, slots=True)
class ProfileInfo:
    guild_id: int
    user_id: int
    roles: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()
    genres: tuple[str, ...] = ()
    daws: tuple[str, ...] = ()
    experience: str | None = None
    timezone: str | None = None
    looking_for: tuple[str, ...] = ()
    bio: str = ""
    links: tuple[str, ...] = ()
    private_fields: tuple[str, ...] = ()
    hidden: bool = False
    exists: bool = False

    def public(self) -> "ProfileInfo":
        """What other members may see: private fields emptied."""
        return replace(
            self,
            timezone=None if "timezone" in self.private_fields else self.timezone,
            experience=None if "experience" in self.private_fields else self.experience,
            links=() if "links" in self.private_fields else self.links,
            looking_for=() if "looking_for" in self.private_fields else self.looking_for,
        )


@dataclass(frozen=True, slots=True)
class ProfileCard:
    """A profile as ``viewer`` may see it, with what the bot adds to it."""

    profile: ProfileInfo
    own: bool
    producer_type: str | None
    mentor_topics: tuple[str, ...] = ()
    mentor_paused: bool = False
    mentored: int = 0
    private_shown: tuple[str, ...] = ()


def parse_timezone(text: str) -> str:
    """An IANA zone (``Europe/Berlin``) or a UTC offset (``UTC+5:30``), normalised."""
    match = _OFFSET.match(text.strip())
    if match is None:
        return validate_timezone(text)
    sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3) or 0)
    if hours > 14:
        raise InvalidInput("A UTC offset lies between UTC-12 and UTC+14.")
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


def utc_offset(timezone: str | None, now: datetime) -> float | None:
    """Hours ahead of UTC at ``now`` (daylight saving included), or None if unknown."""
    if not timezone:
        return None
    match = _OFFSET.match(timezone)
    if match:
        hours = int(match.group(2)) + int(match.group(3) or 0) / 60
        return hours if match.group(1) == "+" else -hours
    offset = now.astimezone(ZoneInfo(timezone)).utcoffset()
    return offset.total_seconds() / 3600 if offset is not None else None


def check_link(text: str) -> str:
    link = text.strip()
    parts = urlsplit(link)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in link:
        raise InvalidInput(f"`{link[:80]}` is not a web link: start it with https://")
    if len(link) > LINK_MAX:
        raise InvalidInput(f"Keep each link under {LINK_MAX} characters.")
    return link


def _choose(values: Sequence[str], allowed: dict[str, str] | set[str], what: str) -> list[str]:
    unknown = [value for value in values if value not in allowed]
    if unknown:
        raise InvalidInput(f"I don't know the {what} {', '.join(unknown)[:200]}.")
    return list(dict.fromkeys(values))


_MATCHING = select(*MATCHING_COLUMNS).where(
    Profile.guild_id == bindparam("guild_id"), Profile.user_id.in_(bindparam("ids", expanding=True))
)
"""Built once: building a statement costs more than running it on SQLite."""


GENERAL_STARTERS = (
    "What are you working on this week, and where are you stuck?",
    "Which record made you want to make music?",
    "What's one part of your workflow you'd like to fix?",
)


def starters(members: Sequence[ProfileInfo], skill_names: dict[str, str]) -> list[str]:
    """Three conversation starters drawn from what the members share (public fields only),
    the most specific first, topped up with general ones."""
    shown = [member.public() for member in members]
    found = []
    for a, b in itertools.combinations(shown, 2):
        for teacher, learner in ((a, b), (b, a)):
            for skill in sorted(set(teacher.skills) & set(learner.goals))[:1]:
                found.append(
                    f"<@{teacher.user_id}> knows {skill_names.get(skill, skill)} and "
                    f"<@{learner.user_id}> wants to learn it: what's the first thing to get right?"
                )
        for genre in sorted(set(a.genres) & set(b.genres))[:1]:
            found.append(f"You both make {GENRES[genre]}: which track in it do you wish was yours?")
        for daw in sorted(set(a.daws) & set(b.daws) - {"other"})[:1]:
            found.append(f"You both use {DAWS[daw]}: swap one shortcut or trick you rely on.")
        for skill in sorted(set(a.goals) & set(b.goals))[:1]:
            name = skill_names.get(skill, skill)
            found.append(f"You both want to learn {name}: share one resource that helped so far.")
        if "collaborators" in set(a.looking_for) & set(b.looking_for):
            found.append("You're both open to collaborating: what would a small first project be?")
    return list(dict.fromkeys([*found, *GENERAL_STARTERS]))[:3]


class ProfileService:
    def __init__(self, database: Database, clock: Clock, content: Content) -> None:
        self._database = database
        self._clock = clock
        self._skills = {skill.id: skill.name for skill in content.career.skills}
        self._quiz = content.quiz

    @property
    def skill_names(self) -> dict[str, str]:
        return dict(self._skills)

    async def get(self, guild_id: int, user_id: int) -> ProfileInfo:
        async with self._database.read() as session:
            return (await self.infos(session, guild_id, [user_id]))[0]

    async def infos(
        self, session: AsyncSession, guild_id: int, ids: Sequence[int]
    ) -> list[ProfileInfo]:
        """Profiles of ``ids`` in that order (members without one get an empty one, with
        the skills of their skill map)."""
        return await session.run_sync(
            lambda sync: self.read_infos(sync.connection(), guild_id, ids)
        )

    def read_infos(
        self, connection: Connection, guild_id: int, ids: Sequence[int]
    ) -> list[ProfileInfo]:
        """``infos`` inside a unit of work on a Core connection (rows, no ORM objects)."""
        rows = read_profile_rows(connection, guild_id, ids)
        sets = read_skill_sets(connection, guild_id, ids, list(self._skills))
        result = []
        for user_id in ids:
            skills, goals = sets.get(user_id, ((), ()))
            row = rows.get(user_id)
            result.append(
                from_row(ProfileInfo, row, exists=True, skills=skills, goals=goals)
                if row is not None
                else ProfileInfo(guild_id, user_id, skills=skills, goals=goals)
            )
        return result

    async def matchables(
        self, session: AsyncSession, guild_id: int, ids: Sequence[int]
    ) -> list[Matchable]:
        """Matching data of ``ids`` in that order (members without a profile get an empty
        one), read as the few columns matching needs rather than whole profiles."""
        return await session.run_sync(
            lambda sync: self.read_matchables(sync.connection(), guild_id, ids)
        )

    def read_matchables(
        self, connection: Connection, guild_id: int, ids: Sequence[int]
    ) -> list[Matchable]:
        """``matchables`` inside a unit of work on a Core connection."""
        now, levels = self._clock.now(), {name: index for index, name in enumerate(EXPERIENCE)}
        offsets: dict[str | None, float | None] = {}  # members share a few dozen zones
        found: dict[int, Matchable] = {}
        skills = read_skill_sets(connection, guild_id, ids, list(self._skills))
        for start in range(0, len(ids), 500):
            rows = connection.execute(
                _MATCHING, {"guild_id": guild_id, "ids": ids[start : start + 500]}
            )
            for user, genres, daws, zone, experience, private in rows.all():
                has, wants = skills.get(user, ((), ()))
                sets = (frozenset(has), frozenset(wants), frozenset(genres), frozenset(daws))
                level = levels.get(experience) if experience else None
                if zone not in offsets:
                    offsets[zone] = utc_offset(zone, now)
                person = Person(user, *sets, offsets[zone], level)
                found[user] = Matchable(person, frozenset(private))

        def alone(user: int) -> Matchable:
            has, wants = skills.get(user, ((), ()))
            return Matchable(Person(user, frozenset(has), frozenset(wants)), frozenset())

        return [found.get(i) or alone(i) for i in ids]

    async def persons(
        self, session: AsyncSession, guild_id: int, ids: Sequence[int]
    ) -> list[Person]:
        """Matching data for ``ids``, in that order."""
        return [match.person for match in await self.matchables(session, guild_id, ids)]

    @staticmethod
    async def _upsert(
        session: AsyncSession,
        guild_id: int,
        user_id: int,
        values: dict[str, object],
        now: datetime,
    ) -> None:
        await ensure_guild(session, guild_id, now)  # the pool of open mentors may move
        await insert_or_update(
            session,
            Profile,
            keys={"guild_id": guild_id, "user_id": user_id},
            insert_values={"created_at": now},
            update_values={**values, "updated_at": now},
        )

    async def _save(self, guild_id: int, user_id: int, values: dict[str, object]) -> ProfileInfo:
        async with self._database.write() as session:
            await self._upsert(session, guild_id, user_id, values, self._clock.now())
        return await self.get(guild_id, user_id)

    async def save_about(
        self,
        guild_id: int,
        user_id: int,
        roles: Sequence[str],
        experience: str | None,
        timezone: str,
        bio: str,
    ) -> ProfileInfo:
        bio = " ".join(bio.split())
        if len(bio) > BIO_MAX:
            raise InvalidInput(f"Keep your bio under {BIO_MAX} characters.")
        if experience is not None and experience not in EXPERIENCE:
            raise InvalidInput("Pick an experience level from the list.")
        values: dict[str, object] = {
            "roles": _choose(roles, ROLES, "role"),
            "experience": experience,
            "timezone": parse_timezone(timezone) if timezone.strip() else None,
            "bio": bio,
        }
        return await self._save(guild_id, user_id, values)

    async def save_skills(
        self,
        guild_id: int,
        user_id: int,
        skills: Sequence[str],
        goals: Sequence[str],
        looking_for: Sequence[str],
    ) -> ProfileInfo:
        """The profile's skills are the skill map's: what the member has is marked done
        (a verification stays), what they learn is marked learning, and a skill taken off
        both lists goes back to not started."""
        has = _choose(skills, self._skills, "skill")
        wants = [skill for skill in _choose(goals, self._skills, "skill") if skill not in has]
        values: dict[str, object] = {"looking_for": _choose(looking_for, LOOKING_FOR, "choice")}
        now = self._clock.now()
        async with self._database.write() as session:
            before = await skill_sets(session, guild_id, [user_id], [])
            had, wanted = before.get(user_id, ((), ()))
            states = {s: SkillState.NOT_STARTED for s in (*had, *wanted) if s not in has + wants}
            states |= {skill: SkillState.DONE for skill in has if skill not in had}
            states |= {skill: SkillState.LEARNING for skill in wants if skill not in wanted}
            await self._upsert(session, guild_id, user_id, values, now)
            await set_states(session, guild_id, user_id, states, now)
        return await self.get(guild_id, user_id)

    async def save_scene(
        self, guild_id: int, user_id: int, genres: Sequence[str], daws: Sequence[str]
    ) -> ProfileInfo:
        values: dict[str, object] = {
            "genres": _choose(genres, GENRES, "genre"),
            "daws": _choose(daws, DAWS, "DAW"),
        }
        return await self._save(guild_id, user_id, values)

    async def save_links(self, guild_id: int, user_id: int, links: Sequence[str]) -> ProfileInfo:
        checked = [check_link(link) for link in links if link.strip()]
        if len(checked) > MAX_LINKS:
            raise InvalidInput(f"Up to {MAX_LINKS} portfolio links, please.")
        return await self._save(guild_id, user_id, {"links": checked})

    async def save_privacy(
        self, guild_id: int, user_id: int, hidden: bool, private_fields: Sequence[str]
    ) -> ProfileInfo:
        values: dict[str, object] = {
            "hidden": hidden,
            "private_fields": _choose(private_fields, PRIVATE_FIELDS, "field"),
        }
        return await self._save(guild_id, user_id, values)

    async def delete(self, guild_id: int, user_id: int) -> None:
        async with self._database.write() as session:
            await ensure_guild(session, guild_id, self._clock.now())
            result = await session.execute(
                delete(Profile).where(Profile.guild_id == guild_id, Profile.user_id == user_id)
            )
            if result.rowcount == 0:  # type: ignore[attr-defined]  # rolls the version back
                raise NotFound("You have no profile here to delete.")

    async def card(self, guild_id: int, user_id: int, viewer_id: int) -> ProfileCard:
        """The profile of ``user_id`` as ``viewer_id`` may see it (one unit of work, one hop
        to the database)."""
        own = user_id == viewer_id

        def read(connection: Connection) -> ProfileCard:
            [profile] = self.read_infos(connection, guild_id, [user_id])
            if not own and (profile.hidden or not profile.exists):
                raise NotFound("That member has no public profile here.")
            extras = read_card_extras(connection, guild_id, user_id)
            latest = extras.producer_type
            return ProfileCard(
                profile if own else profile.public(),
                own,
                self._quiz.type(latest).name if latest else None,
                extras.mentor_topics,
                extras.mentor_paused,
                extras.mentored,
                profile.private_fields if own else (),
            )

        return await self._database.run(read)
