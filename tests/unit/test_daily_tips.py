"""The tip of the day is posted exactly once per local day, across restarts and downtime."""

import asyncio
import random
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from bot.errors import InvalidInput, NotFound
from bot.services.careers.daily_tip import CLAIM_LEASE, DailyTipService
from bot.services.careers.guidance import CareerService
from bot.services.core.guild_settings import GuildSettingsService

GUILD, CHANNEL = 1, 100


def services(database: Database, clock: ManualClock, content: Content) -> DailyTipService:
    """A fresh set of services: what a restarted process would build."""
    return DailyTipService(
        database, clock, CareerService(database, clock, content, random.Random(1))
    )


@pytest.fixture
async def berlin(any_database: Database, clock: ManualClock) -> None:
    await GuildSettingsService(any_database, clock).set_timezone(GUILD, "Europe/Berlin")


@pytest.mark.usefixtures("berlin")
async def test_posts_once_at_the_local_time(
    any_database: Database, clock: ManualClock, content: Content
) -> None:
    daily = services(any_database, clock, content)
    await daily.configure(GUILD, CHANNEL, "9:00")
    clock.set(datetime(2026, 11, 23, 7, 59, tzinfo=UTC))  # 08:59 in Berlin
    assert await daily.claim_due() == []
    clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    [due] = await daily.claim_due()
    assert (due.guild_id, due.channel_id, due.local_date) == (GUILD, CHANNEL, date(2026, 11, 23))
    assert len(due.nonce) <= 25
    await daily.confirm(due, message_id=555)
    clock.advance(timedelta(hours=10))
    assert await daily.claim_due() == []


@pytest.mark.usefixtures("berlin")
async def test_a_crash_before_confirming_resends_the_same_post_after_the_lease(
    any_database: Database, clock: ManualClock, content: Content
) -> None:
    await services(any_database, clock, content).configure(GUILD, CHANNEL, "09:00")
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    [first] = await services(any_database, clock, content).claim_due()
    # The process dies before it confirms. A restarted one waits out the lease...
    restarted = services(any_database, clock, content)
    assert await restarted.claim_due() == []
    clock.advance(CLAIM_LEASE + timedelta(seconds=1))
    [again] = await restarted.claim_due()
    assert (again.post_id, again.tip.id, again.nonce) == (first.post_id, first.tip.id, first.nonce)
    await restarted.confirm(again, message_id=777)
    clock.advance(CLAIM_LEASE * 3)
    assert await restarted.claim_due() == []


@pytest.mark.usefixtures("berlin")
async def test_downtime_skips_missed_days_and_posts_late_today(
    any_database: Database, clock: ManualClock, content: Content
) -> None:
    daily = services(any_database, clock, content)
    await daily.configure(GUILD, CHANNEL, "09:00")
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    [monday] = await daily.claim_due()
    await daily.confirm(monday, 1)
    # Down from Monday noon until Wednesday 21:00 local: Tuesday is skipped, Wednesday late.
    clock.set(datetime(2026, 11, 25, 20, 0, tzinfo=UTC))
    [wednesday] = await daily.claim_due()
    assert wednesday.local_date == date(2026, 11, 25)
    await daily.confirm(wednesday, 2)
    assert await daily.claim_due() == []


@pytest.mark.usefixtures("berlin")
async def test_concurrent_ticks_claim_a_day_once(
    any_database: Database, clock: ManualClock, content: Content
) -> None:
    await services(any_database, clock, content).configure(GUILD, CHANNEL, "09:00")
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    results = await asyncio.gather(
        *(services(any_database, clock, content).claim_due() for _ in range(10))
    )
    assert sum(len(claimed) for claimed in results) == 1


@pytest.mark.usefixtures("berlin")
async def test_no_tip_twice_within_thirty_days_while_others_remain(
    any_database: Database, clock: ManualClock, content: Content
) -> None:
    daily = services(any_database, clock, content)
    await daily.configure(GUILD, CHANNEL, "09:00")
    clock.set(datetime(2026, 1, 1, 10, 0, tzinfo=UTC))
    posted: list[str] = []
    for _ in range(len(content.career.tips) + 1):
        [due] = await daily.claim_due()
        await daily.confirm(due, len(posted) + 1)
        posted.append(due.tip.id)
        clock.advance(timedelta(days=1))
    pool = len(content.career.tips)
    assert len(set(posted[:pool])) == pool
    assert posted[pool] == posted[0]  # the least recently posted comes back first


async def test_daily_settings_are_validated(
    any_database: Database, clock: ManualClock, content: Content
) -> None:
    daily = services(any_database, clock, content)
    with pytest.raises(InvalidInput, match="HH:MM"):
        await daily.configure(GUILD, CHANNEL, "25:00")
    with pytest.raises(NotFound):
        await daily.disable(GUILD)
    await daily.configure(GUILD, CHANNEL, "07:05")
    await daily.disable(GUILD)
    schedule = await daily.schedule(GUILD)
    assert (schedule.post_time, schedule.enabled, schedule.timezone) == ("07:05", False, "UTC")
    clock.advance(timedelta(days=1))
    assert await daily.claim_due() == []
