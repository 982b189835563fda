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

import bot.models  # noqa: F401  (registers every table)
from bot.db.base import Base
from bot.db.engine import Database

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


class PrivacyService:
    def __init__(self, database: Database) -> None:
        self._database = database

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
        return DeletionReport(deleted, anonymised)

    async def forget_guild(self, guild_id: int) -> int:
        """Delete everything kept for a guild (after the bot left it); returns the rows."""
        removed = 0
        async with self._database.write() as session:
            for table in reversed(Base.metadata.sorted_tables):
                if "guild_id" in table.c:
                    result = await session.execute(
                        delete(table).where(table.c.guild_id == guild_id)
                    )
                    removed += result.rowcount  # type: ignore[attr-defined]
        return removed
