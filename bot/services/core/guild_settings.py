"""Per-guild settings: time zone, moderator role and feature channels, with defaults.

Every command's moderator check reads them, so they are served from memory, stamped by
``guild_stamp``: on SQLite each read asks the database only for the guild's settings
version (one primary-key lookup, microseconds: ``Database.peek``) and loads them again only
when it moved. Every change raises the version (``ensure_guild``), in this process or any
other, so every process sees it at its next read. A new row starts at a random version: a
guild forgotten and added again never matches a copy of its old settings. On PostgreSQL,
where that lookup is a round trip, the server tells of each change instead
(``bot.db.changes``). Other read-mostly guild data (the pool of open mentors) is stamped
the same way, so changes to it raise the version too.
"""

import functools
import secrets
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo, available_timezones

from sqlalchemy import Connection, Executable, bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.changes import mark_changed
from bot.db.engine import Database
from bot.db.upsert import insert_of, insert_or_update
from bot.errors import InvalidInput
from bot.models.core import GuildChannel, GuildSettings
from bot.services.core.settings_cache import VersionedCache

DEFAULT_TIMEZONE = "UTC"
FIRST_VERSIONS = 2**30
"""A settings row's first version is drawn from this many (the column is 32 bits)."""

FEATURE_CHANNELS = {
    "suggestions": "where /suggest posts members' suggestions for the moderators",
    "mod-log": "where /report sends members' reports and I say what needs fixing (moderators only)",
    "leaderboard": "where I post last week's challenge and quiz leaders every Monday at 09:00, "
    "and announce each month's challenge champion",
}
"""Features that post into a channel of the guild's choosing, and what they post."""


@dataclass(frozen=True, slots=True)
class GuildConfig:
    guild_id: int
    timezone: str = DEFAULT_TIMEZONE
    moderator_role_id: int | None = None
    channels: dict[str, int] = field(default_factory=dict)
    mentor_role_id: int | None = None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@functools.cache
def _zones() -> dict[str, str]:
    """Every IANA zone name, by its lower-case spelling (read once from tzdata)."""
    return {name.lower(): name for name in available_timezones()}


def validate_timezone(name: str) -> str:
    """The IANA zone ``name`` in its canonical spelling (any letter case is accepted), or
    ``InvalidInput``. Only names of the IANA list pass, so folder names (``America``) and
    over-long input never reach the file lookup of ``ZoneInfo``."""
    zone = _zones().get(name.strip().lower())
    if zone is None:
        raise InvalidInput(
            f"`{name.strip()[:60]}` is not a time zone I know. Use a name like "
            "`Europe/Berlin` or `America/New_York` (the autocomplete lists them)."
        )
    return zone


def search_timezones(query: str, limit: int = 25) -> list[str]:
    """Zone names containing ``query`` (case-insensitive), best matches first."""
    needle = query.strip().lower().replace(" ", "_")
    names = sorted(_zones().values())
    starts = [name for name in names if name.lower().startswith(needle)]
    contains = [name for name in names if needle in name.lower() and name not in starts]
    return (starts + contains)[:limit]


async def ensure_guild(
    session: AsyncSession, guild_id: int, now: datetime, **values: object
) -> None:
    """Create the guild's settings row with defaults if it is missing, and apply ``values``,
    raising its version (cached copies in every process read it again). Feature settings
    that reference the guild call this in their own unit of work, first: PostgreSQL then
    locks the guild's row before any member's row, in the same order in every unit."""
    await session.run_sync(
        lambda sync: ensure_guild_now(sync.connection(), guild_id, now, **values)
    )


def ensure_guild_now(
    connection: Connection, guild_id: int, now: datetime, **values: object
) -> None:
    """``ensure_guild`` inside a Core unit of work."""
    statement = _ensure(connection.dialect.name, tuple(sorted(values)))
    connection.execute(statement, _ensure_keys(guild_id, now, values))
    mark_changed(guild_id)


@functools.cache
def _ensure(dialect: str, names: tuple[str, ...]) -> Executable:
    """``ensure_guild``'s statement for these changed columns, built once: it runs in every
    write that moves cached guild data."""
    columns = GuildSettings.__table__.c
    changes = {name: bindparam(f"new_{name}", type_=columns[name].type) for name in names}
    changes["updated_at"] = bindparam("now", type_=columns.updated_at.type)
    row = {
        "guild_id": bindparam("guild_id", type_=columns.guild_id.type),
        "timezone": DEFAULT_TIMEZONE,
        "created_at": changes["updated_at"],
        "version": bindparam("first_version", type_=columns.version.type),
    }
    return (
        insert_of(dialect)(GuildSettings)
        .values(row | changes)
        .on_conflict_do_update(
            index_elements=["guild_id"], set_={**changes, "version": GuildSettings.version + 1}
        )
    )


def _ensure_keys(guild_id: int, now: datetime, values: dict[str, object]) -> dict[str, object]:
    first_version = secrets.randbelow(FIRST_VERSIONS) + 1  # see the module
    keys = {"guild_id": guild_id, "now": now, "first_version": first_version}
    return keys | {f"new_{name}": value for name, value in values.items()}


GUILD_VERSION = select(GuildSettings.version).where(GuildSettings.guild_id == bindparam("guild_id"))
"""The guild's version: caches of guild data are stamped with it (``ensure_guild``)."""


