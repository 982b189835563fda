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


def upsert(
    dialect: str,
    model: type[Base],
    *,
    keys: dict[str, Any],
    insert_values: dict[str, Any],
    update_values: dict[str, Any],
) -> PostgresInsert | SqliteInsert:
    """Insert the row identified by ``keys`` with ``insert_values`` and ``update_values``,
    or, if it exists, apply ``update_values`` to it (nothing, if there are none)."""
    statement = insert_of(dialect)(model).values({**keys, **insert_values, **update_values})
    if update_values:
        return statement.on_conflict_do_update(index_elements=list(keys), set_=update_values)
    return statement.on_conflict_do_nothing(index_elements=list(keys))


async def insert_or_update(
    session: AsyncSession,
    model: type[Base],
    *,
    keys: dict[str, Any],
    insert_values: dict[str, Any],
    update_values: dict[str, Any],
) -> None:
    """``upsert`` in an async session."""
    dialect = session.get_bind().dialect.name
    await session.execute(
        upsert(dialect, model, keys=keys, insert_values=insert_values, update_values=update_values)
    )
