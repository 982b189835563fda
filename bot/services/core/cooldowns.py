"""Cooldowns for actions that fan out (requests, reports, entries), kept in the database so
they hold across restarts and processes."""

import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.upsert import insert_for
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
            async with self._database.write() as session:
                await session.execute(
                    delete(Cooldown).where(
                        Cooldown.guild_id == guild_id,
                        Cooldown.user_id == user_id,
                        Cooldown.action == action,
                        Cooldown.until == until,
                    )
                )
            raise

    async def start(self, guild_id: int, user_id: int, action: str, period: timedelta) -> datetime:
        """Start ``action``'s cooldown (returns when it ends), or raise ``OnCooldown`` if one
        is still running. One atomic statement: two clicks at once cannot both get through."""
        now = self._clock.now()
        async with self._database.write() as session:
            statement = insert_for(session)(Cooldown).values(
                guild_id=guild_id, user_id=user_id, action=action, until=now + period
            )
            statement = statement.on_conflict_do_update(
                index_elements=["guild_id", "user_id", "action"],
                set_={"until": statement.excluded.until},
                where=Cooldown.until <= now,
            )
            started = await session.execute(statement)
            if started.rowcount == 1:  # type: ignore[attr-defined]
                return now + period
            until = await session.scalar(
                select(Cooldown.until).where(
                    Cooldown.guild_id == guild_id,
                    Cooldown.user_id == user_id,
                    Cooldown.action == action,
                )
            )
        raise OnCooldown((until or now) - now)
