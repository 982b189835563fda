"""The moderators' queue: reports and suggestions not yet marked handled, oldest first."""

from sqlalchemy import select

from bot.db.engine import Database
from bot.models.community import Report, Suggestion
from bot.services.community.safety import ReportInfo
from bot.services.community.suggestions import SuggestionInfo

QUEUE_LIMIT = 200


class ModerationQueue:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def reports(self, guild_id: int) -> list[ReportInfo]:
        async with self._database.read() as session:
            rows = await session.scalars(
                select(Report)
                .where(Report.guild_id == guild_id, Report.handled_at.is_(None))
                .order_by(Report.created_at, Report.id)
                .limit(QUEUE_LIMIT)
            )
            return [ReportInfo.of(row) for row in rows]

    async def suggestions(self, guild_id: int) -> list[SuggestionInfo]:
        async with self._database.read() as session:
            rows = await session.scalars(
                select(Suggestion)
                .where(Suggestion.guild_id == guild_id, Suggestion.status == "open")
                .order_by(Suggestion.created_at, Suggestion.id)
                .limit(QUEUE_LIMIT)
            )
            return [SuggestionInfo.of(row) for row in rows]
