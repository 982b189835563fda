"""`/mentor find` keeps the guild's open mentors in memory, and every change to them is seen:
made through this process's database handle, by the next search; through another one on the
same database, by the next search on SQLite and once the server's notice arrives on
PostgreSQL (when TEST_POSTGRES_URL is set)."""

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import update

from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from bot.models.community import MentorOffer
from bot.services.careers.guidance import CareerService
from bot.services.community.mentoring import MentoringService
from bot.services.community.profiles import ProfileService
from bot.services.community.safety import SafetyService
from tests.feed import listening, seen

GUILD, MENTEE = 3, 10
MENTORS = (20, 21, 22)


def mentoring_on(database: Database, clock: ManualClock, content: Content) -> MentoringService:
    profiles = ProfileService(database, clock, content)
    career = CareerService(database, clock, content)
    return MentoringService(database, clock, profiles, career, SafetyService(database, clock))


@pytest.fixture
async def other(any_database: Database) -> AsyncIterator[Database]:
    """A second handle on the same database, as another process holds."""
    database = Database.from_url(any_database.engine.url.render_as_string(hide_password=False))
    yield database
    await database.close()


async def found(service: MentoringService, skill: str | None = None) -> list[int]:
    return [ranked.mentor.user_id for ranked in await service.find(GUILD, MENTEE, skill)]


async def found_sorted(service: MentoringService) -> list[int]:
    return sorted(await found(service))


async def test_changes_through_either_handle_are_seen_by_the_next_search(
    any_database: Database, other: Database, clock: ManualClock, content: Content
) -> None:
    here, there = mentoring_on(any_database, clock, content), mentoring_on(other, clock, content)
    await listening(any_database, other)
    for mentor in MENTORS:
        await here.offer(GUILD, mentor, ["mastering"], 1, "Weekends", True)
    assert sorted(await found(here)) == list(MENTORS)

    # A change that leaves the guild's version alone is not seen: the copy answers.
    async with any_database.write() as session:
        await session.execute(update(MentorOffer).values(paused=True))
    assert sorted(await found(here)) == list(MENTORS)
    async with any_database.write() as session:
        await session.execute(update(MentorOffer).values(paused=False))

    await there.set_paused(GUILD, MENTORS[0], True)
    assert await seen(lambda: found_sorted(here), list(MENTORS[1:])) == list(MENTORS[1:])
    await there.offer(GUILD, MENTORS[1], ["mixing-basics"], 1, "Evenings", True)
    only = [MENTORS[1]]
    assert await seen(lambda: found(here, "mixing-basics"), only) == only
    sent = await here.request(GUILD, MENTEE + 1, MENTORS[2], "", None)
    await there.accept(GUILD, sent.request.id, MENTORS[2])  # its only place is taken
    assert await seen(lambda: found(here), only) == only
    await here.end(GUILD, MENTORS[2], MENTEE + 1)
    assert await seen(lambda: found_sorted(there), list(MENTORS[1:])) == list(MENTORS[1:])

    profiles = ProfileService(other, clock, content)
    await profiles.save_privacy(GUILD, MENTORS[1], False, ["timezone"])
    await profiles.save_about(GUILD, MENTORS[1], [], None, "Europe/Berlin", "")
    [ranked, *_] = [r for r in await here.find(GUILD, MENTEE) if r.mentor.user_id == MENTORS[1]]
    assert ranked.suggestion.hours_apart is None  # the private time zone is seen at once
