"""``INSERT … ON CONFLICT DO UPDATE`` on SQLite and PostgreSQL: one atomic statement."""

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.base import Base


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
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(model).values({**keys, **insert_values, **update_values})
    if update_values:
        statement = statement.on_conflict_do_update(index_elements=list(keys), set_=update_values)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(keys))
    await session.execute(statement)
