"""The bot: a ``commands.Bot`` that owns the database, the clock, the content and the
scheduler, and loads every feature cog from ``cogs/``."""

import logging
import pkgutil
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import discord
import yarl
from discord.ext import commands

import cogs
from bot.clock import Clock
from bot.content import Content
from bot.db.engine import Database
from bot.db.migrate import current_revision, head_revision
from bot.errors import SchemaOutdated
from bot.scheduler import Scheduler
from bot.services.cooldowns import CooldownService
from bot.services.guild_settings import GuildSettingsService
from bot.services.privacy import PrivacyService
from bot.tree import ProducerTree

log = logging.getLogger(__name__)

FORGET_AFTER = timedelta(days=30)
"""How long a guild's data is kept after the bot was removed from it (it may come back)."""

IDENTIFY_WARNING_SHARE = 0.2
"""Warn when fewer than this share of the daily gateway logins (identifies) remain."""


def use_api_base(base_url: str) -> None:
    """Send every REST call to a Discord-compatible API at ``base_url`` instead of Discord.

    discord.py keeps its API address in a class attribute of its route type, shared by the
    bot's HTTP client and the webhooks used for interaction responses.
    """
    discord.http.Route.BASE = f"{base_url.rstrip('/')}/api/v10"


def intents() -> discord.Intents:
    """Only ``guilds``: slash commands, buttons and modals carry everything else we need
    (the member, their roles and permissions). No privileged intent."""
    return discord.Intents(guilds=True)


def cog_extensions() -> list[str]:
    """Every feature package under ``cogs/`` (each has a ``setup`` in its ``__init__``)."""
    return sorted(
        f"cogs.{module.name}" for module in pkgutil.iter_modules(cogs.__path__) if module.ispkg
    )


class ProducerBot(commands.AutoShardedBot):
    """The bot. One process runs all shards by default, or the ``shard_ids`` it is given
    (of ``shard_count``) when a large deployment spreads shards over several processes."""

    def __init__(
        self,
        *,
        database: Database,
        clock: Clock,
        content: Content,
        api_base: str | None = None,
        extra_extensions: tuple[str, ...] = (),
        scheduler_interval: float = 30.0,
        guild_ready_timeout: float = 2.0,
        shard_count: int | None = None,
        shard_ids: Sequence[int] = (),
    ) -> None:
        sharding: dict[str, Any] = {"shard_count": shard_count}
        if shard_ids:
            sharding["shard_ids"] = list(shard_ids)
        super().__init__(
            **sharding,
            guild_ready_timeout=guild_ready_timeout,
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=ProducerTree,
        )
        self.database = database
        self.clock = clock
        self.content = content
        self.scheduler = Scheduler(clock, interval=scheduler_interval)
        self.guild_settings = GuildSettingsService(database, clock)
        self.privacy = PrivacyService(database)
        self.cooldowns = CooldownService(database, clock)
        self._api_base = api_base
        self._extensions = (*cog_extensions(), *extra_extensions)

    def owns_guild(self, guild_id: int) -> bool:
        """Whether this process runs the shard of ``guild_id`` (and so its scheduled work)."""
        count = self.shard_count or 1
        return (guild_id >> 22) % count in (self.shard_ids or range(count))

    async def login(self, token: str) -> None:
        await super().login(token)
        _shards, url, limits = await self.http.get_bot_gateway()
        if self._api_base is not None:
            # A Discord-compatible API names its own gateway.
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
        if limits["remaining"] < limits["total"] * IDENTIFY_WARNING_SHARE:
            log.warning(
                "only %d of %d gateway logins left for the next %.1f h: Discord resets the "
                "token when they run out, so stop any restart loop now",
                limits["remaining"],
                limits["total"],
                limits["reset_after"] / 3_600_000,
            )

    async def setup_hook(self) -> None:
        current, head = await current_revision(self.database), head_revision()
        if current != head:
            raise SchemaOutdated(
                f"The database schema is at {current or 'nothing'}, the bot needs {head}: "
                "run `python -m bot migrate` first."
            )
        for extension in self._extensions:
            await self.load_extension(extension)
        self.scheduler.register("core:forget-left-guilds", self._forget_left_guilds)
        self.scheduler.start()
        log.info("loaded %d extensions", len(self._extensions))

    async def close(self) -> None:
        await self.scheduler.stop()
        await super().close()

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        log.info("removed from guild %s; its data goes in %s", guild.id, FORGET_AFTER)
        await self.guild_settings.mark_left(guild.id)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.guild_settings.mark_returned(guild.id)

    async def _forget_left_guilds(self, now: datetime) -> None:
        for guild_id in await self.guild_settings.left_before(now - FORGET_AFTER):
            if self.owns_guild(guild_id):
                removed = await self.privacy.forget_guild(guild_id)
                log.info("forgot guild %s: %d rows deleted", guild_id, removed)

    async def on_ready(self) -> None:
        log.info("ready as %s in %d guilds", self.user, len(self.guilds))
