"""Challenge settings, the queue and the plan of the coming days."""

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.app import ChallengeServices, build_services
from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from bot.errors import InvalidInput, NotFound
from bot.services.challenges.common import EVERY_DAY, NotSetUp, days_text
from bot.services.challenges.schedule import assign
from bot.services.challenges.settings import cadence_mask, parse_days

GUILD, OTHER, CHANNEL, MOD = 1, 2, 100, 7
MONDAY = date(2026, 11, 23)  # the clock starts on this Monday, 09:00 UTC


@pytest.fixture
async def services(
    any_database: Database, clock: ManualClock, content: Content
) -> ChallengeServices:
    services = build_services(any_database, clock, content).challenges
    await services.settings.setup(GUILD, CHANNEL, "18:00", "UTC")
    return services


def test_cadences_and_their_words() -> None:
    assert cadence_mask("daily", "mon") == EVERY_DAY
    assert days_text(cadence_mask("weekdays", None)) == "on weekdays (Mon to Fri)"
    assert days_text(cadence_mask("weekdays", "Monday, wed fri")) == "on Mon, Wed, Fri"
    assert days_text(cadence_mask("weekly", "sat")) == "every Sat"
    assert parse_days("sun") == 64
    with pytest.raises(InvalidInput, match="exactly one day"):
        cadence_mask("weekly", "mon tue")
    with pytest.raises(InvalidInput, match="not a weekday"):
        parse_days("mon someday")


async def test_settings_need_a_setup_and_validate(
    services: ChallengeServices, clock: ManualClock
) -> None:
    with pytest.raises(NotSetUp):
        await services.settings.set_paused(OTHER, True)
    with pytest.raises(InvalidInput, match="HH:MM"):
        await services.settings.setup(GUILD, CHANNEL, "7pm", None)
    with pytest.raises(InvalidInput, match="not a time zone"):
        await services.settings.setup(GUILD, CHANNEL, "19:00", "Mars/Olympus")
    settings = await services.settings.setup(GUILD, CHANNEL, "7:05", "Asia/Tokyo")
    assert (settings.post_time, settings.timezone, settings.paused) == (
        "07:05",
        "Asia/Tokyo",
        False,
    )
    with pytest.raises(InvalidInput, match="hours"):
        await services.settings.set_reminder(GUILD, None, role_id=5)
    settings = await services.settings.set_reminder(GUILD, 2, role_id=5)
    assert (settings.reminder_hours, settings.reminder_role_id) == (2, 5)
    settings = await services.settings.set_reminder(GUILD, None, None)
    assert (settings.reminder_hours, settings.reminder_role_id) == (None, None)
    with pytest.raises(InvalidInput, match="between 0 and 10"):
        await services.settings.set_feedback_required(GUILD, 11)


def test_moderators_cards_are_validated(services: ChallengeServices) -> None:
    card = services.schedule.card(" Bass ", " One synth. ", "sound-design", "hard", "36h")
    assert (card.title, card.brief, card.hours_to_submit) == ("Bass", "One synth.", 36)
    bad = [
        ("", "brief", "sound-design", "easy", "24"),
        ("Title", "x" * 701, "sound-design", "easy", "24"),
        ("Title", "brief", "juggling", "easy", "24"),
        ("Title", "brief", "sound-design", "brutal", "24"),
        ("Title", "brief", "sound-design", "easy", "0"),
        ("Title", "brief", "sound-design", "easy", "a day"),
    ]
    for fields in bad:
        with pytest.raises(InvalidInput):
            services.schedule.card(*fields)
    with pytest.raises(InvalidInput, match="no built-in challenge"):
        services.schedule.bank_card("no-such-challenge")


