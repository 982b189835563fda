"""Everything a guild has scheduled and every channel the bot posts in, read at once for
``/settings show``: the guild's settings, the tip of the day, the challenges, networking
introductions and the weekly leaderboard."""

from dataclasses import dataclass

from bot.db.engine import Database
from bot.models.careers import DailyTipConfig
from bot.models.challenges import ChallengeConfig
from bot.models.community import NetworkConfig
from bot.services.core.guild_settings import GuildConfig, GuildSettingsService


@dataclass(frozen=True, slots=True)
class DailyTipPlan:
    channel_id: int
    post_time: str
    enabled: bool


@dataclass(frozen=True, slots=True)
class ChallengePlan:
    channel_id: int
    post_time: str
    weekdays: int
    """Bit 0 is Monday."""
    paused: bool
    reminder_hours: int | None
    champion_role_id: int | None


@dataclass(frozen=True, slots=True)
class NetworkPlan:
    channel_id: int
    every_weeks: int
    weekday: int
    size: int
    enabled: bool


@dataclass(frozen=True, slots=True)
class Overview:
    config: GuildConfig
    daily_tip: DailyTipPlan | None
    challenges: ChallengePlan | None
    networking: NetworkPlan | None


class OverviewService:
    def __init__(self, database: Database, guild_settings: GuildSettingsService) -> None:
        self._database = database
        self._guild_settings = guild_settings

    async def overview(self, guild_id: int) -> Overview:
        config = await self._guild_settings.get(guild_id)
        async with self._database.read() as session:
            tip = await session.get(DailyTipConfig, guild_id)
            challenge = await session.get(ChallengeConfig, guild_id)
            network = await session.get(NetworkConfig, guild_id)
        return Overview(
            config,
            DailyTipPlan(tip.channel_id, tip.post_time, tip.enabled) if tip else None,
            ChallengePlan(
                challenge.channel_id,
                challenge.post_time,
                challenge.weekdays,
                challenge.paused,
                challenge.reminder_hours,
                challenge.champion_role_id,
            )
            if challenge
            else None,
            NetworkPlan(
                network.channel_id,
                network.every_weeks,
                network.weekday,
                network.size,
                network.enabled,
            )
            if network
            else None,
        )
