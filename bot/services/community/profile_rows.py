"""The rows a profile card reads: profiles, skill sets from the skill map, and what the bot
adds (mentor offer, mentees, producer type). Hot statements are built once: building one
costs more than running it on SQLite."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models.careers import SkillProgress
from bot.models.community import MentorOffer, Mentorship, Profile
from bot.models.quiz import TypeQuizResult
from bot.services.careers.progress import SkillState

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


_SKILLS = select(SkillProgress.user_id, SkillProgress.skill_id, SkillProgress.state).where(
    SkillProgress.guild_id == bindparam("guild_id"),
    SkillProgress.user_id.in_(bindparam("ids", expanding=True)),
    SkillProgress.state.in_([SkillState.DONE.value, SkillState.LEARNING.value]),
)
_PROFILES = select(*Profile.__table__.columns).where(
    Profile.guild_id == bindparam("guild_id"), Profile.user_id.in_(bindparam("ids", expanding=True))
)
_OFFER = select(MentorOffer.topics, MentorOffer.paused).where(
    MentorOffer.guild_id == bindparam("guild_id"), MentorOffer.user_id == bindparam("user_id")
)
_MENTORED = select(func.count()).where(
    Mentorship.guild_id == bindparam("guild_id"), Mentorship.mentor_id == bindparam("user_id")
)
_LATEST_TYPE = (
    select(TypeQuizResult.primary_type)
    .where(
        TypeQuizResult.guild_id == bindparam("guild_id"),
        TypeQuizResult.user_id == bindparam("user_id"),
    )
    .order_by(TypeQuizResult.id.desc())
    .limit(1)
)


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
    for start in range(0, len(ids), 500):
        rows = connection.execute(_SKILLS, {"guild_id": guild_id, "ids": ids[start : start + 500]})
        for user_id, skill_id, state in rows.all():
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
    rows: dict[int, Row[Any]] = {}
    for start in range(0, len(ids), 500):
        batch = connection.execute(
            _PROFILES, {"guild_id": guild_id, "ids": ids[start : start + 500]}
        )
        rows.update((row.user_id, row) for row in batch)
    return rows


def read_card_extras(connection: Connection, guild_id: int, user_id: int) -> CardExtras:
    keys = {"guild_id": guild_id, "user_id": user_id}
    offer = connection.execute(_OFFER, keys).first()
    mentored = connection.scalar(_MENTORED, keys)
    return CardExtras(
        tuple(offer.topics) if offer else (),
        offer.paused if offer else False,
        mentored or 0,
        connection.scalar(_LATEST_TYPE, keys),
    )
