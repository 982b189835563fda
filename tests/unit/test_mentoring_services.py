"""Profiles, mentoring, networking and safety services on a real database (and PostgreSQL
when TEST_POSTGRES_URL is set)."""

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from bot.errors import DomainError, InvalidInput, NotAllowed, NotFound
from bot.services.careers.guidance import CareerService
from bot.services.community.mentoring import MentoringService
from bot.services.community.networking import (
    CLAIM_LEASE,
    NetworkService,
    NetworkSettings,
    first_round_after,
)
from bot.services.community.profiles import (
    ProfileInfo,
    ProfileService,
    check_link,
    parse_timezone,
    starters,
    utc_offset,
)
from bot.services.community.safety import SafetyService
from bot.services.core.guild_settings import GuildSettingsService

GUILD, OTHER = 1, 2
MENTEE = 10
MENTORS = list(range(20, 30))


@pytest.fixture
def profiles(any_database: Database, clock: ManualClock, content: Content) -> ProfileService:
    return ProfileService(any_database, clock, content)


@pytest.fixture
def mentoring(
    any_database: Database, clock: ManualClock, content: Content, profiles: ProfileService
) -> MentoringService:
    career = CareerService(any_database, clock, content)
    return MentoringService(
        any_database, clock, profiles, career, SafetyService(any_database, clock)
    )


@pytest.fixture
def network(any_database: Database, clock: ManualClock, profiles: ProfileService) -> NetworkService:
    guilds, safety = GuildSettingsService(any_database, clock), SafetyService(any_database, clock)
    return NetworkService(any_database, clock, profiles, guilds, safety)


async def mentors(service: MentoringService, capacity: int = 2, guild: int = GUILD) -> None:
    for mentor in MENTORS:
        await service.offer(guild, mentor, ["mastering"], capacity, "Weekends", True)


def test_time_zones_links_privacy_and_starters() -> None:
    assert parse_timezone("utc+5:30") == "UTC+05:30"
    assert parse_timezone("Europe/Berlin") == "Europe/Berlin"
    with pytest.raises(InvalidInput):
        parse_timezone("Mars/Olympus")
    summer = datetime(2026, 7, 1, tzinfo=UTC)
    assert utc_offset("Europe/Berlin", summer) == 2 and utc_offset("UTC-03:30", summer) == -3.5
    assert check_link(" https://example.com/a ") == "https://example.com/a"
    for bad in ("javascript:alert(1)", "example.com", "https:// spaced.com", "ftp://x.org"):
        with pytest.raises(InvalidInput):
            check_link(bad)
    secret = ProfileInfo(
        1,
        1,
        timezone="Europe/Berlin",
        links=("https://a.b",),
        private_fields=frozenset({"timezone"}),
    )
    assert secret.public().timezone is None and secret.public().links == ("https://a.b",)
    a = ProfileInfo(1, 1, skills=("mastering",), genres=("trap",), looking_for=("collaborators",))
    b = ProfileInfo(1, 2, goals=("mastering",), genres=("trap",), looking_for=("collaborators",))
    ideas = starters([a, b], {"mastering": "Mastering"})
    assert len(ideas) == 3
    assert ideas[0].startswith("<@1> knows Mastering and <@2>") and "Trap" in ideas[1]
    assert len(starters([ProfileInfo(1, 1), ProfileInfo(1, 2)], {})) == 3


async def test_profiles_are_per_guild_and_validated(profiles: ProfileService) -> None:
    await profiles.save_scene(GUILD, MENTEE, ["trap"], ["fl-studio"])
    with pytest.raises(InvalidInput, match="genre"):
        await profiles.save_scene(GUILD, MENTEE, ["polka-core"], [])
    with pytest.raises(InvalidInput, match="Up to 3"):
        await profiles.save_links(GUILD, MENTEE, [f"https://x.org/{n}" for n in range(4)])
    assert (await profiles.get(GUILD, MENTEE)).genres == ("trap",)
    assert not (await profiles.get(OTHER, MENTEE)).exists
    await profiles.save_privacy(GUILD, MENTEE, True, [])
    with pytest.raises(NotFound):
        await profiles.card(GUILD, MENTEE, viewer_id=MENTORS[0])
    assert (await profiles.card(GUILD, MENTEE, viewer_id=MENTEE)).own


