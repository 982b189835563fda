"""Challenge settings of a guild: the channel and local time of the post (in the guild's
time zone), the cadence, pausing, the reminder and its role, the champion role and the
feedback asked before an entry may place, and blind voting."""

from typing import Any, Literal

from sqlalchemy import update

from bot.clock import Clock
from bot.db.engine import Database
from bot.db.upsert import insert_or_update
from bot.errors import InvalidInput
from bot.models.challenges import ChallengeConfig
from bot.services.challenges.common import (
    EVERY_DAY,
    WEEKDAY_NAMES,
    WORKDAYS,
    ChallengeSettings,
    NotSetUp,
    guild_zone,
)
from bot.services.core.exactly_once import parse_post_time
from bot.services.core.guild_settings import ensure_guild, validate_timezone

Cadence = Literal["daily", "weekdays", "weekly"]
FEEDBACK_REQUIRED_MAX = 10


def parse_days(text: str) -> int:
    """A weekday mask from names like ``mon wed fri`` or ``Monday, Thursday``."""
    mask = 0
    for word in text.lower().replace(",", " ").split():
        if word[:3] not in WEEKDAY_NAMES:
            raise InvalidInput(f"`{word}` is not a weekday. Use names like `mon, wed, fri`.")
        mask |= 1 << WEEKDAY_NAMES.index(word[:3])
    if not mask:
        raise InvalidInput("Name at least one weekday, like `mon, wed, fri`.")
    return mask


def cadence_mask(every: Cadence, days: str | None) -> int:
    if every == "daily":
        return EVERY_DAY
    mask = parse_days(days) if days else (WORKDAYS if every == "weekdays" else 1)
    if every == "weekly" and mask.bit_count() != 1:
        raise InvalidInput("A weekly challenge needs exactly one day, like `days:fri`.")
    return mask


class ChallengeSettingsService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock

    async def setup(
        self,
        guild_id: int,
        channel_id: int,
        post_time: str,
        timezone: str | None,
        blind: bool | None = None,
    ) -> ChallengeSettings:
        """Where and when challenges are posted; ``blind`` (kept if None) turns blind voting
        on or off from the next challenge on."""
        when = parse_post_time(post_time)
        chosen = {"blind_voting": blind} if blind is not None else {}
        zone = validate_timezone(timezone) if timezone else None
        now = self._clock.now()
        async with self._database.write() as session:
            await ensure_guild(session, guild_id, now, **({"timezone": zone} if zone else {}))
            await insert_or_update(
                session,
                ChallengeConfig,
                keys={"guild_id": guild_id},
                insert_values={},
                update_values={
                    "channel_id": channel_id,
                    "post_time": when,
                    "paused": False,
                    **chosen,
                },
            )
        return await self.settings(guild_id)

    async def settings(self, guild_id: int) -> ChallengeSettings:
        async with self._database.read() as session:
            row = await session.get(ChallengeConfig, guild_id)
            if row is None:
                raise NotSetUp()
            return ChallengeSettings.of(row, await guild_zone(session, guild_id))

    async def _change(self, guild_id: int, **values: Any) -> ChallengeSettings:
        async with self._database.write() as session:
            result = await session.execute(
                update(ChallengeConfig).where(ChallengeConfig.guild_id == guild_id).values(values)
            )
        if result.rowcount == 0:  # type: ignore[attr-defined]
            raise NotSetUp()
        return await self.settings(guild_id)

    async def set_paused(self, guild_id: int, paused: bool) -> ChallengeSettings:
        return await self._change(guild_id, paused=paused)

    async def set_cadence(
        self, guild_id: int, every: Cadence, days: str | None
    ) -> ChallengeSettings:
        return await self._change(guild_id, weekdays=cadence_mask(every, days))

    async def set_reminder(
        self, guild_id: int, hours: int | None, role_id: int | None
    ) -> ChallengeSettings:
        if role_id is not None and hours is None:
            raise InvalidInput("Give the hours before the deadline for the reminder, too.")
        return await self._change(guild_id, reminder_hours=hours, reminder_role_id=role_id)

    async def set_champion_role(self, guild_id: int, role_id: int | None) -> ChallengeSettings:
        return await self._change(guild_id, champion_role_id=role_id)

    async def set_feedback_required(self, guild_id: int, count: int) -> ChallengeSettings:
        if not 0 <= count <= FEEDBACK_REQUIRED_MAX:
            raise InvalidInput(f"Ask for between 0 and {FEEDBACK_REQUIRED_MAX} pieces.")
        return await self._change(guild_id, feedback_required=count)
