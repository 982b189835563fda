"""Writes to the skill map, the one record of a member's skills (the profile and mentor
matching read it too): states a member sets, and skills verified by peer evidence."""

import functools
from datetime import datetime
from enum import StrEnum

from sqlalchemy import Connection, Executable, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.upsert import insert_of, insert_or_update
from bot.models.careers import SkillProgress
from bot.services.core.guild_settings import ensure_guild, ensure_guild_now

KEYS = ("guild_id", "user_id", "skill_id")


class SkillState(StrEnum):
    NOT_STARTED = "not-started"
    LEARNING = "learning"
    DONE = "done"
    SKIPPED = "skipped"


_EVIDENCE = select(SkillProgress.state, SkillProgress.verified_by).where(
    SkillProgress.guild_id == bindparam("guild_id"),
    SkillProgress.user_id == bindparam("user_id"),
    SkillProgress.skill_id == bindparam("skill_id"),
)


@functools.cache
def _verified(dialect: str) -> Executable:
    """The upsert that marks a skill done on some evidence, built once per dialect."""
    columns = SkillProgress.__table__.c
    keys = {name: bindparam(name, type_=columns[name].type) for name in KEYS}
    done = {
        "state": SkillState.DONE.value,
        "verified_by": bindparam("source", type_=columns.verified_by.type),
        "updated_at": bindparam("now", type_=columns.updated_at.type),
    }
    return (
        insert_of(dialect)(SkillProgress)
        .values(keys | done)
        .on_conflict_do_update(index_elements=list(keys), set_=done)
    )


def verify_now(
    connection: Connection, guild_id: int, user_id: int, skill_id: str, source: str, now: datetime
) -> None:
    """Inside the caller's unit of work: the skill is done, with ``source`` as its peer
    evidence (a mentor's sign-off, votes or feedback from other members on an entry).
    Evidence already on record writes nothing, so the guild's cached data stays valid."""
    keys = {"guild_id": guild_id, "user_id": user_id, "skill_id": skill_id}
    if connection.execute(_EVIDENCE, keys).first() == (SkillState.DONE.value, source):
        return
    ensure_guild_now(connection, guild_id, now)  # the pool of open mentors may move
    connection.execute(_verified(connection.dialect.name), keys | {"source": source, "now": now})


async def verify(
    session: AsyncSession, guild_id: int, user_id: int, skill_id: str, source: str, now: datetime
) -> None:
    """``verify_now`` inside the caller's session."""
    await session.run_sync(
        lambda sync: verify_now(sync.connection(), guild_id, user_id, skill_id, source, now)
    )


async def set_states(
    session: AsyncSession,
    guild_id: int,
    user_id: int,
    states: dict[str, SkillState],
    now: datetime,
) -> None:
    """Inside the caller's unit of work: set skills' states. A verification stays only
    while the skill stays done."""
    if states:
        await ensure_guild(session, guild_id, now)  # the pool of open mentors may move
    for skill_id, state in states.items():
        values: dict[str, object] = {"state": state.value, "updated_at": now}
        if state is not SkillState.DONE:
            values["verified_by"] = None
        await insert_or_update(
            session,
            SkillProgress,
            keys={"guild_id": guild_id, "user_id": user_id, "skill_id": skill_id},
            insert_values={"verified_by": None},
            update_values=values,
        )
