"""The producer-type quiz is fair: every type can be picked in every question, second points
are spread, random answers favour no type, and ties are settled by the answers, not by the
order of the types file."""

import random
from collections import Counter
from collections.abc import Sequence

import pytest

from bot.clock import ManualClock
from bot.content import Content
from bot.content.quiz import MAX_WEIGHT, TYPE_IDS, QuizContent, TypeAnswer, TypeId, TypeQuestion
from bot.db.engine import Database
from bot.services.quiz.producer_type import (
    TypeQuizService,
    TypeResult,
    rank_type_answers,
    type_order,
)

GUILD, ALICE = 1001, 11
RANDOM_QUIZZES = 100_000
SHARE, TOLERANCE = 0.2, 0.02


@pytest.fixture
def quiz(content: Content) -> QuizContent:
    return content.quiz


def _random_answers(quiz: QuizContent, rng: random.Random) -> list[int]:
    return [rng.randrange(len(question.answers)) for question in quiz.type_questions]


def _full_weight_answer(question: TypeQuestion, type_id: str) -> int:
    return next(
        index
        for index, answer in enumerate(question.answers)
        if answer.weights[type_id] == MAX_WEIGHT  # type: ignore[index]
    )


def _picking(quiz: QuizContent, type_ids: Sequence[str]) -> list[int]:
    """The answers that give ``type_ids[n]`` full weight in question ``n``."""
    return [_full_weight_answer(q, t) for q, t in zip(quiz.type_questions, type_ids, strict=True)]


def test_every_question_has_a_full_weight_answer_for_every_type(quiz: QuizContent) -> None:
    for question in quiz.type_questions:
        full = {t for a in question.answers for t, w in a.weights.items() if w == MAX_WEIGHT}
        assert full == set(TYPE_IDS), question.id


def test_no_type_is_the_usual_runner_up_of_another(quiz: QuizContent) -> None:
    """No type gets the second point of another type's answer in more than half the questions."""
    pairs: Counter[tuple[str, str]] = Counter()
    for question in quiz.type_questions:
        pairs.update(
            {
                (leader, runner_up)
                for answer in question.answers
                for leader, weight in answer.weights.items()
                if weight == MAX_WEIGHT
                for runner_up, second in answer.weights.items()
                if 0 < second < MAX_WEIGHT
            }
        )
    assert pairs
    assert max(pairs.values()) <= len(quiz.type_questions) / 2, pairs.most_common(3)


def test_random_answers_favour_no_type(quiz: QuizContent) -> None:
    rng = random.Random(2026)
    firsts = Counter(type_order(quiz, _random_answers(quiz, rng))[0] for _ in range(RANDOM_QUIZZES))
    shares = {type_id: firsts[type_id] / RANDOM_QUIZZES for type_id in TYPE_IDS}
    assert all(abs(share - SHARE) <= TOLERANCE for share in shares.values()), shares


def _relabelled(quiz: QuizContent, rename: dict[str, TypeId]) -> QuizContent:
    """The same quiz with every type's weights given to ``rename[type]`` instead; the types
    file keeps its order, so each role now sits at another place in it."""
    questions = [
        question.model_copy(
            update={
                "answers": [
                    TypeAnswer(
                        text=answer.text,
                        weights={rename[t]: w for t, w in answer.weights.items()},
                    )
                    for answer in question.answers
                ]
            }
        )
        for question in quiz.type_questions
    ]
    return quiz.model_copy(update={"type_questions": questions})


@pytest.mark.parametrize("moves", ["rotate", "reverse", "swap-ends"])
def test_ties_do_not_follow_the_types_file_order(quiz: QuizContent, moves: str) -> None:
    renamed = {
        "rotate": TYPE_IDS[1:] + TYPE_IDS[:1],
        "reverse": TYPE_IDS[::-1],
        "swap-ends": (TYPE_IDS[-1], *TYPE_IDS[1:-1], TYPE_IDS[0]),
    }[moves]
    rename: dict[str, TypeId] = dict(zip(TYPE_IDS, renamed, strict=True))
    relabelled = _relabelled(quiz, rename)
    rng = random.Random(moves)
    tied = 0
    for _ in range(2000):
        answers = _random_answers(quiz, rng)
        ranking = rank_type_answers(quiz, answers)
        tied += ranking[0][1] == ranking[1][1]
        expected = [(rename[type_id], percent) for type_id, percent in ranking if percent]
        moved = rank_type_answers(relabelled, answers)
        assert [(type_id, percent) for type_id, percent in moved if percent] == expected
    assert tied >= 100  # there were ties to settle


async def test_ties_go_to_more_full_weight_picks_then_later_points(
    any_database: Database, clock: ManualClock, quiz: QuizContent
) -> None:
    service = TypeQuizService(any_database, clock, quiz)
    e, m, mu, p = "engineer", "mentor-producer", "musician-producer", "phenom"
    # Phenom: 7 full-weight picks and 2 second points; Engineer: 6 picks and 5 second points.
    # Both score 23; Phenom has more full-weight picks, though Engineer's come later.
    level = [p, p, mu, mu, p, e, e, p, p, e, e, p, p, e, m, e]
    result = await _take(service, _picking(quiz, level))
    assert result.scores["phenom"] == result.scores["engineer"] == 23
    assert (result.primary, result.secondary) == ("phenom", "engineer")

    # All Engineer: 48 points, then four types with 4 second points each, ranked by the
    # question in which they last got one (the leftover percent goes to the first of them).
    result = await _take(service, _picking(quiz, [e] * len(quiz.type_questions)))
    expected = [
        ("engineer", 75),
        ("phenom", 7),
        ("artist-producer", 6),
        ("musician-producer", 6),
        ("mentor-producer", 6),
    ]
    assert result.ranking == expected
    latest = await service.latest(GUILD, ALICE)
    assert latest is not None
    assert latest.ranking == expected
    profile = await service.profile(GUILD, ALICE)
    assert [r.primary for r in (profile.latest, *profile.history)] == ["engineer", "phenom"]
    assert profile.history[0].secondary == "engineer"


async def _take(service: TypeQuizService, answers: list[int]) -> TypeResult:
    step = await service.start(GUILD, ALICE)
    for position, answer in enumerate(answers):
        outcome = await service.answer(GUILD, step.session_id, ALICE, position, answer)
    assert isinstance(outcome, TypeResult)
    return outcome
