"""Cooldowns for actions that fan out (requests, reports, entries), kept in the database so
they hold across restarts and processes."""

import math
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from bot.clock import Clock
from bot.db.engine import Database
from bot.errors import DomainError
from bot.models.guild import Cooldown


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

    async def start(self, guild_id: int, user_id: int, action: str, period: timedelta) -> None:
        """Start ``action``'s cooldown, or raise ``OnCooldown`` if one is still running.
        One atomic statement: two clicks at once cannot both get through."""
        now = self._clock.now()
        async with self._database.write() as session:
            dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
            statement = dialect.insert(Cooldown).values(
                guild_id=guild_id, user_id=user_id, action=action, until=now + period
            )
            statement = statement.on_conflict_do_update(
                index_elements=["guild_id", "user_id", "action"],
                set_={"until": statement.excluded.until},
                where=Cooldown.until <= now,
            )
            started = await session.execute(statement)
            if started.rowcount == 1:  # type: ignore[attr-defined]
                return
            until = await session.scalar(
                select(Cooldown.until).where(
                    Cooldown.guild_id == guild_id,
                    Cooldown.user_id == user_id,
                    Cooldown.action == action,
                )
            )
        raise OnCooldown((until or now) - now)
