"""Cooldowns for actions that fan out (requests, reports, entries), kept in the database so
they hold across restarts and processes."""

import functools
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from sqlalchemy import Connection, Executable, bindparam, delete, select

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.upsert import insert_of
from bot.errors import DomainError
from bot.models.core import Cooldown

SUGGEST_COOLDOWN = timedelta(minutes=2)
"""Each suggestion posts in the moderators' channel."""
REPORT_COOLDOWN = timedelta(minutes=1)
"""Each report posts in the moderators' log channel."""
REQUEST_COOLDOWN = timedelta(seconds=30)
"""Each mentoring request DMs a mentor (or opens a thread)."""
ENTRY_COOLDOWN = timedelta(seconds=10)
"""Each challenge entry posts in the challenge's thread (and replaces an earlier one)."""


KEYS = ("guild_id", "user_id", "action")
_WHERE = [Cooldown.__table__.c[name] == bindparam(name) for name in KEYS]
_UNTIL = select(Cooldown.until).where(*_WHERE)
_LIFT = delete(Cooldown).where(*_WHERE, Cooldown.until == bindparam("until"))


@functools.cache
def _start(dialect: str) -> Executable:
    """A cooldown started, or pushed on if the last one is over; built once per dialect."""
    columns = Cooldown.__table__.c
    names = (*KEYS, "until")
    statement = insert_of(dialect)(Cooldown).values(
        {name: bindparam(name, type_=columns[name].type) for name in names}
    )
    return statement.on_conflict_do_update(
        index_elements=list(KEYS),
        set_={"until": statement.excluded.until},
        where=columns.until <= bindparam("now", type_=columns.until.type),
    )


class OnCooldown(DomainError):
    def __init__(self, wait: timedelta) -> None:
        seconds = max(1, math.ceil(wait.total_seconds()))
        when = f"{math.ceil(seconds / 60)} minutes" if seconds >= 120 else f"{seconds} seconds"
        super().__init__(f"Slow down a little: you can do that again in {when}.")
        self.wait = wait


class CooldownService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    @asynccontextmanager
    async def hold(
        self, guild_id: int, user_id: int, action: str, period: timedelta
    ) -> AsyncIterator[None]:
        """Start ``action``'s cooldown for the block inside (``OnCooldown`` if one runs);
        if the action fails (bad input, a refusal), the cooldown is lifted again, so only
        actions that went through count."""
        until = await self.start(guild_id, user_id, action, period)
        try:
            yield
        except BaseException:
            keys = {"guild_id": guild_id, "user_id": user_id, "action": action, "until": until}
            await self._database.run(lambda c: c.execute(_LIFT, keys), write=True)
            raise

    async def start(self, guild_id: int, user_id: int, action: str, period: timedelta) -> datetime:
        """Start ``action``'s cooldown (returns when it ends), or raise ``OnCooldown`` if one
        is still running. One atomic statement: two clicks at once cannot both get through."""
        now = self._clock.now()
        keys = {"guild_id": guild_id, "user_id": user_id, "action": action}

        def unit(connection: Connection) -> datetime | None:
            """None if the cooldown started, else when the running one ends."""
            values = keys | {"until": now + period, "now": now}
            if connection.execute(_start(connection.dialect.name), values).rowcount == 1:
                return None
            return connection.execute(_UNTIL, keys).scalar() or now

        running = await self._database.run(unit, write=True)
        if running is None:
            return now + period
        raise OnCooldown(running - now)
