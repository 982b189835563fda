"""``INSERT … ON CONFLICT DO UPDATE`` on SQLite and PostgreSQL: one atomic statement."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import Insert as PostgresInsert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import Base


def insert_for(
    bind: AsyncSession | Connection,
) -> Callable[[type[Base]], PostgresInsert | SqliteInsert]:
    """The ``insert`` of the session's (or connection's) dialect, which knows ``ON CONFLICT``."""
    dialect = bind.dialect if isinstance(bind, Connection) else bind.get_bind().dialect
    return insert_of(dialect.name)


def insert_of(dialect: str) -> Callable[[type[Base]], PostgresInsert | SqliteInsert]:
    """The ``insert`` of the dialect named ``dialect``."""
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


async def insert_or_update(
    session: AsyncSession,
    model: type[Base],
    *,
    keys: dict[str, Any],
    insert_values: dict[str, Any],
    update_values: dict[str, Any],
) -> None:
    """Insert the row identified by ``keys`` with ``insert_values`` and ``update_values``,
    or, if it exists, apply ``update_values`` to it."""
    statement = insert_for(session)(model).values({**keys, **insert_values, **update_values})
    if update_values:
        statement = statement.on_conflict_do_update(index_elements=list(keys), set_=update_values)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(keys))
    await session.execute(statement)