async def test_the_plan_shows_dated_items_then_the_queue_then_the_bank(
    services: ChallengeServices, content: Content
) -> None:
    first = services.schedule.card("First", "Brief one.", "mixing-basics", "easy", 24)
    second = services.schedule.card("Second", "Brief two.", "mastering", "medium", 24)
    dated = services.schedule.card("Dated", "Brief three.", "recording", "hard", 24)
    await services.schedule.add(GUILD, MOD, first, None)
    await services.schedule.add(GUILD, MOD, second, None)
    await services.schedule.add(GUILD, MOD, dated, "2026-11-24")
    bank_id = content.challenges.challenges[0].id
    await services.schedule.add(GUILD, MOD, services.schedule.bank_card(bank_id), "2026-12-13")
    plan = await services.schedule.plan(GUILD)
    assert len(plan) == 14 and plan[0].local_date == MONDAY
    assert [day.card.title for day in plan[:3]] == ["First", "Dated", "Second"]
    assert all(day.item_id is None for day in plan[3:])
    assert len({day.card.bank_id for day in plan[3:]}) == 11  # the bank, no repeats
    assert [item.card.title for item in await services.schedule.queue(GUILD)][:2] == [
        "Dated",
        content.challenges.challenges[0].title,
    ]


async def test_move_edit_and_remove_stay_in_their_guild(
    services: ChallengeServices, clock: ManualClock
) -> None:
    card = services.schedule.card("Flip", "Flip it.", "sound-design", "easy", 24)
    a = await services.schedule.add(GUILD, MOD, card, None)
    b = await services.schedule.add(GUILD, MOD, card, None)
    moved = await services.schedule.move(GUILD, b.id, "next")
    assert [d.item_id for d in (await services.schedule.plan(GUILD))[:2]] == [b.id, a.id]
    assert moved.position < a.position
    dated = await services.schedule.move(GUILD, a.id, "2026-11-30")
    assert dated.local_date == date(2026, 11, 30)
    with pytest.raises(InvalidInput, match="already scheduled"):
        await services.schedule.move(GUILD, b.id, "2026-11-30")
    with pytest.raises(InvalidInput, match="has passed"):
        await services.schedule.move(GUILD, b.id, "2026-11-01")
    with pytest.raises(InvalidInput, match="YYYY-MM-DD"):
        await services.schedule.move(GUILD, b.id, "tomorrow")
    edited = await services.schedule.edit(
        GUILD, b.id, services.schedule.card("Flop", "Flop it.", "mastering", "hard", 12)
    )
    assert (edited.card.title, edited.card.hours_to_submit) == ("Flop", 12)

    await services.settings.setup(OTHER, CHANNEL, "18:00", None)
    for attempt in (
        services.schedule.move(OTHER, a.id, "end"),
        services.schedule.edit(OTHER, a.id, card),
        services.schedule.remove(OTHER, a.id),
    ):
        with pytest.raises(NotFound):
            await attempt
    assert (await services.schedule.remove(GUILD, a.id)).id == a.id
    assert [item.id for item in await services.schedule.queue(GUILD)] == [b.id]
    assert await services.schedule.queue(OTHER) == []


async def test_a_posted_day_cannot_be_scheduled_and_leaves_the_plan(
    services: ChallengeServices, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 11, 23, 18, 0, tzinfo=UTC))
    [post] = await services.posting.claim_due(clock.now())
    card = services.schedule.card("Flip", "Flip it.", "sound-design", "easy", 24)
    with pytest.raises(InvalidInput, match="already posted"):
        await services.schedule.add(GUILD, MOD, card, "2026-11-23")
    plan = await services.schedule.plan(GUILD)
    assert plan[0].local_date == MONDAY + timedelta(days=1)
    assert post.title not in [day.card.title for day in plan]  # the bank moved on


def test_assign_posts_overdue_items_first() -> None:
    from bot.services.challenges.common import ChallengeCard
    from bot.services.challenges.schedule import QueueItem

    def card(title: str) -> ChallengeCard:
        return ChallengeCard(title, "b", "mastering", "easy", 24)

    items = [
        QueueItem(1, None, 0, card("queued")),
        QueueItem(2, MONDAY - timedelta(days=2), 5, card("overdue")),
        QueueItem(3, MONDAY + timedelta(days=1), 1, card("tuesday")),
    ]
    days = [MONDAY + timedelta(days=offset) for offset in range(4)]
    plan = assign(days, items, [card("bank-1"), card("bank-2")])
    assert [day.card.title for day in plan] == ["overdue", "tuesday", "queued", "bank-1"]
