"""The sandbox's world: a demo guild on the loopback Discord, and the real bot running
against it on its own SQLite file in a temporary folder (removed at the end), or on the
database ``DATABASE_URL`` names when one is given."""

import asyncio
import contextlib
import logging
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.app import assemble
from bot.client import ProducerBot, use_api_base
from bot.clock import ManualClock, SystemClock
from bot.content import Content, load_content_async
from bot.db.engine import Database
from bot.db.migrate import upgrade_to_head
from bot.services.core.guild_settings import FEATURE_CHANNELS
from bot.settings import Settings
from bot.shards import EVERY_SHARD, Shards
from loopback.server import LoopbackDiscord
from loopback.world import (
    MANAGE_GUILD,
    MANAGE_ROLES,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    Channel,
    Guild,
    Member,
    Role,
)

GUILD_NAME = "Beat Lab"
OWNER = "olivia"
MODERATOR = "mona"
MEMBERS = ("alice", "bob", "chen", "dara")
CHANNELS = ("challenges", "tips", "introductions", "suggestions")
MOD_LOG = "mod-log"
"""A channel only the moderators (and the bot) see: where reports and alerts go."""
LOG_FILE = "sandbox.log"


@dataclass
class DemoGuild:
    """The demo guild and lookups by the names a person types."""

    guild: Guild
    members: dict[str, Member]

    def member(self, name: str) -> Member | None:
        return self.members.get(name.strip().lstrip("@").lower())

    def places(self, viewer: Member | None = None) -> list[tuple[str, Channel]]:
        """``#name`` for every channel and thread ``viewer`` can see (all, without one);
        a name shared by several gets ``~2``, ``~3`` … in the order they were made."""
        guild, found = self.guild, []
        seen: dict[str, int] = {}
        for channel in guild.channels.values():
            if viewer is not None and not guild.can_see(viewer, channel):
                continue
            seen[channel.name.lower()] = seen.get(channel.name.lower(), 0) + 1
            number = seen[channel.name.lower()]
            found.append((f"#{channel.name}" + (f"~{number}" if number > 1 else ""), channel))
        return found

    def channel(self, name: str, viewer: Member | None = None) -> Channel | None:
        wanted = "#" + name.strip().lstrip("#").lower()
        return next((c for label, c in self.places(viewer) if label.lower() == wanted), None)

    def label(self, channel: Channel) -> str:
        """How ``channel`` is named where it is listed."""
        return next((label for label, c in self.places() if c.id == channel.id), "#?")

    def channel_list(self, viewer: Member | None = None) -> str:
        return " ".join(label for label, _ in self.places(viewer))

    def role(self, name: str) -> Role | None:
        wanted = name.strip().lstrip("@").lower()
        roles = self.guild.roles.values()
        return next((r for r in roles if r.name.lstrip("@").lower() == wanted), None)

    def role_names(self) -> list[str]:
        """``@Role`` for every role a member could pick (``@everyone`` included)."""
        return ["@" + r.name.lstrip("@") for r in self.guild.roles.values() if not r.managed]

    def who(self) -> str:
        """The member names, with the owner and the moderator marked."""
        marks = {OWNER: " (owner)", MODERATOR: " (moderator)"}
        return ", ".join(name + marks.get(name, "") for name in self.members)


def build_demo_guild(discord: LoopbackDiscord) -> DemoGuild:
    """Beat Lab as a careful owner sets it up: channels, a Moderators role (Manage Server,
    Manage Roles) on top, the bot's role below it and above the roles it hands out, a
    Members role, a #mod-log only moderators see, the owner, a moderator and members."""
    guild = discord.add_guild(GUILD_NAME, owner=OWNER)
    moderators = discord.add_role(guild, "Moderators", permissions=MANAGE_GUILD | MANAGE_ROLES)
    members = discord.add_role(guild, "Members")
    discord.move_role(members, 1)
    discord.move_role(discord.bot_role(guild), 2)
    discord.move_role(moderators, 3)
    for name in CHANNELS:
        discord.add_channel(guild, name)
    seeing = str(VIEW_CHANNEL | SEND_MESSAGES)
    discord.add_channel(
        guild,
        MOD_LOG,
        overwrites=[
            {"id": str(guild.id), "type": 0, "allow": "0", "deny": str(VIEW_CHANNEL)},
            {"id": str(moderators.id), "type": 0, "allow": seeing, "deny": "0"},
            {"id": str(discord.bot_user.id), "type": 1, "allow": seeing, "deny": "0"},
        ],
    )
    people = {OWNER: guild.members[guild.owner_id]}
    people[MODERATOR] = discord.add_member(guild, MODERATOR, roles=(moderators, members))
    for name in MEMBERS:
        people[name] = discord.add_member(guild, name, roles=(members,))
    return DemoGuild(guild, people)