async def test_a_card_shows_the_offer_its_pause_and_the_mentees_of_its_own_guild(
    profiles: ProfileService, mentoring: MentoringService
) -> None:
    mentor = MENTORS[0]
    blank = await profiles.card(GUILD, mentor, viewer_id=mentor)
    assert (blank.mentor_topics, blank.mentor_paused, blank.mentored) == ((), False, 0)
    await mentoring.offer(GUILD, mentor, ["mastering", "mixing-basics"], 2, "Weekends", True)
    sent = await mentoring.request(GUILD, MENTEE, mentor, "", None)
    await mentoring.accept(GUILD, sent.request.id, mentor)
    await mentoring.set_paused(GUILD, mentor, True)
    card = await profiles.card(GUILD, mentor, viewer_id=mentor)
    assert (card.mentor_topics, card.mentor_paused, card.mentored) == (
        ("mastering", "mixing-basics"),
        True,
        1,
    )
    elsewhere = await profiles.card(OTHER, mentor, viewer_id=mentor)
    assert (elsewhere.mentor_topics, elsewhere.mentored) == ((), 0)


async def test_at_most_three_pending_requests_even_when_sent_at_once(
    mentoring: MentoringService,
) -> None:
    await mentors(mentoring)
    await mentoring.request(GUILD, MENTEE, MENTORS[0], "", None)
    with pytest.raises(InvalidInput, match="already have a request"):
        await mentoring.request(GUILD, MENTEE, MENTORS[0], "", None)
    results = await asyncio.gather(
        *(mentoring.request(GUILD, MENTEE, mentor, "", None) for mentor in MENTORS[1:7]),
        return_exceptions=True,
    )
    sent = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(sent) == 2
    assert all(isinstance(r, NotAllowed) and "3 requests" in str(r) for r in refused)
    await mentors(mentoring, guild=OTHER)
    assert (await mentoring.request(OTHER, MENTEE, MENTORS[0], "", None)).by_dm


async def test_accepting_respects_capacity_even_at_once(
    mentoring: MentoringService, clock: ManualClock
) -> None:
    mentor = MENTORS[0]
    await mentoring.offer(GUILD, mentor, ["mastering"], 1, "Weekends", True)
    first = await mentoring.request(GUILD, 11, mentor, "", None)
    second = await mentoring.request(GUILD, 12, mentor, "", None)
    results = await asyncio.gather(
        mentoring.accept(GUILD, first.request.id, mentor),
        mentoring.accept(GUILD, second.request.id, mentor),
        return_exceptions=True,
    )
    assert sum(not isinstance(r, BaseException) for r in results) == 1
    assert any(isinstance(r, NotAllowed) and "no free place" in str(r) for r in results)
    with pytest.raises(NotAllowed, match="no free place"):
        await mentoring.request(GUILD, 13, mentor, "", None)
    with pytest.raises(NotFound):
        await mentoring.accept(OTHER, first.request.id, mentor)
    await mentoring.offer(GUILD, MENTORS[1], ["mastering"], 1, "Weekends", True)
    await mentoring.set_paused(GUILD, MENTORS[1], True)
    with pytest.raises(NotAllowed, match="paused"):
        await mentoring.request(GUILD, 13, MENTORS[1], "", None)


async def test_declines_rest_the_pair_for_thirty_days(
    mentoring: MentoringService, clock: ManualClock
) -> None:
    await mentors(mentoring)
    sent = await mentoring.request(GUILD, MENTEE, MENTORS[0], "", None)
    with pytest.raises(NotAllowed, match="Only the mentor"):
        await mentoring.decline(GUILD, sent.request.id, MENTORS[1])
    await mentoring.decline(GUILD, sent.request.id, MENTORS[0])
    with pytest.raises(InvalidInput, match="already declined"):
        await mentoring.accept(GUILD, sent.request.id, MENTORS[0])
    clock.advance(timedelta(days=29, hours=23))
    with pytest.raises(NotAllowed, match="from 2026-12-23"):
        await mentoring.request(GUILD, MENTEE, MENTORS[0], "", None)
    clock.advance(timedelta(hours=2))
    await mentoring.request(GUILD, MENTEE, MENTORS[0], "", None)


