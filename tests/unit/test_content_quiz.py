"""The quiz content files: schema rules, scoring, and that every producer type can win."""

import random
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content.base import ContentError
from bot.content.quiz import (
    DIFFICULTIES,
    REQUIRED_TOPICS,
    TYPE_IDS,
    QuizContent,
    TypeId,
    TypeQuestion,
    load_quiz,
    score_type_answers,
    type_percentages,
)
from bot.services.quiz import ear
from bot.services.quiz.bank import Question
from bot.ui.text import member_text

DATA_DIR = Path(__file__).resolve().parents[2] / "data"

Mutator = Callable[[dict[str, Any]], None]

# The C-accelerated safe loader/dumper when available: these tests round-trip big files a lot.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@pytest.fixture(scope="module")
def content() -> QuizContent:
    return load_quiz(DATA_DIR)


# --- the real files ------------------------------------------------------------------------


def test_types_are_the_five_in_order(content: QuizContent) -> None:
    assert tuple(t.id for t in content.types) == TYPE_IDS
    assert TYPE_IDS == (
        "engineer",
        "mentor-producer",
        "musician-producer",
        "artist-producer",
        "phenom",
    )
    for producer_type in content.types:
        assert len(producer_type.name) <= 40
        assert len(producer_type.tagline) <= 100
        assert len(producer_type.description) <= 700
        assert 3 <= len(producer_type.strengths) <= 5
        assert 2 <= len(producer_type.blind_spots) <= 4
        assert 2 <= len(producer_type.skills) <= 5
        assert len(producer_type.next_steps) <= 400


def test_named_examples(content: QuizContent) -> None:
    assert "Rick Rubin" in content.type("mentor-producer").example
    assert "Prince" in content.type("artist-producer").example
    assert "Dr. Dre" in content.type("phenom").example
    for producer_type in content.types:
        assert 0 < len(producer_type.example) <= 100


def test_type_questions_rules(content: QuizContent) -> None:
    assert len(content.type_questions) >= 14
    assert len({q.id for q in content.type_questions}) == len(content.type_questions)
    for question in content.type_questions:
        assert len(question.prompt) <= 250
        assert 4 <= len(question.answers) <= 5
        vectors = set()
        for answer in question.answers:
            assert len(answer.text) <= 80
            assert tuple(answer.weights) == TYPE_IDS
            assert all(0 <= weight <= 3 for weight in answer.weights.values())
            vectors.add(answer.weight_vector())
        assert len(vectors) == len(question.answers)


def test_knowledge_counts(content: QuizContent) -> None:
    topic_ids = [t.id for t in content.knowledge_topics]
    assert set(REQUIRED_TOPICS) <= set(topic_ids)
    assert len(content.knowledge) >= 112
    assert len({q.id for q in content.knowledge}) == len(content.knowledge)
    for topic in topic_ids:
        questions = content.knowledge_for(topic)
        assert len(questions) >= 14, topic
        assert {q.difficulty for q in questions} == set(DIFFICULTIES), topic


def test_knowledge_question_rules(content: QuizContent) -> None:
    for question in content.knowledge:
        assert len(question.prompt) <= 250
        assert len(question.choices) == 4
        assert len({c.casefold() for c in question.choices}) == 4
        assert all(len(choice) <= 80 for choice in question.choices)
        assert 0 <= question.answer <= 3
        assert len(question.explanation) <= 400
        if question.difficulty == "hard":
            assert question.source
        if question.source is not None:
            assert len(question.source) <= 200


def test_the_bots_own_questions_and_drills_are_shown_as_written(content: QuizContent) -> None:
    """Rounds make only moderators' questions inert; the bot's own texts must need nothing."""
    drills = [
        ear.drill(ear.EarSpec(kind, level, seed))
        for kind, spec in ear.KINDS.items()
        for level in range(1, len(spec.levels) + 1)
        for seed in (1, 2)
    ]
    questions = [Question.builtin(question) for question in content.knowledge]
    assert not any(question.moderators_own for question in questions)
    for texts in [
        *([q.prompt, *q.choices, q.explanation] for q in questions),
        *([d.prompt, *d.choices, d.explanation] for d in drills),
    ]:
        assert [member_text(text) for text in texts] == texts


