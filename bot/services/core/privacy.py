"""A member's data in a guild: export it, or delete it.

Which columns hold a member is read from the models themselves: every table carries
``guild_id``, and a 64-bit id column that is not a channel, message, thread or role id
holds a member. So a table added later is covered without touching this module.
"""

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Column, Table, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

import bot.models  # noqa: F401  (registers every table)
from bot.clock import Clock
from bot.db.base import Base
from bot.db.changes import mark_changed
from bot.db.engine import Database
from bot.models.community import MentorRequest, Mentorship
from bot.models.quiz import QuizRound
from bot.services.core.guild_settings import ensure_guild

_NOT_A_MEMBER = ("channel_id", "message_id", "thread_id", "role_id", "seed")

RETAINED = {("member_blocks", "blocked_id"), ("member_reports", "reported_id")}
"""Other members' safety records about someone: a block, a report. They belong to the
member who made them and are neither exported to nor deleted by the one they are about."""

OWN_ROW_COLUMNS = {"user_id", "author_id", "voter_id", "reporter_id", "blocker_id", "mentee_id"}
"""A row whose one of these columns is the member is the member's own: it is deleted."""

GUILD_CONTENT = {"guild_tips", "challenge_queue", "quiz_guild_questions"}
"""Moderators write these for their server; a moderator leaving takes only their name."""

ANONYMOUS = 0
"""Stands for a former member in a column that cannot be empty."""


def member_columns(table: Table) -> list[Column[Any]]:
    """The columns of ``table`` that hold a member's id (retained ones left out)."""
    return [
        column
        for column in table.columns
        if isinstance(column.type, BigInteger)
        and column.name != "guild_id"
        and not column.name.endswith(_NOT_A_MEMBER)
        and (table.name, column.name) not in RETAINED
    ]


def _personal_tables() -> list[tuple[Table, list[Column[Any]]]]:
    return [
        (table, columns)
        for table in Base.metadata.sorted_tables
        if "guild_id" in table.c and (columns := member_columns(table))
    ]


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value


@dataclass(frozen=True, slots=True)
class DeletionReport:
    deleted_rows: int
    anonymised_rows: int
    partners: tuple[int, ...] = ()
    """Members whose mentorship or pending request with the deleted member was ended."""


class PrivacyService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database, self._clock = database, clock

    async def export(self, guild_id: int, user_id: int) -> bytes:
        """Every row about the member in this guild, as JSON, table by table."""
        found: dict[str, list[dict[str, Any]]] = {}
        async with self._database.read() as session:
            for table, columns in _personal_tables():
                rows = await session.execute(
                    select(table).where(
                        table.c.guild_id == guild_id, or_(*(c == user_id for c in columns))
                    )
                )
                records = [
                    {key: _plain(value) for key, value in row._mapping.items()} for row in rows
                ]
                if records:
                    found[table.name] = records
        document = {"guild_id": guild_id, "user_id": user_id, "tables": found}
        return json.dumps(document, indent=2, ensure_ascii=False).encode()

    async def delete(self, guild_id: int, user_id: int) -> DeletionReport:
        """Delete the member's own rows in this guild (their progress, entries, words);
        where a row belongs to someone else or to the server and only names them (who
        handled a suggestion, who mentored someone, who wrote a server tip), the name is
        cleared instead."""
        deleted = anonymised = 0
        async with self._database.write() as session:
            await ensure_guild(session, guild_id, self._clock.now())  # cached guild data
            partners = await self._end_pairs(session, guild_id, user_id)
            anonymised += await self._keep_shared_rounds(session, guild_id, user_id)
            for table, columns in reversed(_personal_tables()):
                for column in columns:
                    mine = (table.c.guild_id == guild_id) & (column == user_id)
                    own = column.primary_key or column.name in OWN_ROW_COLUMNS
                    if own and table.name not in GUILD_CONTENT:
                        result = await session.execute(delete(table).where(mine))
                        deleted += result.rowcount  # type: ignore[attr-defined]
                    else:
                        cleared = None if column.nullable else ANONYMOUS
                        result = await session.execute(
                            update(table).where(mine).values({column.name: cleared})
                        )
                        anonymised += result.rowcount  # type: ignore[attr-defined]
        return DeletionReport(deleted, anonymised, partners)

    async def _end_pairs(
        self, session: AsyncSession, guild_id: int, user_id: int
    ) -> tuple[int, ...]:
        """End the member's running mentorships and cancel their pending requests, both
        ways, so no pair key (``open_pair``, ``active_pair``) keeps their id and the other
        member holds no dead mentorship or request slot. Returns those other members."""
        now = self._clock.now()
        mine = or_(MentorRequest.mentee_id == user_id, MentorRequest.mentor_id == user_id)
        requests = await session.execute(
            update(MentorRequest)
            .where(MentorRequest.guild_id == guild_id, MentorRequest.status == "pending", mine)
            .values(status="cancelled", decided_at=now, pending_slot=None, open_pair=None)
            .returning(MentorRequest.mentee_id, MentorRequest.mentor_id)
        )
        pairs = list(requests.all())
        running = or_(Mentorship.mentee_id == user_id, Mentorship.mentor_id == user_id)
        ended = await session.execute(
            update(Mentorship)
            .where(Mentorship.guild_id == guild_id, Mentorship.ended_at.is_(None), running)
            .values(ended_at=now, ended_by=ANONYMOUS, active_pair=None)
            .returning(Mentorship.mentee_id, Mentorship.mentor_id)
        )
        pairs += ended.all()
        return tuple(sorted({other for pair in pairs for other in pair} - {user_id}))

    async def _keep_shared_rounds(self, session: AsyncSession, guild_id: int, user_id: int) -> int:
        """A live round the member started holds everyone's answers: it stays, with its
        starter anonymised (a solo round holds only the member's and is deleted)."""
        result = await session.execute(
            update(QuizRound)
            .where(
                QuizRound.guild_id == guild_id,
                QuizRound.user_id == user_id,
                QuizRound.kind == "live",
            )
            .values(user_id=ANONYMOUS)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def guilds_with_data(self) -> set[int]:
        """Every guild that any table keeps rows for."""
        found: set[int] = set()
        async with self._database.read() as session:
            for table in Base.metadata.sorted_tables:
                if "guild_id" in table.c:
                    found.update(await session.scalars(select(table.c.guild_id).distinct()))
        return found

    async def forget_guild(self, guild_id: int) -> int:
        """Delete everything kept for a guild (after the bot left it); returns the rows."""
        removed = 0
        async with self._database.write() as session:
            mark_changed(guild_id)
            for table in reversed(Base.metadata.sorted_tables):
                if "guild_id" in table.c:
                    result = await session.execute(
                        delete(table).where(table.c.guild_id == guild_id)
                    )
                    removed += result.rowcount  # type: ignore[attr-defined]
        return removed
