"""Daily skill challenges: the values every challenge service shares, the errors members
read, and the cadence rules (which local dates are challenge days)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content.challenges import Challenge, Constraints
from bot.errors import NotAllowed, NotFound
from bot.models.challenges import ChallengeConfig, ChallengePost
from bot.models.core import GuildSettings
from bot.services.core.guild_settings import DEFAULT_TIMEZONE

TITLE_MAX = 80
BRIEF_MAX = 700
HOURS_MIN, HOURS_MAX = 1, 168
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
EVERY_DAY = 0b1111111
WORKDAYS = 0b0011111


class NotSetUp(NotFound):
    def __init__(self) -> None:
        super().__init__(
            "Challenges are not set up here yet: a moderator can start them with "
            "`/challenge setup`."
        )


class ChallengeClosed(NotAllowed):
    def __init__(self) -> None:
        super().__init__("This challenge is closed: its deadline has passed.")


@dataclass(frozen=True, slots=True)
class ChallengeCard:
    """What a challenge asks, before it is posted."""

    title: str
    brief: str
    skill: str
    difficulty: str
    hours_to_submit: int
    constraints: str | None = None
    bank_id: str | None = None

    @classmethod
    def from_bank(cls, challenge: Challenge) -> "ChallengeCard":
        return cls(
            challenge.title,
            challenge.brief,
            challenge.skill,
            challenge.difficulty.value,
            challenge.hours_to_submit,
            describe_constraints(challenge.constraints),
            challenge.id,
        )


def describe_constraints(constraints: Constraints | None) -> str | None:
    if constraints is None:
        return None
    parts = [
        f"{constraints.tempo_bpm} BPM" if constraints.tempo_bpm else None,
        f"key of {constraints.key}" if constraints.key else None,
        constraints.length,
        constraints.tools,
    ]
    return " · ".join(part for part in parts if part)


@dataclass(frozen=True, slots=True)
class PostInfo:
    """A posted challenge day of a guild."""

    id: int
    guild_id: int
    local_date: date
    title: str
    brief: str
    skill: str
    difficulty: str
    constraints: str | None
    channel_id: int
    message_id: int | None
    thread_id: int | None
    deadline_at: datetime
    cadence: str = "daily"
    blind: bool = False

    @classmethod
    def of(cls, row: ChallengePost) -> "PostInfo":
        return cls(
            row.id,
            row.guild_id,
            row.local_date,
            row.title,
            row.brief,
            row.skill,
            row.difficulty,
            row.constraints,
            row.channel_id,
            row.message_id,
            row.thread_id,
            row.deadline_at,
            row.cadence,
            row.blind,
        )

    def nonce(self, kind: str) -> str:
        """Deterministic per send: ``kind`` letter, guild, local date (≤ 25 characters)."""
        return f"{kind}{self.guild_id % 10**12}{self.local_date:%y%m%d}"

    @property
    def entries_channel_id(self) -> int:
        """Where entries are re-posted: the challenge's thread, else its channel."""
        return self.thread_id or self.channel_id


POST = select(
    ChallengePost.id,
    ChallengePost.guild_id,
    ChallengePost.local_date,
    ChallengePost.title,
    ChallengePost.brief,
    ChallengePost.skill,
    ChallengePost.difficulty,
    ChallengePost.constraints,
    ChallengePost.channel_id,
    ChallengePost.message_id,
    ChallengePost.thread_id,
    ChallengePost.deadline_at,
    ChallengePost.cadence,
    ChallengePost.blind,
)
"""A challenge day's columns in ``PostInfo``'s order."""


@dataclass(frozen=True, slots=True)
class ChallengeSettings:
    guild_id: int
    channel_id: int
    post_time: str
    timezone: str
    weekdays: int
    paused: bool
    reminder_hours: int | None
    reminder_role_id: int | None
    champion_role_id: int | None
    feedback_required: int
    blind_voting: bool = False

    @classmethod
    def of(cls, row: ChallengeConfig, timezone: str) -> "ChallengeSettings":
        return cls(
            row.guild_id,
            row.channel_id,
            row.post_time,
            timezone,
            row.weekdays,
            row.paused,
            row.reminder_hours,
            row.reminder_role_id,
            row.champion_role_id,
            row.feedback_required,
            row.blind_voting,
        )


def is_challenge_day(weekdays: int, day: date) -> bool:
    return bool(weekdays >> day.weekday() & 1)


def days_to_next(weekdays: int, day: date) -> int:
    """Days from ``day`` to the next challenge day after it (7 for a weekly cadence)."""
    for gap in range(1, 8):
        if is_challenge_day(weekdays, day + timedelta(days=gap)):
            return gap
    return 7


def days_text(weekdays: int) -> str:
    """The cadence in words: "every day", "weekdays", or the list of days."""
    if weekdays == EVERY_DAY:
        return "every day"
    if weekdays == WORKDAYS:
        return "on weekdays (Mon to Fri)"
    names = [name.title() for bit, name in enumerate(WEEKDAY_NAMES) if weekdays >> bit & 1]
    return ("every " if len(names) == 1 else "on ") + ", ".join(names)


def local_today(now: datetime, zone: str) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


async def guild_zone(session: AsyncSession, guild_id: int) -> str:
    zone = await session.scalar(
        select(GuildSettings.timezone).where(GuildSettings.guild_id == guild_id)
    )
    return zone or DEFAULT_TIMEZONE


_POST_BY_ID = POST.where(
    ChallengePost.guild_id == bindparam("guild"), ChallengePost.id == bindparam("post")
)


def post_by_id(connection: Connection, guild_id: int, post_id: int) -> PostInfo:
    """The guild's challenge day ``post_id``, inside the caller's unit of work."""
    row = connection.execute(_POST_BY_ID, {"guild": guild_id, "post": post_id}).first()
    if row is None:
        raise NotFound("That challenge does not exist in this server.")
    return PostInfo(*tuple(row))
