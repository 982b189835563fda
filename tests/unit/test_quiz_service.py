"""The quiz services on a real database: type quiz scoring and history, role rules, solo
rounds with the answer window and reviews, live rounds under concurrency, leaderboards."""

import asyncio
import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.app import QuizServices, build_services
from bot.clock import ManualClock
from bot.content import Content
from bot.content.quiz import TYPE_IDS
from bot.db.engine import Database
from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.models.quiz import QuizAnswer, QuizReview
from bot.services.core.role_safety import BotFacts, RoleFacts, grant_blockers
from bot.services.quiz.bank import QuestionDraft
from bot.services.quiz.producer_type import TypeResult, TypeStep
from bot.services.quiz.rounds import RoundQuestion
from bot.services.quiz.rules import Ranked, answer_points, period_start, rank_totals
from bot.services.quiz.solo import SoloFeedback, UnfinishedRound

GUILD, OTHER_GUILD = 1001, 2002
ALICE, BOB, CAROL = 11, 12, 13
WINDOW = timedelta(seconds=30)


def build(database: Database, clock: ManualClock, content: Content) -> QuizServices:
    return build_services(database, clock, content, rng=random.Random(4)).quiz


@pytest.fixture
def database(any_database: Database) -> Database:
    """Every test here runs on SQLite and, with TEST_POSTGRES_URL, on PostgreSQL too."""
    return any_database


@pytest.fixture
def quiz(database: Database, clock: ManualClock, content: Content) -> QuizServices:
    return build(database, clock, content)


async def take_type_quiz(quiz: QuizServices, guild: int, user: int, picks: list[int]) -> TypeResult:
    step = await quiz.types.start(guild, user)
    outcome: TypeStep | TypeResult = step
    for position, pick in enumerate(picks):
        outcome = await quiz.types.answer(guild, step.session_id, user, position, pick)
    assert isinstance(outcome, TypeResult)
    return outcome


# -- the producer-type quiz -------------------------------------------------------------------

CYCLE = [0, 1, 2, 3, 4, 0, 1, 2, 3, 1, 0, 1, 0, 3, 4, 0]
"""Buttons in turn: engineer 16, mentor 18, musician 9, artist 10, phenom 11."""
ALTERNATE = [0, 4, 1, 4, 1, 4, 1, 4, 1, 4, 1, 4, 1, 4, 1, 4]
"""The first answer, then the last and the second in turn: engineer 15, mentor 10, musician 12,
artist 14, phenom 13."""


async def test_a_scripted_type_quiz_scores_exactly(quiz: QuizServices) -> None:
    result = await take_type_quiz(quiz, GUILD, ALICE, CYCLE)
    assert list(result.scores.items()) == list(zip(TYPE_IDS, (16, 18, 9, 10, 11), strict=True))
    # 64 points: 28.13 %, 25 %, 17.19 %, 15.63 %, 14.06 %, the largest remainder gets the 1 left.
    assert result.ranking == [
        ("mentor-producer", 28),
        ("engineer", 25),
        ("phenom", 17),
        ("artist-producer", 16),
        ("musician-producer", 14),
    ]
    assert (result.primary, result.secondary) == ("mentor-producer", "engineer")


async def test_back_forgets_the_last_answer(quiz: QuizServices) -> None:
    step = await quiz.types.start(GUILD, BOB)
    assert (step.position, step.total) == (0, 16)
    with pytest.raises(InvalidInput, match="first question"):
        await quiz.types.back(GUILD, step.session_id, BOB, 0)
    second = await quiz.types.answer(GUILD, step.session_id, BOB, 0, 0)
    assert isinstance(second, TypeStep)
    assert second.position == 1
    again = await quiz.types.back(GUILD, step.session_id, BOB, 1)
    assert again.position == 0
    with pytest.raises(InvalidInput, match="behind you"):
        await quiz.types.answer(GUILD, step.session_id, BOB, 1, 0)
    outcome: TypeStep | TypeResult = again
    for position, pick in enumerate(ALTERNATE):
        outcome = await quiz.types.answer(GUILD, step.session_id, BOB, position, pick)
    assert isinstance(outcome, TypeResult)
    # 64 points: 23.44, 21.88, 20.31, 18.75, 15.63 %; three leftover points by remainder.
    assert outcome.ranking == [
        ("engineer", 23),
        ("artist-producer", 22),
        ("phenom", 20),
        ("musician-producer", 19),
        ("mentor-producer", 16),
    ]


