"""The shard test in Python and in SQL agree, on every backend."""

import random
from datetime import UTC, datetime

from sqlalchemy import select

from bot.db.engine import Database
from bot.models.core import GuildSettings
from bot.shards import EVERY_SHARD, Shards


def test_a_guild_belongs_to_the_shard_discord_puts_it_on() -> None:
    guild = (123 << 22) | 4567  # shard 123 % count
    assert Shards(4, (3,)).owns(guild)
    assert not Shards(4, (0, 1, 2)).owns(guild)
    assert Shards(4, (0, 1, 2, 3)).owns(guild) and EVERY_SHARD.owns(guild)


async def test_the_sql_filter_picks_exactly_the_guilds_the_process_owns(
    any_database: Database,
) -> None:
    rng = random.Random(7)
    guilds = [rng.randrange(1 << 40, 1 << 62) for _ in range(200)]
    now = datetime(2026, 11, 22, tzinfo=UTC)
    async with any_database.write() as session:
        session.add_all(
            GuildSettings(guild_id=g, timezone="UTC", created_at=now, updated_at=now)
            for g in guilds
        )
    for shards in (Shards(2, (0,)), Shards(2, (1,)), Shards(5, (1, 4)), EVERY_SHARD):
        async with any_database.read() as session:
            held = set(
                await session.scalars(
                    select(GuildSettings.guild_id).where(shards.holds(GuildSettings.guild_id))
                )
            )
        assert held == {g for g in guilds if shards.owns(g)}
        assert 0 < len(held) < len(guilds) or shards.every
