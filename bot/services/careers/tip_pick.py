"""Tip cards and the parts of picking one: guild tips' ids, the statements of ``/career tip``
(built once: building one costs more than running it) and the words of a member's choice."""

import functools
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Executable, Select, bindparam, select

from bot.content.career import Level
from bot.db.upsert import insert_of
from bot.models.careers import GuildTip, SeenTip
from bot.numbers import parse_number

GUILD_TIP_PREFIX = "g"


@dataclass(frozen=True, slots=True)
class TipCard:
    id: str
    topic: str
    level: Level
    text: str
    from_guild: bool = False
    note: str = ""
    """Why this tip, when it is not simply the next unseen one of the choice."""


SEEN_TIPS = select(SeenTip.tip_id).where(
    SeenTip.guild_id == bindparam("guild_id"), SeenTip.user_id == bindparam("user_id")
)


@functools.cache
def guild_tips_query(by_topic: bool, by_level: bool) -> Select[int, str, str, str]:
    query = select(GuildTip.id, GuildTip.topic, GuildTip.level, GuildTip.text).where(
        GuildTip.guild_id == bindparam("guild_id")
    )
    if by_topic:
        query = query.where(GuildTip.topic == bindparam("topic"))
    if by_level:
        query = query.where(GuildTip.level == bindparam("level"))
    return query.order_by(GuildTip.id)


@functools.cache
def record_seen(dialect: str) -> Executable:
    return insert_of(dialect)(SeenTip).on_conflict_do_nothing()


class _TipRow(Protocol):
    """A guild tip's row: the ORM object or a row of its columns."""

    id: int
    topic: str
    level: str
    text: str


def guild_card(row: _TipRow) -> TipCard:
    return TipCard(f"{GUILD_TIP_PREFIX}{row.id}", row.topic, Level(row.level), row.text, True)


def neighbours(level: Level) -> list[Level]:
    """The levels next to ``level``, the easier one first."""
    order = list(Level)
    at = order.index(level)
    return [order[i] for i in (at - 1, at + 1) if 0 <= i < len(order)]


def describe_choice(topic: str | None, level: Level | None) -> str:
    """``"beginner tip on mixing"``, ``"tip"``: the choice, as a member made it."""
    words = [level.value] if level else []
    return " ".join([*words, "tip"]) + (f" on {topic}" if topic else "")


def guild_tip_number(tip_id: str) -> int | None:
    if not tip_id.startswith(GUILD_TIP_PREFIX):
        return None
    return parse_number(tip_id.removeprefix(GUILD_TIP_PREFIX))
