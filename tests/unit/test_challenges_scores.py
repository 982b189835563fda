"""Results, points, streaks, leaderboards and history on a real database."""

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.app import ChallengeServices, build_services
from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from bot.services.challenges.common import PostInfo
from bot.services.challenges.rules import ENTRY_POINTS, PODIUM_POINTS, VOTE_POINTS, Streak
from bot.services.challenges.scores import BOARD_SIZE, Standing, award

GUILD, CHANNEL = 1, 100
ALICE, BOB, CAROL, DAN = 11, 12, 13, 14
LINK = "https://example.com/take"


@pytest.fixture
async def services(
    any_database: Database, clock: ManualClock, content: Content
) -> ChallengeServices:
    services = build_services(any_database, clock, content).challenges
    await services.settings.setup(GUILD, CHANNEL, "23:30", "America/New_York")
    return services


async def post_at(services: ChallengeServices, clock: ManualClock, when: datetime) -> PostInfo:
    clock.set(when)
    [post] = await services.posting.claim_due(clock.now())
    await services.posting.confirm(post, post.id * 10, None)
    return post


async def enter(services: ChallengeServices, post: PostInfo, *users: int) -> list[int]:
    ids = []
    for user in users:
        entry = await services.entries.submit(
            GUILD, user, post.id, link=LINK, notes=None, file=None
        )
        await services.entries.attach(GUILD, entry.submission_id, entry.submission_id * 7)
        ids.append(entry.submission_id)
    return ids


async def close(services: ChallengeServices, clock: ManualClock, post: PostInfo) -> None:
    clock.set(post.deadline_at)
    for results in await services.posting.claim_results(clock.now()):
        await services.posting.confirm_results(results.post, 1)


async def test_entries_after_local_midnight_count_for_the_challenges_day(
    services: ChallengeServices, clock: ManualClock
) -> None:
    # 23:30 in New York on March 1st is 04:30 UTC on March 2nd.
    monday = await post_at(services, clock, datetime(2027, 3, 2, 4, 30, tzinfo=UTC))
    assert monday.local_date == date(2027, 3, 1)
    clock.set(datetime(2027, 3, 2, 5, 10, tzinfo=UTC))  # 00:10 in New York, March 2nd
    await enter(services, monday, ALICE)
    assert await services.scores.streak(GUILD, ALICE) == Streak(1, 1, 0)  # open, entered
    await close(services, clock, monday)
    tuesday = await post_at(services, clock, datetime(2027, 3, 3, 4, 30, tzinfo=UTC))
    assert tuesday.local_date == date(2027, 3, 2)
    assert await services.scores.streak(GUILD, ALICE) == Streak(1, 1, 0)  # not missed yet
    await enter(services, tuesday, ALICE)
    await close(services, clock, tuesday)
    assert await services.scores.streak(GUILD, ALICE) == Streak(2, 2, 0)
    history = await services.scores.history(GUILD, ALICE)
    assert [h.local_date for h in history] == [date(2027, 3, 2), date(2027, 3, 1)]
    assert history[0].points == ENTRY_POINTS + 2  # streak bonus of day two


async def test_results_rank_votes_award_points_and_count_a_replaced_entry_once(
    services: ChallengeServices, clock: ManualClock
) -> None:
    post = await post_at(services, clock, datetime(2027, 3, 2, 4, 30, tzinfo=UTC))
    alice, bob, carol = await enter(services, post, ALICE, BOB, CAROL)
    for entry, voters in ((alice, [BOB, CAROL, DAN]), (bob, [ALICE]), (carol, [ALICE, DAN])):
        for voter in voters:
            await services.entries.vote(GUILD, entry, voter, entry * 7)
    await enter(services, post, BOB)  # Bob replaces his entry: his vote is gone
    clock.set(post.deadline_at)
    [results] = await services.posting.claim_results(clock.now())
    assert results.entries == 3
    assert [(p.place, p.user_id, p.votes) for p in results.podium] == [(1, ALICE, 3), (2, CAROL, 2)]
    board = await services.scores.leaderboard(GUILD, "all", BOB)
    expected = {
        ALICE: ENTRY_POINTS + 3 * VOTE_POINTS + 1 + PODIUM_POINTS[0],
        CAROL: ENTRY_POINTS + 2 * VOTE_POINTS + 1 + PODIUM_POINTS[1],
        BOB: ENTRY_POINTS + 1,
    }
    assert {s.user_id: s.points for s in board.standings} == expected
    assert board.mine == Standing(3, BOB, expected[BOB])
    [alice_history] = await services.scores.history(GUILD, ALICE)
    assert (alice_history.votes, alice_history.place, alice_history.open) == (3, 1, False)


