"""The audit log of the web dashboard: every change a moderator makes there, with who made
it and when, so the other moderators can see it."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bot.clock import Clock
from bot.db.engine import Database
from bot.models.core import AuditEntry

DETAIL_MAX = 500


@dataclass(frozen=True, slots=True)
class AuditLine:
    user_id: int
    action: str
    detail: str
    at: datetime


class AuditService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    async def record(self, guild_id: int, user_id: int, action: str, detail: str) -> None:
        async with self._database.write() as session:
            session.add(
                AuditEntry(
                    guild_id=guild_id,
                    user_id=user_id,
                    action=action,
                    detail=detail[:DETAIL_MAX],
                    at=self._clock.now(),
                )
            )

    async def recent(self, guild_id: int, limit: int = 100) -> list[AuditLine]:
        """The guild's latest changes, newest first."""
        async with self._database.read() as session:
            rows = await session.scalars(
                select(AuditEntry)
                .where(AuditEntry.guild_id == guild_id)
                .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                .limit(limit)
            )
            return [AuditLine(r.user_id, r.action, r.detail, r.at) for r in rows]
