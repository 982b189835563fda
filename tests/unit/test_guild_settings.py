import pytest

from bot.clock import ManualClock
from bot.db.engine import Database
from bot.errors import InvalidInput
from bot.services.core.guild_settings import GuildSettingsService, search_timezones


@pytest.fixture
def service(any_database: Database, clock: ManualClock) -> GuildSettingsService:
    return GuildSettingsService(any_database, clock)


async def test_a_new_guild_gets_defaults(service: GuildSettingsService) -> None:
    config = await service.get(42)
    assert (config.timezone, config.moderator_role_id, config.channels) == ("UTC", None, {})


async def test_settings_are_kept_per_guild(service: GuildSettingsService) -> None:
    await service.set_timezone(1, "Europe/Berlin")
    await service.set_moderator_role(1, 777)
    await service.set_channel(1, "suggestions", 555)
    await service.set_timezone(2, "America/New_York")

    first, second = await service.get(1), await service.get(2)
    assert (first.timezone, first.moderator_role_id, first.channels) == (
        "Europe/Berlin",
        777,
        {"suggestions": 555},
    )
    assert (second.timezone, second.moderator_role_id, second.channels) == (
        "America/New_York",
        None,
        {},
    )


async def test_a_channel_can_be_cleared(service: GuildSettingsService) -> None:
    await service.set_channel(1, "suggestions", 555)
    await service.set_channel(1, "suggestions", None)
    assert (await service.get(1)).channels == {}


async def test_unknown_zones_and_features_are_refused(service: GuildSettingsService) -> None:
    with pytest.raises(InvalidInput, match="not a time zone"):
        await service.set_timezone(1, "Mars/Olympus_Mons")
    with pytest.raises(InvalidInput, match="not a feature"):
        await service.set_channel(1, "karaoke", 1)


async def test_updated_at_follows_the_bot_clock(
    service: GuildSettingsService, any_database: Database, clock: ManualClock
) -> None:
    from datetime import timedelta

    from bot.models.core import GuildSettings

    await service.set_timezone(1, "Asia/Tokyo")
    clock.advance(timedelta(days=3))
    await service.set_timezone(1, "Europe/Paris")
    async with any_database.read() as session:
        row = await session.get(GuildSettings, 1)
    assert row is not None
    assert row.updated_at - row.created_at == timedelta(days=3)


def test_zone_search_puts_prefix_matches_first() -> None:
    assert search_timezones("europe/ber")[0] == "Europe/Berlin"
    assert "America/New_York" in search_timezones("new york")
    assert len(search_timezones("")) == 25