async def test_feedback_requirement_keeps_an_entry_off_the_podium(
    services: ChallengeServices, clock: ManualClock
) -> None:
    await services.settings.set_feedback_required(GUILD, 1)
    post = await post_at(services, clock, datetime(2027, 3, 2, 4, 30, tzinfo=UTC))
    alice, bob = await enter(services, post, ALICE, BOB)
    await services.entries.vote(GUILD, alice, CAROL, alice * 7)
    await services.entries.vote(GUILD, bob, CAROL, bob * 7)
    await services.entries.give_feedback(GUILD, alice, BOB, "Lovely filter movement there.")
    clock.set(post.deadline_at)
    [results] = await services.posting.claim_results(clock.now())
    assert [p.user_id for p in results.podium] == [BOB]
    assert results.feedback_required == 1


async def test_a_missed_day_ends_a_streak_unless_a_freeze_covers_it(
    services: ChallengeServices, clock: ManualClock
) -> None:
    start = datetime(2027, 3, 2, 4, 30, tzinfo=UTC)
    streaks = []
    for day in range(10):
        post = await post_at(services, clock, start + timedelta(days=day))
        await enter(services, post, *([ALICE, BOB] if day < 7 else [BOB]))
        await close(services, clock, post)
        streaks.append(await services.scores.streak(GUILD, ALICE))
    # Seven entries bank a freeze; it covers the first missed day, the second ends it.
    assert streaks[6:9] == [Streak(7, 7, 1), Streak(7, 7, 0), Streak(0, 7, 0)]
    assert await services.scores.streak(GUILD, BOB) == Streak(10, 10, 1)


async def test_leaderboard_periods_follow_the_guilds_calendar(
    services: ChallengeServices, clock: ManualClock
) -> None:
    # Sunday 2027-03-07 in New York: the post closes on Monday 03-08 (a new week).
    post = await post_at(services, clock, datetime(2027, 3, 7, 4, 30, tzinfo=UTC))
    await enter(services, post, ALICE)
    await close(services, clock, post)
    week = await services.scores.leaderboard(GUILD, "week", ALICE)
    assert [s.user_id for s in week.standings] == [ALICE]
    clock.advance(timedelta(days=7))
    assert (await services.scores.leaderboard(GUILD, "week", ALICE)).standings == []
    assert (await services.scores.leaderboard(GUILD, "month", ALICE)).mine is not None
    clock.set(datetime(2027, 4, 1, 5, 0, tzinfo=UTC))  # 01:00 on April 1st in New York
    month = await services.scores.leaderboard(GUILD, "month", ALICE)
    assert (month.standings, month.mine) == ([], None)
    assert len((await services.scores.leaderboard(GUILD, "all", ALICE)).standings) == 1


async def test_standings_rank_the_whole_guild_and_count_each_award_once(
    services: ChallengeServices, any_database: Database, clock: ManualClock
) -> None:
    """Sixty members, points 60 down to 1 with a tie at the top: the board shows the best
    fifty with competition ranks, a member below it still sees their place, and awarding
    the same sources again changes nothing."""
    earned = [(1000 + n, f"bonus:{n}", min(60 - n, 59)) for n in range(60)]
    for _ in range(2):
        async with any_database.write() as session:
            await award(session, GUILD, earned, clock.now())
            await award(session, GUILD + 1, [(1000, "bonus:0", 500)], clock.now())
    board = await services.scores.leaderboard(GUILD, "all", 1059)
    assert len(board.standings) == BOARD_SIZE
    assert board.standings[:3] == [
        Standing(1, 1000, 59),
        Standing(1, 1001, 59),
        Standing(3, 1002, 58),
    ]
    assert board.mine == Standing(60, 1059, 1)
    week = await services.scores.leaderboard(GUILD, "week", 1055)
    assert week.mine == Standing(56, 1055, 5)
    assert (await services.scores.leaderboard(GUILD, "month", 1000)).mine == Standing(1, 1000, 59)
    assert (await services.scores.leaderboard(GUILD, "all", 4242)).mine is None
