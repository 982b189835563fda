"""Difficulty is earned: each member climbs a staircase per ear-training kind.

Two right answers in a row at the current level move the member up to the next, finer
level; a miss (or no answer in time) moves them down to the coarser one before it. This
2-down/1-up rule settles at the level a member gets right about 71 % of the time, the
usual target of listening tests. Only answers at the member's current level move them:
a review of an older question, or a live round's question, leaves the staircase as it is.
"""

import functools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Executable, bindparam, select, update

from bot.db.engine import Database
from bot.db.upsert import insert_of
from bot.models.quiz import EarLevel
from bot.services.quiz.ear import KINDS, EarSpec

UP_AFTER = 2
"""Right answers in a row that move a member up a level."""


@dataclass(frozen=True, slots=True)
class Climb:
    level: int
    streak: int
    best: int


def step(now: Climb, correct: bool, top: int) -> Climb:
    """Where one answer at the current level takes a member on a staircase of ``top`` levels."""
    if not correct:
        return Climb(max(now.level - 1, 1), 0, now.best)
    if now.streak + 1 < UP_AFTER:
        return Climb(now.level, now.streak + 1, now.best)
    return Climb(min(now.level + 1, top), 0, max(now.best, now.level))


@dataclass(frozen=True, slots=True)
class Standing:
    """A member's place on one kind's staircase, for ``/quiz stats``."""

    kind: str
    name: str
    level: int
    top: int
    best: int
    answered: int

    @property
    def now_asks(self) -> str:
        return KINDS[self.kind].levels[self.level - 1].asks

    @property
    def best_asks(self) -> str | None:
        return KINDS[self.kind].levels[self.best - 1].asks if self.best else None


_OF_MEMBER = (EarLevel.guild_id == bindparam("guild")) & (EarLevel.user_id == bindparam("user"))
_LEVELS = select(EarLevel.kind, EarLevel.level).where(_OF_MEMBER)
_ON_KIND = _OF_MEMBER & (EarLevel.kind == bindparam("on_kind"))
_CLIMB = select(EarLevel.level, EarLevel.streak, EarLevel.best).where(_ON_KIND).with_for_update()
_MOVE = (
    update(EarLevel)
    .where(_ON_KIND)
    .values(
        level=bindparam("new_level"),
        streak=bindparam("new_streak"),
        best=bindparam("new_best"),
        answered=EarLevel.answered + 1,
        updated_at=bindparam("at"),
    )
)


@functools.cache
def _first_step(dialect: str) -> Executable:
    """A member's place at the foot of a kind's staircase, unless they stand on it already;
    built once per dialect."""
    columns = EarLevel.__table__.c
    names = ("guild_id", "user_id", "kind", "updated_at")
    start = {"level": 1, "streak": 0, "best": 0, "answered": 0}
    return (
        insert_of(dialect)(EarLevel)
        .values({name: bindparam(name, type_=columns[name].type) for name in names} | start)
        .on_conflict_do_nothing()
    )


def levels(connection: Connection, guild_id: int, user_id: int) -> dict[str, int]:
    """The level each kind is asked at next for the member (kinds never tried are absent)."""
    rows = connection.execute(_LEVELS, {"guild": guild_id, "user": user_id})
    return {kind: level for kind, level in rows if kind in KINDS}


def record(
    connection: Connection,
    guild_id: int,
    user_id: int,
    spec: EarSpec,
    correct: bool,
    now: datetime,
) -> None:
    """Move the member on ``spec.kind``'s staircase after an answer to ``spec``."""
    keys = {"guild_id": guild_id, "user_id": user_id, "kind": spec.kind, "updated_at": now}
    connection.execute(_first_step(connection.dialect.name), keys)
    on_kind = {"guild": guild_id, "user": user_id, "on_kind": spec.kind}
    row = connection.execute(_CLIMB, on_kind).first()
    if row is None or row.level != spec.level:
        return
    moved = step(Climb(*row), correct, len(KINDS[spec.kind].levels))
    connection.execute(
        _MOVE,
        on_kind
        | {"new_level": moved.level, "new_streak": moved.streak, "new_best": moved.best, "at": now},
    )


class EarLevels:
    """Reads members' staircases."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def standings(self, guild_id: int, user_id: int) -> list[Standing]:
        """The member's place on every kind they have answered, in the kinds' order."""
        async with self._database.read() as session:
            rows = (
                await session.scalars(
                    select(EarLevel).where(
                        EarLevel.guild_id == guild_id, EarLevel.user_id == user_id
                    )
                )
            ).all()
        found = {row.kind: row for row in rows if row.answered}
        return [
            Standing(kind, kind_.name, row.level, len(kind_.levels), row.best, row.answered)
            for kind, kind_ in KINDS.items()
            if (row := found.get(kind)) is not None
        ]
