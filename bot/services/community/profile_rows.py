"""The rows a profile card reads: profiles, skill sets from the skill map, and what the bot
adds (mentor offer, mentees, producer type). Hot statements are built once: building one
costs more than running it on SQLite."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVarTuple

from sqlalchemy import Connection, Row, Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.models.careers import SkillProgress
from bot.models.community import MentorOffer, Mentorship, Profile
from bot.models.quiz import TypeQuizResult
from bot.services.careers.progress import SkillState

Ts = TypeVarTuple("Ts")

SkillSets = dict[int, tuple[tuple[str, ...], tuple[str, ...]]]
"""Per member: the skills done and the skills being learnt, in the skill map's order."""


@dataclass(frozen=True, slots=True)
class CardExtras:
    """What a profile card shows beside the profile itself."""

    mentor_topics: tuple[str, ...]
    mentor_paused: bool
    mentored: int
    producer_type: str | None
    """The id of the member's latest producer type, if they took the quiz."""


def _per_member(
    statement: Select[*Ts], member: InstrumentedAttribute[int]
) -> tuple[Select[*Ts], Select[*Ts]]:
    """``statement`` for a list of members (``ids``) and for one (``user_id``): an expanding
    ``IN`` is rendered again on every call, which costs more than the read of one member."""
    return (
        statement.where(member.in_(bindparam("ids", expanding=True))),
        statement.where(member == bindparam("user_id")),
    )


_SKILLS = _per_member(
    select(SkillProgress.user_id, SkillProgress.skill_id, SkillProgress.state).where(
        SkillProgress.guild_id == bindparam("guild_id"),
        SkillProgress.state.in_([SkillState.DONE.value, SkillState.LEARNING.value]),
    ),
    SkillProgress.user_id,
)
_PROFILES = _per_member(
    select(*Profile.__table__.columns).where(Profile.guild_id == bindparam("guild_id")),
    Profile.user_id,
)
_OFFER = (MentorOffer.guild_id == bindparam("guild_id")) & (
    MentorOffer.user_id == bindparam("user_id")
)
_EXTRAS = select(
    select(MentorOffer.topics).where(_OFFER).scalar_subquery(),
    select(MentorOffer.paused).where(_OFFER).scalar_subquery(),
    select(func.count())
    .where(
        Mentorship.guild_id == bindparam("guild_id"),
        Mentorship.mentor_id == bindparam("user_id"),
    )
    .scalar_subquery(),
    select(TypeQuizResult.primary_type)
    .where(
        TypeQuizResult.guild_id == bindparam("guild_id"),
        TypeQuizResult.user_id == bindparam("user_id"),
    )
    .order_by(TypeQuizResult.id.desc())
    .limit(1)
    .scalar_subquery(),
)
"""A card's extras in one statement: the offer's topics and pause, the mentees, the type."""


def _rows_of(
    connection: Connection,
    statements: tuple[Select[*Ts], Select[*Ts]],
    guild_id: int,
    ids: Sequence[int],
) -> Iterator[Row[*Ts]]:
    """The rows ``statements`` (from ``_per_member``) give for ``ids``, 500 members a call."""
    many, one = statements
    if len(ids) == 1:
        yield from connection.execute(one, {"guild_id": guild_id, "user_id": ids[0]})
        return
    for start in range(0, len(ids), 500):
        yield from connection.execute(many, {"guild_id": guild_id, "ids": ids[start : start + 500]})


async def skill_sets(
    session: AsyncSession, guild_id: int, ids: Sequence[int], order: Sequence[str]
) -> SkillSets:
    """What members have and are learning, read from the skill map: the one record of a
    member's skills (``/career mark``, the profile form, verifications all write there)."""
    return await session.run_sync(
        lambda sync: read_skill_sets(sync.connection(), guild_id, ids, order)
    )


def read_skill_sets(
    connection: Connection, guild_id: int, ids: Sequence[int], order: Sequence[str]
) -> SkillSets:
    """``skill_sets`` inside a unit of work on a Core connection."""
    rank = {skill_id: index for index, skill_id in enumerate(order)}
    found: dict[int, tuple[list[str], list[str]]] = {}
    for user_id, skill_id, state in _rows_of(connection, _SKILLS, guild_id, ids):
        has, wants = found.setdefault(user_id, ([], []))
        (has if state == SkillState.DONE.value else wants).append(skill_id)
    return {
        user_id: (
            tuple(sorted(has, key=lambda s: rank.get(s, len(rank)))),
            tuple(sorted(wants, key=lambda s: rank.get(s, len(rank)))),
        )
        for user_id, (has, wants) in found.items()
    }


def read_profile_rows(
    connection: Connection, guild_id: int, ids: Sequence[int]
) -> dict[int, Row[Any]]:
    """The profile rows of ``ids`` (those who have one), by member."""
    return {row.user_id: row for row in _rows_of(connection, _PROFILES, guild_id, ids)}


def read_card_extras(connection: Connection, guild_id: int, user_id: int) -> CardExtras:
    keys = {"guild_id": guild_id, "user_id": user_id}
    topics, paused, mentored, producer_type = connection.execute(_EXTRAS, keys).one()
    return CardExtras(tuple(topics or ()), bool(paused), mentored, producer_type)