def test_correct_answer_positions_are_balanced(content: QuizContent) -> None:
    positions = Counter(q.answer for q in content.knowledge)
    total = len(content.knowledge)
    for index in range(4):
        assert 0.2 <= positions[index] / total <= 0.3, positions


def test_lookups(content: QuizContent) -> None:
    assert content.type("engineer").name == "The Engineer"
    with pytest.raises(ContentError):
        content.type("drummer")
    hard_business = content.knowledge_for("business", "hard")
    assert hard_business
    assert all(q.topic == "business" and q.difficulty == "hard" for q in hard_business)
    easy = content.knowledge_for(difficulty="easy")
    assert {q.topic for q in easy} == {t.id for t in content.knowledge_topics}
    assert content.knowledge_for() == content.knowledge
    assert content.topic("effects").name
    with pytest.raises(ContentError):
        content.knowledge_for("cooking")
    with pytest.raises(ContentError):
        content.knowledge_for("effects", "impossible")


# --- the knowledge bank cannot be gamed ----------------------------------------------------


def _choice_lengths(content: QuizContent, topic: str | None) -> list[tuple[list[int], int]]:
    """Each question's choice lengths and the index of its right answer."""
    return [([len(c) for c in q.choices], q.answer) for q in content.knowledge_for(topic)]


def _length_rank_score(content: QuizContent, topic: str | None, rank: int) -> float:
    """Share of right answers a player gets by always picking the ``rank``-th longest choice.

    Rank 0 is the longest choice and 3 the shortest; choices of equal length split the point.
    """
    questions = _choice_lengths(content, topic)
    score = 0.0
    for lengths, answer in questions:
        target = sorted(lengths, reverse=True)[rank]
        tied = [i for i, length in enumerate(lengths) if length == target]
        if answer in tied:
            score += 1 / len(tied)
    return score / len(questions)


def _right_is_longest_share(content: QuizContent, topic: str | None) -> float:
    """Share of questions whose right answer is strictly longer than every other choice."""
    questions = _choice_lengths(content, topic)
    longest = [
        answer
        for lengths, answer in questions
        if all(lengths[answer] > length for i, length in enumerate(lengths) if i != answer)
    ]
    return len(longest) / len(questions)


def test_knowledge_bank_is_large(content: QuizContent) -> None:
    assert len(content.knowledge) >= 250
    for topic in REQUIRED_TOPICS:
        assert len(content.knowledge_for(topic)) >= 30, topic
        for level in DIFFICULTIES:
            assert len(content.knowledge_for(topic, level)) >= 6, (topic, level)


def test_right_answer_is_rarely_the_longest_choice(content: QuizContent) -> None:
    assert _right_is_longest_share(content, None) <= 0.27
    for topic in REQUIRED_TOPICS:
        assert _right_is_longest_share(content, topic) <= 0.30, topic


def test_no_choice_length_strategy_pays(content: QuizContent) -> None:
    for topic in REQUIRED_TOPICS:
        assert _length_rank_score(content, topic, 0) <= 0.30, topic
        # Nor may the second longest, the shortest, ... take over the giveaway.
        scores = [_length_rank_score(content, topic, rank) for rank in range(4)]
        assert max(scores) <= 0.35, (topic, scores)


def test_right_answer_position_is_spread_in_each_topic(content: QuizContent) -> None:
    for topic in REQUIRED_TOPICS:
        questions = content.knowledge_for(topic)
        positions = Counter(q.answer for q in questions)
        for index in range(4):
            assert 0.15 <= positions[index] / len(questions) <= 0.35, (topic, positions)


def test_knowledge_questions_are_distinct(content: QuizContent) -> None:
    prompts = Counter(" ".join(q.prompt.casefold().split()) for q in content.knowledge)
    assert [prompt for prompt, seen in prompts.items() if seen > 1] == []
    for question in content.knowledge:
        assert len({" ".join(c.casefold().split()) for c in question.choices}) == 4, question.id


# --- scoring -------------------------------------------------------------------------------


