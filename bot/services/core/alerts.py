"""Problems only moderators can fix (a deleted channel, a missing permission, a role the
bot may not give): told once, and again only if the problem is still there a day later."""

from datetime import timedelta

from bot.clock import Clock
from bot.db.engine import Database
from bot.models.core import ModeratorAlert

TELL_AGAIN_AFTER = timedelta(days=1)


class AlertService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database, self._clock = database, clock

    async def due(self, guild_id: int, topic: str) -> bool:
        """Whether the moderators should hear of ``topic`` now: the first time, or a day
        after they were last told. Every call records that the problem happened."""
        now = self._clock.now()
        async with self._database.write() as session:
            row = await session.get(ModeratorAlert, (guild_id, topic), with_for_update=True)
            if row is None:
                session.add(ModeratorAlert(guild_id=guild_id, topic=topic, told_at=now))
                return True
            if now - row.told_at < TELL_AGAIN_AFTER:
                row.repeats += 1
                return False
            row.told_at, row.repeats = now, 0
            return True
