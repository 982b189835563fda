"""Guild settings are served from memory, and every change is seen: made by this process,
by the next read; by another one, by the next read on SQLite and once the server's notice
arrives on PostgreSQL."""

import asyncio
import sys
import textwrap

from sqlalchemy import delete

from bot.clock import ManualClock
from bot.db.engine import Database
from bot.models.core import GuildChannel
from bot.services.challenges.settings import ChallengeSettingsService
from bot.services.core.guild_settings import GuildSettingsService
from bot.services.core.privacy import PrivacyService
from bot.services.core.settings_cache import VersionedCache
from tests.feed import listening, seen

GUILD = 7


def test_a_copy_is_trusted_only_at_its_stamp() -> None:
    cache: VersionedCache[int, str] = VersionedCache()
    cache.store(1, 3, "copy")
    assert cache.lookup(1, 3) == "copy"
    assert cache.lookup(1, 4) is None
    assert cache.lookup(2, 3) is None
    cache.forget(1)
    assert cache.lookup(1, 3) is None and len(cache) == 0


async def test_an_unchanged_guild_is_read_from_memory(
    any_database: Database, clock: ManualClock
) -> None:
    service = GuildSettingsService(any_database, clock)
    await listening(any_database)
    await service.set_channel(GUILD, "suggestions", 555)
    assert (await service.get(GUILD)).channels == {"suggestions": 555}
    # A change behind the service's back that leaves the version alone is not seen: the
    # copy in memory answers (only changes through ensure_guild raise the version).
    async with any_database.write() as session:
        await session.execute(delete(GuildChannel).where(GuildChannel.guild_id == GUILD))
    assert (await service.get(GUILD)).channels == {"suggestions": 555}
    await service.set_moderator_role(GUILD, 9)
    assert (await service.get(GUILD)).channels == {}


async def test_a_feature_setting_the_time_zone_is_seen_at_once(
    any_database: Database, clock: ManualClock
) -> None:
    service = GuildSettingsService(any_database, clock)
    assert (await service.get(GUILD)).timezone == "UTC"
    await ChallengeSettingsService(any_database, clock).setup(GUILD, 1, "09:00", "Asia/Tokyo")
    assert (await service.get(GUILD)).timezone == "Asia/Tokyo"


async def test_a_forgotten_and_recreated_guild_starts_from_the_defaults(
    any_database: Database, clock: ManualClock
) -> None:
    service = GuildSettingsService(any_database, clock)
    await service.set_timezone(GUILD, "Europe/Paris")
    assert (await service.get(GUILD)).timezone == "Europe/Paris"
    await PrivacyService(any_database, clock).forget_guild(GUILD)
    assert (await service.get(GUILD)).timezone == "UTC"
    await service.set_moderator_role(GUILD, 5)  # the row again, at a new first version
    config = await service.get(GUILD)
    assert (config.timezone, config.moderator_role_id) == ("UTC", 5)


CHANGE_ELSEWHERE = textwrap.dedent(
    """
    import asyncio, sys
    from bot.clock import SystemClock
    from bot.db.engine import Database
    from bot.services.core.guild_settings import GuildSettingsService

    async def main() -> None:
        database = Database.from_url(sys.argv[1])
        service = GuildSettingsService(database, SystemClock())
        await service.set_timezone(int(sys.argv[2]), "America/Chicago")
        await service.set_channel(int(sys.argv[2]), "mod-log", 4242)
        await database.close()

    asyncio.run(main())
    """
)


async def test_a_change_made_by_another_process_is_seen(
    any_database: Database, clock: ManualClock
) -> None:
    service = GuildSettingsService(any_database, clock)
    await service.set_timezone(GUILD, "Europe/Berlin")
    assert (await service.get(GUILD)).timezone == "Europe/Berlin"
    url = any_database.engine.url.render_as_string(hide_password=False)
    other = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CHANGE_ELSEWHERE, url, str(GUILD)
    )
    assert await other.wait() == 0
    expected = ("America/Chicago", {"mod-log": 4242})

    async def read() -> tuple[str, dict[str, int]]:
        config = await service.get(GUILD)
        return config.timezone, config.channels

    assert await seen(read, expected) == expected