async def test_a_session_survives_a_new_service_and_refuses_others(
    database: Database, clock: ManualClock, content: Content, quiz: QuizServices
) -> None:
    step = await quiz.types.start(GUILD, ALICE)
    await quiz.types.answer(GUILD, step.session_id, ALICE, 0, 2)
    restarted = build(database, clock, content)
    with pytest.raises(NotAllowed, match="someone else"):
        await restarted.types.answer(GUILD, step.session_id, BOB, 1, 0)
    with pytest.raises(NotFound):
        await restarted.types.answer(OTHER_GUILD, step.session_id, ALICE, 1, 0)
    with pytest.raises(InvalidInput, match="not part of this question"):
        await restarted.types.answer(GUILD, step.session_id, ALICE, 1, 7)
    following = await restarted.types.answer(GUILD, step.session_id, ALICE, 1, 0)
    assert isinstance(following, TypeStep)
    assert following.position == 2

    newer = await restarted.types.start(GUILD, ALICE)
    with pytest.raises(InvalidInput, match="newer quiz"):
        await restarted.types.answer(GUILD, step.session_id, ALICE, 2, 0)
    assert newer.position == 0


async def test_history_latest_and_the_guilds_distribution(
    quiz: QuizServices, clock: ManualClock
) -> None:
    first = await take_type_quiz(quiz, GUILD, ALICE, CYCLE)
    clock.advance(timedelta(days=2))
    second = await take_type_quiz(quiz, GUILD, ALICE, ALTERNATE)
    await take_type_quiz(quiz, GUILD, BOB, ALTERNATE)
    await take_type_quiz(quiz, OTHER_GUILD, CAROL, CYCLE)

    profile = await quiz.types.profile(GUILD, ALICE)
    assert profile.latest.id == second.id
    assert [r.id for r in profile.history] == [first.id]
    assert await quiz.types.latest(GUILD, CAROL) is None
    with pytest.raises(NotFound, match="/quiz type"):
        await quiz.types.profile(GUILD, CAROL)
    # Alice counts once, with her newest result; Carol's guild is separate.
    assert list((await quiz.types.distribution(GUILD)).values()) == [2, 0, 0, 0, 0]
    assert (await quiz.types.distribution(OTHER_GUILD))["mentor-producer"] == 1


async def test_role_rewards_follow_the_newest_result(quiz: QuizServices) -> None:
    result = await take_type_quiz(quiz, GUILD, ALICE, ALTERNATE)
    with pytest.raises(NotFound, match="No role is set for The Engineer"):
        await quiz.types.reward(GUILD, ALICE, result.id)
    await quiz.types.set_role(GUILD, "engineer", 500, moderator_id=BOB)
    await quiz.types.set_role(GUILD, "phenom", 501, moderator_id=BOB)
    await quiz.types.set_role(OTHER_GUILD, "engineer", 900, moderator_id=BOB)
    reward = await quiz.types.reward(GUILD, ALICE, result.id)
    assert (reward.type_id, reward.role_id, reward.other_role_ids) == ("engineer", 500, [501])
    with pytest.raises(NotAllowed):
        await quiz.types.reward(GUILD, BOB, result.id)

    newer = await take_type_quiz(quiz, GUILD, ALICE, CYCLE)
    assert newer.role_id is None  # mentor-producer has no role
    with pytest.raises(InvalidInput, match="newer result"):
        await quiz.types.reward(GUILD, ALICE, result.id)
    await quiz.types.set_role(GUILD, "phenom", None, moderator_id=BOB)
    with pytest.raises(InvalidInput, match="not a producer type"):
        await quiz.types.set_role(GUILD, "drummer", 1, moderator_id=BOB)


