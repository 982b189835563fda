"""The bot: a ``commands.Bot`` that owns the database, the clock, the content and the
scheduler, and loads every feature cog from ``cogs/``."""

import asyncio
import logging
import pkgutil
from datetime import datetime, timedelta
from typing import Any

import aiohttp
import discord
import yarl
from discord.ext import commands

import cogs
from bot import gateway_json
from bot.app import App
from bot.audio.pool import AudioPool
from bot.db.migrate import current_revision, head_revision
from bot.errors import SchemaOutdated
from bot.health import HealthMonitor
from bot.render_pool import RenderPool
from bot.scheduler import Scheduler
from bot.tree import ProducerTree
from bot.ui.expired import answer_expired, unhandled
from bot.ui.forms import Forms
from bot.ui.pages import PageButton, PageSource

log = logging.getLogger(__name__)

FORGET_AFTER = timedelta(days=30)
"""How long a guild's data is kept after the bot was removed from it (it may come back)."""

IDENTIFY_WARNING_SHARE = 0.2
"""Warn when fewer than this share of the daily gateway logins (identifies) remain."""
IDENTIFY_RESERVE_SHARE = 0.05
"""Below this share, wait for Discord's reset instead of logging in: running out makes
Discord reset the token, which takes a human to fix."""


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
        app: App,
        *,
        api_base: str | None = None,
        extra_extensions: tuple[str, ...] = (),
        scheduler_interval: float = 30.0,
        guild_ready_timeout: float = 2.0,
        health_interval: float = 60.0,
        http_trace: aiohttp.TraceConfig | None = None,
    ) -> None:
        gateway_json.install()
        sharding: dict[str, Any] = {}
        if app.shards.count > 1 or app.shards.ids is not None:
            sharding["shard_count"] = app.shards.count
        if app.shards.ids is not None:
            sharding["shard_ids"] = list(app.shards.ids)
        if http_trace is not None:  # the metrics count requests and rate limits
            sharding["http_trace"] = http_trace
        super().__init__(
            **sharding,
            guild_ready_timeout=guild_ready_timeout,
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=ProducerTree,
            max_messages=None,  # no feature reads past messages from the cache: save the memory
        )
        self.app = app
        self.services = app.services
        """Every service, built once by the composition root (``bot.app``)."""
        self.database = app.database
        self.clock = app.clock
        self.content = app.content
        self.held_shards = app.shards
        """This process's shards: scheduled work runs for their guilds only."""
        self.scheduler = Scheduler(app.clock, interval=scheduler_interval)
        self.health = HealthMonitor(health_interval)
        self.renders = RenderPool()
        """Draws pictures off the event loop, fairly between members."""
        self.audio = AudioPool()
        """Analyses members' tracks in a worker process, a few at a time."""
        self.page_sources: dict[str, PageSource] = {}
        """The builders of paginated answers by name (``bot.ui.pages``); cogs add theirs."""
        self.forms = Forms()
        """The forms answered from their custom id (``bot.ui.forms``); cogs add theirs."""
        self._api_base = api_base
        self._reconciled = False
        self._answering: set[asyncio.Task[None]] = set()
        self._extensions = (*cog_extensions(), *extra_extensions)

    def owns_guild(self, guild_id: int) -> bool:
        """Whether this process runs the shard of ``guild_id`` (and so its scheduled work)."""
        return self.held_shards.owns(guild_id)

    def guild_available(self, guild_id: int) -> bool:
        """Whether the guild is loaded and not in an outage: only then does a missing
        channel mean that it was deleted."""
        guild = self.get_guild(guild_id)
        return guild is not None and not guild.unavailable

    async def tell_moderators(self, guild_id: int, topic: str, text: str) -> None:
        """Tell the moderators in their log channel about a problem only they can fix:
        once per ``topic``, again only if it is still there a day later. Always logged."""
        log.warning("guild %s: %s: %s", guild_id, topic, text)
        if not await self.services.alerts.due(guild_id, topic):
            return
        channel_id = (await self.services.guild_settings.get(guild_id)).channels.get("mod-log")
        channel = self.get_channel(channel_id) if channel_id else None
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            return
        embed = discord.Embed(title="Something needs a moderator", description=text)
        embed.colour = discord.Colour.orange()
        try:
            await channel.send(embed=embed)
        except discord.HTTPException:
            log.warning("guild %s: the mod-log channel refused the alert", guild_id)

    async def login(self, token: str) -> None:
        await super().login(token)
        _shards, url, limits = await self.http.get_bot_gateway()
        if self._api_base is not None:
            # A Discord-compatible API names its own gateway.
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
        remaining, total, hours = (
            limits["remaining"],
            limits["total"],
            limits["reset_after"] / 3.6e6,
        )
        if remaining < max(total * IDENTIFY_RESERVE_SHARE, self.shard_count or 1):
            log.error(
                "only %d of %d gateway logins left: waiting %.1f h for Discord's reset "
                "before logging in, so the token is not reset",
                remaining,
                total,
                hours,
            )
            await asyncio.sleep(limits["reset_after"] / 1000)
        elif remaining < total * IDENTIFY_WARNING_SHARE:
            log.warning(
                "only %d of %d gateway logins left for the next %.1f h: Discord resets the "
                "token when they run out, so stop any restart loop now",
                remaining,
                total,
                hours,
            )

    async def setup_hook(self) -> None:
        current, head = await current_revision(self.database), head_revision()
        if current != head:
            raise SchemaOutdated(
                f"The database schema is at {current or 'nothing'}, the bot needs {head}: "
                "run `python -m bot migrate` first."
            )
        self.add_dynamic_items(PageButton)
        for extension in self._extensions:
            await self.load_extension(extension)
        self.scheduler.register("core:forget-left-guilds", self._forget_left_guilds)
        self.scheduler.start(after=self.wait_until_ready)
        self.health.start()
        log.info("loaded %d extensions", len(self._extensions))

    async def close(self) -> None:
        await self.health.stop()
        await self.scheduler.stop()
        self.audio.close()
        await super().close()

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        log.info("removed from guild %s; its data goes in %s", guild.id, FORGET_AFTER)
        await self.services.guild_settings.mark_left(guild.id)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.services.guild_settings.mark_returned(guild.id)

    async def _forget_left_guilds(self, now: datetime) -> None:
        for guild_id in await self.services.guild_settings.left_before(now - FORGET_AFTER):
            if self.owns_guild(guild_id):
                removed = await self.services.privacy.forget_guild(guild_id)
                log.info("forgot guild %s: %d rows deleted", guild_id, removed)

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        super().dispatch(event_name, *args, **kwargs)
        if event_name != "interaction":
            return
        answer = self.forms.answer(args[0])
        if answer is None and unhandled(self, args[0]):
            answer = answer_expired(args[0])
        if answer is not None:
            task = asyncio.create_task(answer)
            self._answering.add(task)
            task.add_done_callback(self._answering.discard)

    async def on_ready(self) -> None:
        log.info("ready as %s in %d guilds", self.user, len(self.guilds))
        if not self._reconciled:
            self._reconciled = True
            await self._reconcile_guilds()

    async def _reconcile_guilds(self) -> None:
        """Guilds with data that Discord no longer lists for this process's shards removed
        the bot while it was offline: their grace period starts now."""
        gone = [
            guild_id
            for guild_id in await self.services.privacy.guilds_with_data()
            if self.owns_guild(guild_id) and self.get_guild(guild_id) is None
        ]
        for guild_id in await self.services.guild_settings.mark_gone(gone):
            log.info(
                "guild %s no longer lists the bot; its data goes in %s", guild_id, FORGET_AFTER
            )