def test_score_first_answers(content: QuizContent) -> None:
    answers = [0] * len(content.type_questions)
    scores = score_type_answers(content, answers)
    # The same button every time gives a flat mix: no button position favours a type.
    assert scores == {
        "engineer": 12.0,
        "mentor-producer": 13.0,
        "musician-producer": 14.0,
        "artist-producer": 13.0,
        "phenom": 12.0,
    }
    assert list(scores) == list(TYPE_IDS)
    assert type_percentages(scores) == [
        ("musician-producer", 22),
        ("mentor-producer", 20),
        ("artist-producer", 20),
        ("engineer", 19),
        ("phenom", 19),
    ]


def test_score_last_answers(content: QuizContent) -> None:
    answers = [len(q.answers) - 1 for q in content.type_questions]
    scores = score_type_answers(content, answers)
    assert scores == {
        "engineer": 16.0,
        "mentor-producer": 11.0,
        "musician-producer": 10.0,
        "artist-producer": 11.0,
        "phenom": 16.0,
    }
    assert type_percentages(scores) == [
        ("engineer", 25),
        ("phenom", 25),
        ("mentor-producer", 17),
        ("artist-producer", 17),
        ("musician-producer", 16),
    ]


def test_score_partial_and_invalid(content: QuizContent) -> None:
    first = content.type_questions[0].answers[0].weights
    assert score_type_answers(content, [0]) == {k: float(v) for k, v in first.items()}
    assert score_type_answers(content, []) == dict.fromkeys(TYPE_IDS, 0.0)
    with pytest.raises(ValueError, match="no answer"):
        score_type_answers(content, [5])
    with pytest.raises(ValueError, match="no answer"):
        score_type_answers(content, [-1])
    with pytest.raises(ValueError, match="answers given"):
        score_type_answers(content, [0] * (len(content.type_questions) + 1))


def test_percentages_ties_and_edges() -> None:
    tied = {
        "engineer": 1.0,
        "mentor-producer": 1.0,
        "musician-producer": 1.0,
        "artist-producer": 0.0,
        "phenom": 0.0,
    }
    assert type_percentages(tied) == [
        ("engineer", 34),
        ("mentor-producer", 33),
        ("musician-producer", 33),
        ("artist-producer", 0),
        ("phenom", 0),
    ]
    # A later type with an equal score never jumps ahead of an earlier one.
    assert type_percentages({"phenom": 2.0, "engineer": 2.0, "mentor-producer": 1.0}) == [
        ("phenom", 40),
        ("engineer", 40),
        ("mentor-producer", 20),
    ]
    assert type_percentages(dict.fromkeys(TYPE_IDS, 0.0)) == [(t, 20) for t in TYPE_IDS]
    assert type_percentages({"engineer": 0.5}) == [("engineer", 100)]
    with pytest.raises(ValueError, match="no scores"):
        type_percentages({})
    with pytest.raises(ValueError, match="negative"):
        type_percentages({"engineer": -1.0})


def test_percentages_always_sum_to_100(content: QuizContent) -> None:
    rng = random.Random(11)
    for _ in range(300):
        answers = [rng.randrange(len(q.answers)) for q in content.type_questions]
        ranked = type_percentages(score_type_answers(content, answers))
        assert sum(percent for _, percent in ranked) == 100
        assert [percent for _, percent in ranked] == sorted(
            (percent for _, percent in ranked), reverse=True
        )


# --- reachability --------------------------------------------------------------------------


def _margin(content: QuizContent, answers: list[int], target: str) -> float:
    scores = score_type_answers(content, answers)
    return scores[target] - max(v for k, v in scores.items() if k != target)


def _edge(question: TypeQuestion, index: int, target: TypeId) -> tuple[int, int]:
    """How far one answer puts ``target`` ahead of the strongest other type, then its weight."""
    weights = question.answers[index].weights
    others = max(w for k, w in weights.items() if k != target)
    return (weights[target] - others, weights[target])


def _best_answers_for(content: QuizContent, target: TypeId) -> list[int]:
    """Greedy start, then deterministic hill-climbing on the target's winning margin."""
    answers = []
    for question in content.type_questions:
        edges = [_edge(question, index, target) for index in range(len(question.answers))]
        answers.append(edges.index(max(edges)))
    improved = True
    while improved:
        improved = False
        for q_index, question in enumerate(content.type_questions):
            for a_index in range(len(question.answers)):
                trial = answers.copy()
                trial[q_index] = a_index
                if _margin(content, trial, target) > _margin(content, answers, target):
                    answers = trial
                    improved = True
    return answers