async def test_blocks_cancel_requests_end_mentorships_and_hide_mentors(
    any_database: Database, clock: ManualClock, mentoring: MentoringService
) -> None:
    safety = SafetyService(any_database, clock)
    await mentors(mentoring)
    running = await mentoring.request(GUILD, MENTEE, MENTORS[0], "", None)
    await mentoring.accept(GUILD, running.request.id, MENTORS[0])
    pending = await mentoring.request(GUILD, MENTEE, MENTORS[1], "", None)
    await safety.block(GUILD, MENTORS[0], MENTEE)
    await safety.block(GUILD, MENTEE, MENTORS[1])
    pairings, requests = await mentoring.mine(GUILD, MENTEE)
    assert pairings[0].ended_at is not None
    assert {r.id: r.status for r in requests}[pending.request.id] == "cancelled"
    found = {r.mentor.user_id for r in await mentoring.find(GUILD, MENTEE)}
    assert found == set(MENTORS[2:])
    with pytest.raises(NotAllowed):
        await mentoring.request(GUILD, MENTEE, MENTORS[0], "", None)
    await safety.unblock(GUILD, MENTEE, MENTORS[1])
    with pytest.raises(NotFound):
        await safety.unblock(GUILD, MENTEE, MENTORS[1])
    with pytest.raises(InvalidInput):
        await safety.block(GUILD, MENTEE, MENTEE)


async def test_reports_are_limited_per_day(any_database: Database, clock: ManualClock) -> None:
    safety = SafetyService(any_database, clock)
    for _ in range(5):
        await safety.report(GUILD, MENTEE, 99, "Spamming my DMs")
    with pytest.raises(NotAllowed):
        await safety.report(GUILD, MENTEE, 99, "Spamming my DMs")
    with pytest.raises(InvalidInput):
        await safety.report(GUILD, 11, 99, "bad")
    clock.advance(timedelta(days=1, seconds=1))
    assert (await safety.report(GUILD, MENTEE, 99, "Spamming again")).reason == "Spamming again"


def test_round_dates_follow_the_weekday_and_cadence() -> None:
    monday = date(2026, 11, 23)
    assert first_round_after(monday, 0) == date(2026, 11, 30)
    assert first_round_after(monday, 2) == date(2026, 11, 25)
    every_two = NetworkSettings(1, 5, 2, 0, 2, date(2026, 11, 30), "Europe/Berlin")
    assert every_two.due(datetime(2026, 11, 30, 10, 59, tzinfo=UTC)) is None
    assert every_two.due(datetime(2026, 11, 30, 11, 0, tzinfo=UTC)) == date(2026, 11, 30)
    assert every_two.due(datetime(2026, 12, 13, 23, tzinfo=UTC)) == date(2026, 11, 30)
    assert every_two.due(datetime(2026, 12, 14, 12, tzinfo=UTC)) == date(2026, 12, 14)