# -- the rules --------------------------------------------------------------------------------


def test_points_for_speed_and_lateness() -> None:
    assert answer_points(True, timedelta(0), WINDOW) == 100
    assert answer_points(True, timedelta(seconds=15), WINDOW) == 75
    assert answer_points(True, timedelta(seconds=29), WINDOW) == 51
    assert answer_points(True, WINDOW, WINDOW) == 50
    assert answer_points(True, WINDOW + timedelta(milliseconds=1), WINDOW) == 0
    assert answer_points(False, timedelta(0), WINDOW) == 0


def test_ties_share_a_rank_and_the_next_rank_skips() -> None:
    ranked = rank_totals([(5, 80), (3, 100), (9, 80), (1, 50), (2, 80)])
    expected = [(1, 3, 100), (2, 2, 80), (2, 5, 80), (2, 9, 80), (5, 1, 50)]
    assert [(r.rank, r.user_id, r.points) for r in ranked] == expected
    assert rank_totals([]) == []


def test_periods_start_in_the_guilds_time_zone() -> None:
    now = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)  # Thursday 00:30 in Berlin
    berlin = ZoneInfo("Europe/Berlin")
    assert period_start("week", now, berlin) == datetime(2026, 11, 23, tzinfo=berlin)
    assert period_start("month", now, berlin) == datetime(2026, 11, 1, tzinfo=berlin)
    assert period_start("all", now, berlin) is None
    assert period_start("week", now, ZoneInfo("UTC")) == datetime(2026, 11, 23, tzinfo=UTC)


def test_role_safety_explains_every_fix() -> None:
    bot = BotFacts(manage_roles=True, top_role_name="Producer Bot", top_position=5)
    fine = RoleFacts("Engineers", 3, frozenset({"send_messages"}))
    assert grant_blockers(fine, bot, "/quiz roles") == []
    [above] = grant_blockers(RoleFacts("Top", 9, frozenset()), bot, "/quiz roles")
    assert "drag **Producer Bot** above **Top**" in above
    [level] = grant_blockers(RoleFacts("Twin", 5, frozenset()), bot, "/quiz roles")
    assert "not below my highest role" in level
    powers = grant_blockers(
        RoleFacts("Mods", 2, frozenset({"kick_members", "manage_guild"})), bot, "/quiz roles"
    )
    assert powers == [
        "**Mods** carries Manage Server, Kick Members: I never hand out roles with moderator "
        "powers. A moderator can remove those permissions from the role in Server Settings → "
        "Roles, or pick another role with `/quiz roles`."
    ]
    no_permission = BotFacts(manage_roles=False, top_role_name="Producer Bot", top_position=5)
    [missing] = grant_blockers(fine, no_permission, "/quiz roles")
    assert "**Manage Roles** permission" in missing
    [managed] = grant_blockers(
        RoleFacts("Booster", 1, frozenset(), managed=True), bot, "/quiz roles"
    )
    assert "managed by an integration" in managed


# -- solo rounds ------------------------------------------------------------------------------