@pytest.mark.parametrize("target", TYPE_IDS)
def test_every_type_can_win_strictly(content: QuizContent, target: TypeId) -> None:
    answers = _best_answers_for(content, target)
    scores = score_type_answers(content, answers)
    assert all(scores[target] > v for k, v in scores.items() if k != target), scores
    assert type_percentages(scores)[0][0] == target


def test_random_players_spread_over_all_types(content: QuizContent) -> None:
    rng = random.Random(2024)
    wins: Counter[str] = Counter()
    rounds = 3000
    for _ in range(rounds):
        answers = [rng.randrange(len(q.answers)) for q in content.type_questions]
        wins[type_percentages(score_type_answers(content, answers))[0][0]] += 1
    for type_id in TYPE_IDS:
        assert wins[type_id] / rounds >= 0.1, wins


# --- validators reject broken content ------------------------------------------------------


def _broken_copy(tmp_path: Path, filename: str, mutate: Mutator) -> Path:
    shutil.copytree(DATA_DIR / "quiz", tmp_path / "quiz")
    path = tmp_path / "quiz" / filename
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    mutate(raw)
    text = yaml.dump(raw, Dumper=_Dumper, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return tmp_path


def _set(path: tuple[Any, ...], value: Any) -> Mutator:
    def mutate(raw: dict[str, Any]) -> None:
        node: Any = raw
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return mutate


def _drop_weight(raw: dict[str, Any]) -> None:
    del raw["questions"][0]["answers"][0]["weights"]["phenom"]


def _unknown_weight(raw: dict[str, Any]) -> None:
    raw["questions"][0]["answers"][0]["weights"]["drummer"] = 1


def _same_weights(raw: dict[str, Any]) -> None:
    answers = raw["questions"][0]["answers"]
    answers[1]["weights"] = dict(answers[0]["weights"])


def _three_answers(raw: dict[str, Any]) -> None:
    del raw["questions"][0]["answers"][3:]


def _few_type_questions(raw: dict[str, Any]) -> None:
    del raw["questions"][13:]


def _duplicate_type_question(raw: dict[str, Any]) -> None:
    raw["questions"][1]["id"] = raw["questions"][0]["id"]


def _swap_types(raw: dict[str, Any]) -> None:
    types = raw["types"]
    types[0], types[1] = types[1], types[0]


def _four_types(raw: dict[str, Any]) -> None:
    del raw["types"][4]


def _hard_without_source(raw: dict[str, Any]) -> None:
    question = next(q for q in raw["questions"] if q["difficulty"] == "hard")
    del question["source"]


def _duplicate_choices(raw: dict[str, Any]) -> None:
    choices = raw["questions"][0]["choices"]
    choices[1] = choices[0]


def _unknown_topic(raw: dict[str, Any]) -> None:
    raw["questions"][0]["topic"] = "cooking"


def _duplicate_knowledge_id(raw: dict[str, Any]) -> None:
    raw["questions"][1]["id"] = raw["questions"][0]["id"]


def _missing_required_topic(raw: dict[str, Any]) -> None:
    raw["topics"] = [t for t in raw["topics"] if t["id"] != "business"]
    raw["questions"] = [q for q in raw["questions"] if q["topic"] != "business"]


def _topic_without_hard(raw: dict[str, Any]) -> None:
    for question in raw["questions"]:
        if question["topic"] == "effects" and question["difficulty"] == "hard":
            question["difficulty"] = "medium"


def _thin_topic(raw: dict[str, Any]) -> None:
    kept = [q for q in raw["questions"] if q["topic"] == "business"][:13]
    raw["questions"] = [q for q in raw["questions"] if q["topic"] != "business"] + kept


def _few_knowledge(raw: dict[str, Any]) -> None:
    per_topic: Counter[str] = Counter()
    kept = []
    for question in raw["questions"]:
        if per_topic[question["topic"]] < 15:
            per_topic[question["topic"]] += 1
            kept.append(question)
    raw["questions"] = kept  # 7 topics x 15 = 105 < 112


BROKEN: list[tuple[str, str, Mutator, str]] = [
    ("type_questions.yaml", "missing-weight", _drop_weight, "miss producer types"),
    ("type_questions.yaml", "unknown-weight", _unknown_weight, "drummer"),
    (
        "type_questions.yaml",
        "weight-too-high",
        _set(("questions", 0, "answers", 0, "weights", "engineer"), 4),
        "less than or equal to 3",
    ),
    ("type_questions.yaml", "same-weights", _same_weights, "identical weights"),
    ("type_questions.yaml", "three-answers", _three_answers, "at least 4"),
    (
        "type_questions.yaml",
        "long-button",
        _set(("questions", 0, "answers", 0, "text"), "x" * 81),
        "at most 80",
    ),
    ("type_questions.yaml", "few-questions", _few_type_questions, "at least 14"),
    ("type_questions.yaml", "duplicate-id", _duplicate_type_question, "duplicate type question"),
    ("types.yaml", "swapped-types", _swap_types, "in that order"),
    ("types.yaml", "four-types", _four_types, "in that order"),
    (
        "types.yaml",
        "unknown-skill",
        _set(("types", 0, "skills"), ["juggling", "mastering"]),
        "skills",
    ),
    ("types.yaml", "unknown-path", _set(("types", 0, "path"), "lottery"), "path"),
    ("types.yaml", "one-strength", _set(("types", 0, "strengths"), ["Fast"]), "at least 3"),
    ("types.yaml", "long-description", _set(("types", 0, "description"), "x" * 701), "700"),
    ("types.yaml", "long-example", _set(("types", 0, "example"), "x" * 101), "100"),
    ("knowledge.yaml", "answer-out-of-range", _set(("questions", 0, "answer"), 4), "answer"),
    (
        "knowledge.yaml",
        "three-choices",
        _set(("questions", 0, "choices"), ["a", "b", "c"]),
        "at least 4",
    ),
    ("knowledge.yaml", "duplicate-choices", _duplicate_choices, "duplicate choices"),
    ("knowledge.yaml", "hard-no-source", _hard_without_source, "needs a source"),
    (
        "knowledge.yaml",
        "bad-difficulty",
        _set(("questions", 0, "difficulty"), "expert"),
        "difficulty",
    ),
    ("knowledge.yaml", "unknown-topic", _unknown_topic, "unknown topics"),
    ("knowledge.yaml", "duplicate-id", _duplicate_knowledge_id, "duplicate knowledge question"),
    ("knowledge.yaml", "missing-topic", _missing_required_topic, "missing knowledge topics"),
    ("knowledge.yaml", "no-hard", _topic_without_hard, "'effects' has no hard"),
    ("knowledge.yaml", "thin-topic", _thin_topic, "'business' needs at least 14"),
    ("knowledge.yaml", "few-questions", _few_knowledge, "at least 112"),
    (
        "knowledge.yaml",
        "long-explanation",
        _set(("questions", 0, "explanation"), "x" * 401),
        "400",
    ),
]


@pytest.mark.parametrize(
    ("filename", "mutate", "message"),
    [pytest.param(f, m, msg, id=f"{f}:{name}") for f, name, m, msg in BROKEN],
)
def test_broken_content_is_rejected(
    tmp_path: Path, filename: str, mutate: Mutator, message: str
) -> None:
    data_dir = _broken_copy(tmp_path, filename, mutate)
    with pytest.raises(ContentError, match=message):
        load_quiz(data_dir)


def test_unchanged_copy_loads(tmp_path: Path) -> None:
    data_dir = _broken_copy(tmp_path, "knowledge.yaml", lambda raw: None)
    assert len(load_quiz(data_dir).knowledge) == len(load_quiz(DATA_DIR).knowledge)


def test_missing_file_is_a_content_error(tmp_path: Path) -> None:
    shutil.copytree(DATA_DIR / "quiz", tmp_path / "quiz")
    (tmp_path / "quiz" / "types.yaml").unlink()
    with pytest.raises(ContentError, match=r"types\.yaml"):
        load_quiz(tmp_path)
