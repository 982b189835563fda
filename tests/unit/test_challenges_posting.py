"""Challenges are posted exactly once per guild and local day, and what follows a post
(reminder, results, nudges, champion) is claimed once too."""

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.app import ChallengeServices, build_services
from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from bot.errors import InvalidInput
from bot.services.core.exactly_once import CLAIM_BATCH, CLAIM_LEASE

GUILD, CHANNEL = 1, 100


def build(database: Database, clock: ManualClock, content: Content) -> ChallengeServices:
    """A fresh set of services: what a restarted process (or a second one) would build."""
    return build_services(database, clock, content).challenges


@pytest.fixture
async def berlin(any_database: Database, clock: ManualClock, content: Content) -> ChallengeServices:
    services = build(any_database, clock, content)
    await services.settings.setup(GUILD, CHANNEL, "09:00", "Europe/Berlin")
    return services


async def post_and_confirm(services: ChallengeServices, clock: ManualClock) -> list[int]:
    claimed = await services.posting.claim_due(clock.now())
    for post in claimed:
        await services.posting.confirm(post, 1000 + post.id, 2000 + post.id)
    return [post.id for post in claimed]


async def test_posts_once_at_the_local_time(berlin: ChallengeServices, clock: ManualClock) -> None:
    clock.set(datetime(2026, 11, 23, 7, 59, tzinfo=UTC))  # 08:59 in Berlin
    assert await berlin.posting.claim_due(clock.now()) == []
    clock.set(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    [post] = await berlin.posting.claim_due(clock.now())
    assert (post.guild_id, post.channel_id, post.local_date) == (GUILD, CHANNEL, date(2026, 11, 23))
    assert len(post.nonce("c")) <= 25
    assert post.deadline_at == clock.now() + timedelta(hours=24)
    await berlin.posting.confirm(post, 555, 556)
    clock.advance(timedelta(hours=10))
    assert await berlin.posting.claim_due(clock.now()) == []


async def test_the_local_time_holds_across_daylight_saving_changes(
    berlin: ChallengeServices, clock: ManualClock
) -> None:
    await berlin.settings.setup(GUILD, CHANNEL, "02:30", None)
    # 2027-03-28: Berlin skips from 02:00 to 03:00, so 02:30 never happens: it posts at 03:00.
    clock.set(datetime(2027, 3, 28, 0, 59, tzinfo=UTC))  # 01:59 CET
    assert await berlin.posting.claim_due(clock.now()) == []
    clock.set(datetime(2027, 3, 28, 1, 0, tzinfo=UTC))  # 03:00 CEST
    [post] = await berlin.posting.claim_due(clock.now())
    assert post.local_date == date(2027, 3, 28)
    await berlin.posting.confirm(post, 1, 2)
    # The next day it is 02:30 CEST = 00:30 UTC.
    clock.set(datetime(2027, 3, 29, 0, 29, tzinfo=UTC))
    assert await berlin.posting.claim_due(clock.now()) == []
    clock.set(datetime(2027, 3, 29, 0, 30, tzinfo=UTC))
    assert len(await post_and_confirm(berlin, clock)) == 1


async def test_concurrent_processes_claim_a_day_once(
    berlin: ChallengeServices, any_database: Database, clock: ManualClock, content: Content
) -> None:
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    results = await asyncio.gather(
        *(build(any_database, clock, content).posting.claim_due(clock.now()) for _ in range(10))
    )
    assert sum(len(claimed) for claimed in results) == 1


async def test_a_crash_before_confirming_resends_the_same_post_after_the_lease(
    berlin: ChallengeServices, any_database: Database, clock: ManualClock, content: Content
) -> None:
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    [first] = await berlin.posting.claim_due(clock.now())
    restarted = build(any_database, clock, content)
    assert await restarted.posting.claim_due(clock.now()) == []
    clock.advance(CLAIM_LEASE + timedelta(seconds=1))
    [again] = await restarted.posting.claim_due(clock.now())
    assert (again.id, again.title, again.nonce("c")) == (first.id, first.title, first.nonce("c"))
    await restarted.posting.confirm(again, 7, 8)
    clock.advance(CLAIM_LEASE * 3)
    assert await restarted.posting.claim_due(clock.now()) == []


async def test_downtime_skips_whole_days_and_posts_late_today(
    berlin: ChallengeServices, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    assert len(await post_and_confirm(berlin, clock)) == 1
    clock.set(datetime(2026, 11, 25, 20, 0, tzinfo=UTC))  # down all of Tuesday
    [wednesday] = await berlin.posting.claim_due(clock.now())
    assert wednesday.local_date == date(2026, 11, 25)


async def test_cadence_pause_and_post_now(berlin: ChallengeServices, clock: ManualClock) -> None:
    await berlin.settings.set_cadence(GUILD, "weekly", "wed")
    clock.set(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))  # a Monday
    assert await berlin.posting.claim_due(clock.now()) == []
    clock.set(datetime(2026, 11, 25, 12, 0, tzinfo=UTC))  # Wednesday
    assert len(await post_and_confirm(berlin, clock)) == 1

    await berlin.settings.set_paused(GUILD, True)
    clock.set(datetime(2026, 12, 2, 12, 0, tzinfo=UTC))  # the next Wednesday, paused
    assert await berlin.posting.claim_due(clock.now()) == []
    forced = await berlin.posting.post_now(GUILD)
    assert forced.local_date == date(2026, 12, 2)
    with pytest.raises(InvalidInput, match="already posted"):
        await berlin.posting.post_now(GUILD)


async def test_a_dated_item_makes_its_day_a_challenge_day(
    berlin: ChallengeServices, clock: ManualClock
) -> None:
    await berlin.settings.set_cadence(GUILD, "weekdays", None)
    card = berlin.schedule.card("Saturday flip", "Flip a soul loop.", "sound-design", "easy", "48")
    await berlin.schedule.add(GUILD, 9, card, "2026-11-28")
    clock.set(datetime(2026, 11, 28, 12, 0, tzinfo=UTC))
    [post] = await berlin.posting.claim_due(clock.now())
    assert post.title == "Saturday flip"
    assert post.deadline_at == clock.now() + timedelta(hours=48)
    assert await berlin.schedule.queue(GUILD) == []
    clock.set(datetime(2026, 11, 29, 12, 0, tzinfo=UTC))  # Sunday: no challenge
    assert await berlin.posting.claim_due(clock.now()) == []


async def test_reminder_nudges_results_and_champion_are_each_claimed_once(
    berlin: ChallengeServices, clock: ManualClock
) -> None:
    await berlin.settings.set_reminder(GUILD, 4, role_id=77)
    await berlin.settings.set_champion_role(GUILD, 88)
    clock.set(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    [post_id] = await post_and_confirm(berlin, clock)
    post = await berlin.entries.open_post(GUILD)
    await berlin.entries.submit(
        GUILD, 5, post_id, link="https://example.com/a", notes=None, file=None
    )
    await berlin.entries.set_nudges(GUILD, 6, True)

    clock.set(post.deadline_at - timedelta(hours=4, minutes=1))
    assert await berlin.posting.claim_reminders(clock.now()) == []
    clock.advance(timedelta(minutes=1))
    [reminder] = await berlin.posting.claim_reminders(clock.now())
    assert (reminder.role_id, reminder.hours_left, reminder.post.id) == (77, 4, post_id)
    assert await berlin.posting.claim_reminders(clock.now()) == []
    await berlin.posting.confirm_reminder(reminder.post, 999)
    clock.advance(CLAIM_LEASE * 2)
    assert await berlin.posting.claim_reminders(clock.now()) == []
    # Member 6 has no streak yet: no nudge (and the nudges are claimed once anyway).
    clock.set(post.deadline_at - timedelta(hours=2))
    assert await berlin.posting.claim_nudges(clock.now()) == []

    clock.set(post.deadline_at)
    [results] = await berlin.posting.claim_results(clock.now())
    assert (results.entries, results.podium) == (1, [])
    await berlin.posting.confirm_results(results.post, 1234)
    clock.advance(CLAIM_LEASE * 2)
    assert await berlin.posting.claim_results(clock.now()) == []

    # Points count in the month they are awarded (at the deadline, December 1st), so
    # November's champion is nobody, and on New Year December's is member 5, once.
    [november] = await berlin.posting.claim_champions(clock.now())
    assert (november.role_id, november.month, november.user_id) == (88, "2026-11", None)
    clock.set(datetime(2026, 12, 31, 23, 0, tzinfo=UTC))  # midnight in Berlin
    [december] = await berlin.posting.claim_champions(clock.now())
    assert (december.month, december.previous_user_id, december.user_id) == ("2026-12", None, 5)
    assert await berlin.posting.claim_champions(clock.now()) == []


async def test_unconfirmed_results_are_claimed_again_after_the_lease(
    berlin: ChallengeServices, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    await post_and_confirm(berlin, clock)
    post = await berlin.entries.open_post(GUILD)
    await berlin.entries.submit(
        GUILD, 5, post.id, link="https://example.com/a", notes=None, file=None
    )
    clock.set(post.deadline_at + timedelta(minutes=5))
    [first] = await berlin.posting.claim_results(clock.now())
    assert await berlin.posting.claim_results(clock.now()) == []
    clock.advance(CLAIM_LEASE + timedelta(seconds=1))
    [again] = await berlin.posting.claim_results(clock.now())
    assert again == first
    board = await berlin.scores.leaderboard(GUILD, "all", 5)
    assert board.mine is not None and board.mine.points == 10 + 1  # awarded once


async def test_many_guilds_are_claimed_in_batches_until_all_are_sent(
    any_database: Database, clock: ManualClock, content: Content
) -> None:
    """A fan-out to many guilds claims a batch at a time, so no claim waits long enough
    for its lease to run out; every guild gets its post once."""
    services = build(any_database, clock, content)
    guilds = range(1, 2 * CLAIM_BATCH + 8)
    for guild_id in guilds:
        await services.settings.setup(guild_id, CHANNEL, "09:00", "UTC")
    clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    batches = []
    while claimed := await services.posting.claim_due(clock.now()):
        batches.append(len(claimed))
        for post in claimed:
            await services.posting.confirm(post, 1000 + post.id, None)
    assert batches == [CLAIM_BATCH, CLAIM_BATCH, 7]
    assert await services.posting.claim_due(clock.now()) == []