async def guild_stamp(database: Database, guild_id: int) -> Hashable | None:
    """What a copy of the guild's data read now is stamped with: the change feed's count
    for the guild while it listens (PostgreSQL; no query), else the guild's version (None
    when it has no settings row). Take it before reading the data."""
    stamp = database.changes.stamp(guild_id) if database.changes is not None else None
    return stamp if stamp is not None else await database.peek(GUILD_VERSION, guild_id=guild_id)


_SETTINGS = select(
    GuildSettings.timezone,
    GuildSettings.moderator_role_id,
    GuildSettings.mentor_role_id,
    GuildSettings.version,
).where(GuildSettings.guild_id == bindparam("guild_id"))
_CHANNELS = select(GuildChannel.feature, GuildChannel.channel_id).where(
    GuildChannel.guild_id == bindparam("guild_id")
)


def _read_config(connection: Connection, guild_id: int) -> tuple[int | None, GuildConfig]:
    """The guild's settings and their version (None: no row, the defaults)."""
    settings = connection.execute(_SETTINGS, {"guild_id": guild_id}).first()
    if settings is None:
        return None, GuildConfig(guild_id)
    channels: dict[str, int] = dict(connection.execute(_CHANNELS, {"guild_id": guild_id}).all())
    timezone, moderator_role_id, mentor_role_id, version = settings
    return version, GuildConfig(guild_id, timezone, moderator_role_id, channels, mentor_role_id)


class GuildSettingsService:
    def __init__(self, database: Database, clock: Clock) -> None:
        self._database = database
        self._clock = clock
        self._cache: VersionedCache[int, GuildConfig] = VersionedCache()

    async def get(self, guild_id: int) -> GuildConfig:
        """The guild's settings as they are now, in every process (see the module)."""
        stamp = await guild_stamp(self._database, guild_id)
        cached = self._cache.lookup(guild_id, stamp)
        if cached is not None:
            return cached
        _, config = await self._database.run(lambda connection: _read_config(connection, guild_id))
        return self._cache.store(guild_id, stamp, config)

    async def _touch(self, session: AsyncSession, guild_id: int, **values: object) -> None:
        await ensure_guild(session, guild_id, self._clock.now(), **values)

    async def mark_left(self, guild_id: int) -> None:
        """The bot was removed from the guild: its data is deleted after a grace period."""
        async with self._database.write() as session:
            await self._touch(session, guild_id, left_at=self._clock.now())

    async def mark_gone(self, guild_ids: Iterable[int]) -> list[int]:
        """Start the grace period for guilds that Discord no longer lists (the bot was
        removed while it was offline). A clock already running is left as it is. Returns
        the guilds whose clock started now."""
        wanted, now = set(guild_ids), self._clock.now()
        if not wanted:
            return []
        async with self._database.write() as session:
            rows = await session.execute(
                select(GuildSettings.guild_id, GuildSettings.left_at).where(
                    GuildSettings.guild_id.in_(wanted)
                )
            )
            running = {guild_id for guild_id, left_at in rows if left_at is not None}
            started = sorted(wanted - running)
            for guild_id in started:
                await ensure_guild(session, guild_id, now, left_at=now)
        return started

    async def mark_returned(self, guild_id: int) -> None:
        async with self._database.write() as session:
            await session.execute(
                update(GuildSettings)
                .where(GuildSettings.guild_id == guild_id, GuildSettings.left_at.is_not(None))
                .values(left_at=None)
            )

    async def left_before(self, cutoff: datetime) -> list[int]:
        """Guilds the bot left before ``cutoff`` (and was not added back to)."""
        async with self._database.read() as session:
            rows = await session.scalars(
                select(GuildSettings.guild_id).where(GuildSettings.left_at <= cutoff)
            )
            return list(rows)

    async def _update(self, guild_id: int, **values: object) -> GuildConfig:
        """Apply ``values`` and read the settings back: one write unit of work, one hop."""
        now = self._clock.now()

        def unit(connection: Connection) -> tuple[int | None, GuildConfig]:
            ensure_guild_now(connection, guild_id, now, **values)
            return _read_config(connection, guild_id)

        version, config = await self._database.run(unit, write=True)
        return self._cache.store(guild_id, version, config)

    async def set_timezone(self, guild_id: int, timezone: str) -> GuildConfig:
        return await self._update(guild_id, timezone=validate_timezone(timezone))

    async def set_moderator_role(self, guild_id: int, role_id: int | None) -> GuildConfig:
        return await self._update(guild_id, moderator_role_id=role_id)

    async def set_mentor_role(self, guild_id: int, role_id: int | None) -> GuildConfig:
        """The role mentors hold while they mentor someone (None: no such role)."""
        return await self._update(guild_id, mentor_role_id=role_id)

    async def set_channel(self, guild_id: int, feature: str, channel_id: int | None) -> GuildConfig:
        if feature not in FEATURE_CHANNELS:
            raise InvalidInput(f"`{feature}` is not a feature with a channel.")
        async with self._database.write() as session:
            await self._touch(session, guild_id)
            if channel_id is None:
                await session.execute(
                    delete(GuildChannel).where(
                        GuildChannel.guild_id == guild_id, GuildChannel.feature == feature
                    )
                )
            else:
                await insert_or_update(
                    session,
                    GuildChannel,
                    keys={"guild_id": guild_id, "feature": feature},
                    insert_values={},
                    update_values={"channel_id": channel_id},
                )
        return await self.get(guild_id)