async def test_a_solo_round_with_speed_a_wrong_and_a_late_answer(
    quiz: QuizServices, clock: ManualClock, database: Database
) -> None:
    asked = await quiz.solo.start(GUILD, ALICE, "effects", 4)
    assert (asked.position, asked.total, asked.question.topic) == (0, 4, "effects")
    assert asked.deadline == clock.now() + WINDOW
    feedbacks: list[SoloFeedback] = []
    plan = [(timedelta(0), True), (timedelta(seconds=15), True), (timedelta(0), False)]
    plan.append((timedelta(seconds=31), True))
    for position, (wait, right) in enumerate(plan):
        if position:
            asked = await quiz.solo.next(GUILD, asked.round_id, position - 1, ALICE)
        clock.advance(wait)
        answer = asked.question.answer if right else (asked.question.answer + 1) % 4
        feedbacks.append(await quiz.solo.answer(GUILD, asked.round_id, position, ALICE, answer))
    expected = [(True, 100), (True, 75), (False, 0), (False, 0)]
    assert [(f.correct, f.points) for f in feedbacks] == expected
    assert feedbacks[3].choice is None  # late: missed, whatever was clicked
    summary = feedbacks[3].summary
    assert summary is not None
    assert (summary.correct, summary.total, summary.points, summary.missed) == (2, 4, 175, 2)
    assert all(f.summary is None for f in feedbacks[:3])
    with pytest.raises(InvalidInput, match="over"):
        await quiz.solo.answer(GUILD, asked.round_id, 3, ALICE, 0)

    missed = {feedbacks[2].question.key, feedbacks[3].question.key}
    async with database.read() as session:
        reviews = (await session.scalars(select(QuizReview))).all()
    day = timedelta(days=1)
    assert {(r.question_key, r.box, r.due_at) for r in reviews} == {
        (feedbacks[2].question.key, 0, clock.now() - timedelta(seconds=31) + day),
        (feedbacks[3].question.key, 0, clock.now() + day),
    }

    # Not due yet: a new round avoids them (it prefers unseen questions).
    early = await quiz.solo.start(GUILD, ALICE, "effects", 2)
    assert early.question.key not in missed
    clock.advance(timedelta(days=1))
    assert isinstance(early, RoundQuestion)
    review = await quiz.solo.restart(GUILD, early.round_id, ALICE, "effects", 3)
    first = review.question
    assert first.key in missed
    await quiz.solo.answer(GUILD, review.round_id, 0, ALICE, first.answer)
    second = await quiz.solo.next(GUILD, review.round_id, 0, ALICE)
    assert second.question.key in missed - {first.key}
    async with database.read() as session:
        promoted = await session.get(QuizReview, (GUILD, ALICE, first.key))
    assert promoted is not None
    assert (promoted.box, promoted.due_at) == (1, clock.now() + timedelta(days=3))


async def test_solo_buttons_belong_to_their_member_and_order(quiz: QuizServices) -> None:
    asked = await quiz.solo.start(GUILD, ALICE, None, 3)
    with pytest.raises(NotAllowed, match="someone else"):
        await quiz.solo.answer(GUILD, asked.round_id, 0, BOB, 0)
    with pytest.raises(InvalidInput, match="Answer this question first"):
        await quiz.solo.next(GUILD, asked.round_id, 0, ALICE)
    await quiz.solo.answer(GUILD, asked.round_id, 0, ALICE, 0)
    with pytest.raises(InvalidInput, match="already answered"):
        await quiz.solo.answer(GUILD, asked.round_id, 0, ALICE, 1)
    await quiz.solo.next(GUILD, asked.round_id, 0, ALICE)
    with pytest.raises(InvalidInput, match="behind you"):
        await quiz.solo.next(GUILD, asked.round_id, 0, ALICE)


async def test_idle_and_replaced_rounds_count_their_open_question_as_missed(
    quiz: QuizServices, clock: ManualClock, database: Database
) -> None:
    replaced = await quiz.solo.start(GUILD, ALICE, "business", 3)
    assert isinstance(replaced, RoundQuestion)
    offered = await quiz.solo.start(GUILD, ALICE, "business", 3)  # offered, not replaced
    assert offered == UnfinishedRound(replaced.round_id, 0, 3, "business")
    await quiz.solo.restart(GUILD, replaced.round_id, ALICE, "business", 3)
    idle = await quiz.solo.start(GUILD, BOB, "business", 3)
    assert await quiz.solo.expire_idle(clock.now()) == 0
    clock.advance(timedelta(minutes=16))
    assert await quiz.solo.expire_idle(clock.now()) == 2  # Alice's second and Bob's
    async with database.read() as session:
        keys = set(await session.scalars(select(QuizReview.question_key)))
        missed = (await session.scalars(select(QuizAnswer))).all()
    assert {replaced.question.key, idle.question.key} <= keys
    assert len(missed) == 3
    assert all(a.choice is None and a.points == 0 for a in missed)