async def start_bot(
    discord: LoopbackDiscord,
    database: Database,
    clock: ManualClock,
    content: Content,
    extra_extensions: tuple[str, ...] = (),
    shards: Shards = EVERY_SHARD,
    **options: Any,
) -> tuple[ProducerBot, "asyncio.Task[None]"]:
    """Start the bot against ``discord``, wait until it is ready and its scheduler has
    ticked once, and sync its commands.
    ``shards`` are the ones this bot runs; ``options`` go to the bot."""
    use_api_base(discord.base_url)
    bot = ProducerBot(
        assemble(database, clock, content, shards=shards),
        api_base=discord.base_url,
        extra_extensions=extra_extensions,
        guild_ready_timeout=0.05,
        **options,
    )
    task = asyncio.create_task(bot.start(discord.token))
    ready = asyncio.create_task(bot.wait_until_ready())
    done, _ = await asyncio.wait({task, ready}, timeout=15, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        ready.cancel()
        task.result()  # raises the start-up error
    if ready not in done:
        raise RuntimeError("the bot did not become ready within 15 seconds")
    # The first tick runs at the start time; work set up after it waits for the clock to move.
    await asyncio.wait_for(bot.scheduler.ticked.wait(), 15)
    await bot.tree.sync()
    return bot, task


async def stop_bot(bot: ProducerBot, task: "asyncio.Task[None]") -> None:
    await bot.close()
    with contextlib.suppress(asyncio.CancelledError):
        await task


@dataclass
class Sandbox:
    """Everything a sandbox session drives."""

    folder: Path
    discord: LoopbackDiscord
    demo: DemoGuild
    clock: ManualClock
    bot: ProducerBot

    @property
    def attachments(self) -> Path:
        return self.folder / "attachments"

    @property
    def log_file(self) -> Path:
        return self.folder / LOG_FILE


def _quiet_logs(path: Path, level: str) -> None:
    """Send every log record (the bot's and discord.py's) to ``path``, none to the terminal."""
    logging.basicConfig(
        filename=path,
        level=level,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        force=True,
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)


async def _preset_feature_channels(bot: ProducerBot, demo: DemoGuild) -> None:
    """Point each feature at the demo channel named like it (``suggestion(s)``)."""
    for feature in FEATURE_CHANNELS:
        for channel in demo.guild.channels.values():
            if feature.rstrip("s") == channel.name.rstrip("s"):
                await bot.services.guild_settings.set_channel(demo.guild.id, feature, channel.id)


def database_url(settings: Settings, folder: Path) -> str:
    """``DATABASE_URL`` when one is given; otherwise a SQLite file in ``folder``."""
    if "database_url" in settings.model_fields_set:
        return settings.database_url
    return f"sqlite+aiosqlite:///{folder / 'sandbox.sqlite3'}"


def _close_logs(path: Path) -> None:
    """Stop logging into ``path`` before its folder goes."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, logging.FileHandler) and Path(handler.baseFilename) == path:
            root.removeHandler(handler)
            handler.close()


@contextlib.asynccontextmanager
async def open_sandbox(settings: Settings) -> AsyncIterator[Sandbox]:
    """A temporary folder (removed at the end), the database migrated to the latest
    schema, the loopback Discord with the demo guild, and the real bot, ready; its clock
    starts now. Feature channels are preset to the demo channels of the same name
    (``suggestions`` posts in #suggestions, reports go to #mod-log)."""
    content = await load_content_async(settings.data_dir)
    with tempfile.TemporaryDirectory(
        prefix="producer-bot-sandbox-", ignore_cleanup_errors=True
    ) as name:
        folder = Path(name)
        _quiet_logs(folder / LOG_FILE, settings.log_level)
        try:
            async with _running(settings, folder, content) as sandbox:
                yield sandbox
        finally:
            _close_logs(folder / LOG_FILE)


@contextlib.asynccontextmanager
async def _running(settings: Settings, folder: Path, content: Content) -> AsyncIterator[Sandbox]:
    database = Database.from_url(database_url(settings, folder))
    discord = LoopbackDiscord()
    try:
        await upgrade_to_head(database)
        await discord.start()
        demo = build_demo_guild(discord)
        clock = ManualClock(SystemClock().now().replace(second=0, microsecond=0))
        bot, task = await start_bot(discord, database, clock, content)
        bot.audio.warm()  # the tour's first entry is analysed as soon as the worker is up
        try:
            await _preset_feature_channels(bot, demo)
            yield Sandbox(folder, discord, demo, clock, bot)
        finally:
            await stop_bot(bot, task)
    finally:
        await database.close()
        await discord.stop()