async def test_rounds_start_once_match_the_preview_and_avoid_repeats(
    network: NetworkService, profiles: ProfileService, clock: ManualClock
) -> None:
    with pytest.raises(NotFound):
        await network.join(GUILD, MENTEE)
    await network.setup(GUILD, 555, 1, 0, 2)
    members = [11, 12, 13, 14]
    for member in members:
        await network.join(GUILD, member)
    pairs = ((11, 12, "mastering", "recording"), (13, 14, "sound-design", "music-theory"))
    for a, b, one, other in pairs:  # each the other's only match
        await profiles.save_skills(GUILD, a, [one], [other], [])
        await profiles.save_skills(GUILD, b, [other], [one], [])
    _, preview = await network.preview(GUILD)
    clock.set(datetime(2026, 11, 30, 12, tzinfo=UTC))
    await asyncio.gather(network.start_rounds(clock.now()), network.start_rounds(clock.now()))
    intros = await network.claim_intros(clock.now())
    assert sorted(tuple(p.user_id for p in i.members) for i in intros) == preview.groups
    assert preview.groups == [(11, 12), (13, 14)]
    assert await network.claim_intros(clock.now()) == []  # claimed for a lease
    for intro in intros:
        await network.confirm_intro(GUILD, intro.group_id, 777)
    clock.set(datetime(2026, 12, 7, 12, tzinfo=UTC))
    await network.close_rounds(clock.now())
    assert await network.claim_notices(clock.now()) == []
    await network.start_rounds(clock.now())
    second = await network.claim_intros(clock.now())
    first_pairs = {tuple(p.user_id for p in i.members) for i in intros}
    second_pairs = {tuple(p.user_id for p in i.members) for i in second}
    assert len(second_pairs) == 2 and first_pairs.isdisjoint(second_pairs)
    stats = await network.stats(GUILD)
    assert (stats.rounds, stats.intros, stats.groups, stats.active) == (2, 4, 2, 4)


async def test_three_ignored_intros_pause_a_member(
    any_database: Database, network: NetworkService, clock: ManualClock
) -> None:
    safety = SafetyService(any_database, clock)
    await network.setup(GUILD, 555, 1, 0, 2)
    for member in (11, 12, 13):
        await network.join(GUILD, member)
    start = datetime(2026, 11, 30, 12, tzinfo=UTC)
    paused = []
    for week in range(4):
        clock.set(start + timedelta(weeks=week))
        await network.close_rounds(clock.now())
        await network.start_rounds(clock.now())
        for notice in await network.claim_notices(clock.now()):
            paused.append(notice.user_id)
            await network.confirm_notice(notice.id, clock.now())
        for intro in await network.claim_intros(clock.now()):
            await network.confirm_intro(GUILD, intro.group_id, 777)
        clock.set(start + timedelta(weeks=week, days=4))
        for check in await network.claim_checkins(clock.now()):
            await safety.check_in(GUILD, check.group_id, 13, "met")
            if week == 0:
                await safety.check_in(GUILD, check.group_id, 11, "skip")
                with pytest.raises(NotAllowed):
                    await safety.check_in(GUILD, check.group_id, 99, "met")
    assert paused == [12]
    clock.set(start + timedelta(weeks=4))
    await network.close_rounds(clock.now())
    assert [notice.user_id for notice in await network.claim_notices(clock.now())] == [11]
    with pytest.raises(DomainError):
        await safety.check_in(GUILD, 1, 11, "maybe")


async def test_left_out_notices_survive_a_crash_and_go_out_once(
    any_database: Database, network: NetworkService, clock: ManualClock
) -> None:
    """The notice is written with the round: a process that dies before sending it leaves
    it to the next claim after the lease; once confirmed it is never sent again."""
    safety = SafetyService(any_database, clock)
    await network.setup(GUILD, 555, 1, 0, 2)
    for member in (11, 12, 13):
        await network.join(GUILD, member)
    for other in (11, 12):
        await safety.block(GUILD, 13, other)
    clock.set(datetime(2026, 11, 30, 12, tzinfo=UTC))
    await network.start_rounds(clock.now())
    await network.start_rounds(clock.now())  # a second process, or a rerun: no new notice
    [notice] = await network.claim_notices(clock.now())
    assert (notice.user_id, notice.reason, notice.channel_id) == (13, "blocked", 555)
    assert await network.claim_notices(clock.now()) == []  # claimed, then the process died
    clock.advance(CLAIM_LEASE + timedelta(seconds=1))
    [again] = await network.claim_notices(clock.now())
    assert again.id == notice.id
    await network.confirm_notice(again.id, clock.now())
    clock.advance(timedelta(days=1))
    assert await network.claim_notices(clock.now()) == []