# -- live rounds ------------------------------------------------------------------------------


async def test_twenty_members_answer_a_live_question_at_once(
    quiz: QuizServices, clock: ManualClock, database: Database
) -> None:
    asked = await quiz.live.start(GUILD, 77, ALICE, None, 2)
    with pytest.raises(InvalidInput, match="already running"):
        await quiz.live.start(GUILD, 77, BOB, None, 2)
    right = asked.question.answer
    members = list(range(100, 120))

    async def answer(member: int, attempt: int) -> str:
        choice = right if member % 2 == 0 else (right + 1) % 4
        try:
            receipt = await quiz.live.answer(GUILD, asked.round_id, 0, member, choice)
        except NotAllowed:
            return "refused"
        return receipt.choice

    clock.advance(timedelta(seconds=4))
    outcomes = await asyncio.gather(*(answer(m, n) for m in members for n in range(2)))
    assert outcomes.count("refused") == 20
    async with database.read() as session:
        stored = await session.scalar(select(func.count()).select_from(QuizAnswer))
    assert stored == 20

    assert await quiz.live.close_due(clock.now()) == []
    clock.advance(timedelta(seconds=27))
    with pytest.raises(InvalidInput, match="Time is up"):
        await quiz.live.answer(GUILD, asked.round_id, 0, 999, right)
    first, second = await asyncio.gather(
        quiz.live.close_due(clock.now()), quiz.live.close_due(clock.now())
    )
    [closing] = first + second  # closed exactly once
    assert sum(closing.counts) == 20
    assert closing.counts[right] == 10
    assert closing.fastest == (100, timedelta(seconds=4))
    assert closing.next is not None
    assert closing.next.position == 1
    assert closing.standings == []

    await quiz.live.answer(GUILD, asked.round_id, 1, 100, closing.next.question.answer)
    clock.advance(timedelta(seconds=31))
    [final] = await quiz.live.close_due(clock.now())
    assert final.next is None
    # 4 s of 30 s: 50 + 50 * 26 // 30 = 93; then 100 for the instant answer.
    assert final.standings[0] == Ranked(1, 100, 193)
    assert [s.rank for s in final.standings[1:10]] == [2] * 9
    assert {s.points for s in final.standings[1:10]} == {93}
    assert {s.points for s in final.standings[10:]} == {0}
    await quiz.live.start(GUILD, 77, BOB, None, 1)  # the channel is free again


# -- leaderboards and guild questions ---------------------------------------------------------


async def solo_answer(quiz: QuizServices, user: int, guild: int, right: bool) -> str:
    asked = await quiz.solo.start(guild, user, "business", 1)
    answer = asked.question.answer if right else (asked.question.answer + 1) % 4
    await quiz.solo.answer(guild, asked.round_id, 0, user, answer)
    return asked.question.key


async def test_leaderboards_rank_ties_and_stay_in_their_guild(
    quiz: QuizServices, clock: ManualClock
) -> None:
    clock.set(datetime(2026, 11, 2, 12, tzinfo=UTC))  # a Monday
    await solo_answer(quiz, ALICE, GUILD, right=True)
    clock.set(datetime(2026, 11, 23, 12, tzinfo=UTC))  # three weeks later, a Monday
    await solo_answer(quiz, BOB, GUILD, right=True)
    await solo_answer(quiz, CAROL, GUILD, right=True)
    await solo_answer(quiz, CAROL, GUILD, right=False)
    for _ in range(3):
        await solo_answer(quiz, 99, OTHER_GUILD, right=True)

    everything = await quiz.board.leaderboard(GUILD, CAROL, None, "all")
    assert everything.entries == [Ranked(1, user, 100) for user in (ALICE, BOB, CAROL)]
    week = await quiz.board.leaderboard(GUILD, ALICE, "business", "week")
    assert [(e.rank, e.user_id) for e in week.entries] == [(1, BOB), (1, CAROL)]
    assert week.me is None
    assert week.since == datetime(2026, 11, 23, tzinfo=UTC)
    assert (await quiz.board.leaderboard(GUILD, ALICE, "effects", "all")).entries == []
    other = await quiz.board.leaderboard(OTHER_GUILD, 99, None, "all")
    assert other.me == Ranked(1, 99, 300)


async def test_a_question_counts_once_with_its_best_answer(
    quiz: QuizServices, clock: ManualClock
) -> None:
    """A missed question comes back as a review; answering it again cannot add points twice."""
    missed = await quiz.solo.start(GUILD, ALICE, "business", 1)
    key = missed.question.key
    await quiz.solo.answer(GUILD, missed.round_id, 0, ALICE, (missed.question.answer + 1) % 4)
    for wait, delay in ((timedelta(days=1), 15), (timedelta(days=3), 0)):
        clock.advance(wait)
        again = await quiz.solo.start(GUILD, ALICE, "business", 1)
        assert again.question.key == key
        clock.advance(timedelta(seconds=delay))
        await quiz.solo.answer(GUILD, again.round_id, 0, ALICE, again.question.answer)
    board = await quiz.board.leaderboard(GUILD, ALICE, None, "all")
    assert board.entries == [Ranked(1, ALICE, 100)]  # max(0, 75, 100), not 175


async def test_guild_questions_are_validated_shuffled_and_removable(
    quiz: QuizServices, database: Database
) -> None:
    with pytest.raises(InvalidInput, match="exactly 3 wrong answers"):
        await quiz.bank.add(
            GUILD, ALICE, QuestionDraft("business", "easy", "Q?", "A", "B\nC", "Why")
        )
    with pytest.raises(InvalidInput, match="not a quiz topic"):
        await quiz.bank.add(
            GUILD, ALICE, QuestionDraft("cooking", "easy", "Q?", "A", "B\nC\nD", "Why")
        )
    with pytest.raises(InvalidInput, match="all be different"):
        await quiz.bank.add(
            GUILD, ALICE, QuestionDraft("business", "easy", "Q?", "A", "B\na\nD", "Why")
        )
    draft = QuestionDraft(
        "business", "easy", " Who signs? ", "The label", "Nobody\nA fan\nMe", "Ok"
    )
    added = await quiz.bank.add(GUILD, ALICE, draft)
    assert added.prompt == "Who signs?"
    assert added.correct_choice == "The label"
    assert sorted(added.choices) == sorted(["The label", "Nobody", "A fan", "Me"])
    ours = await database.run(lambda connection: quiz.bank.pool_keys(connection, GUILD, "business"))
    theirs = await database.run(
        lambda connection: quiz.bank.pool_keys(connection, OTHER_GUILD, None)
    )
    assert added.key in ours
    assert added.key not in theirs
    assert [q.key for q in await quiz.bank.search(GUILD, "signs")] == [added.key]
    assert await quiz.bank.search(OTHER_GUILD, "") == []

    with pytest.raises(NotFound):
        await quiz.bank.remove(OTHER_GUILD, added.key)
    with pytest.raises(NotFound):
        await quiz.bank.remove(GUILD, "daw-acronym")
    removed = await quiz.bank.remove(GUILD, added.key)
    assert removed.key == added.key
    with pytest.raises(NotFound):
        await quiz.bank.remove(GUILD, added.key)
    pool = await database.run(lambda connection: quiz.bank.pool_keys(connection, GUILD, None))
    kept = await database.run(lambda connection: quiz.bank.get(connection, GUILD, added.key))
    assert added.key not in pool
    assert kept.prompt == "Who signs?"
