"""The producer-type quiz and the knowledge quiz (``data/quiz/*.yaml``).

Three files make up the quiz content:

* ``types.yaml`` - the five producer types a member can be matched with;
* ``type_questions.yaml`` - scenario questions whose answers weight those types;
* ``knowledge.yaml`` - knowledge topics and multiple-choice questions about them.

``load_quiz`` reads and cross-checks all three. ``score_type_answers`` and ``type_percentages``
turn a member's answers into a ranked result without touching Discord.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Literal, Self, get_args

from pydantic import Field, StringConstraints, ValidationError, field_validator, model_validator

from bot.content.base import ContentError, ContentModel, describe, load_yaml
from bot.content.skills import SkillId

TypeId = Literal["engineer", "mentor-producer", "musician-producer", "artist-producer", "phenom"]
"""The producer types, in the order the types file must list them."""

TYPE_IDS: tuple[TypeId, ...] = get_args(TypeId)

CareerPath = Literal[
    "formal-education",
    "musician-first",
    "recording-engineer",
    "a-and-r",
    "production-assistant",
    "internships-apprenticeships",
    "self-taught-online",
]
"""The career routes a producer type can recommend."""

Difficulty = Literal["easy", "medium", "hard"]
DIFFICULTIES: tuple[str, ...] = get_args(Difficulty)

REQUIRED_TOPICS: tuple[str, ...] = (
    "daws-workflow",
    "recording-mics",
    "effects",
    "theory-arrangement",
    "mixing-mastering",
    "acoustics-monitoring",
    "business",
)
"""Knowledge topics the bank must always cover."""

MIN_TYPE_QUESTIONS = 14
MIN_KNOWLEDGE_QUESTIONS = 112
MIN_QUESTIONS_PER_TOPIC = 14
KNOWLEDGE_CHOICES = 4
MAX_WEIGHT = 3

_Slug = Annotated[
    str,
    StringConstraints(min_length=2, max_length=64, pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$"),
]


def _text(max_length: int) -> StringConstraints:
    """A trimmed, non-empty string of at most ``max_length`` characters."""
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


_Emoji = Annotated[str, _text(16)]
_Weight = Annotated[int, Field(ge=0, le=MAX_WEIGHT)]


def _reject_duplicates(what: str, values: Iterable[str]) -> None:
    repeated = sorted(value for value, seen in Counter(values).items() if seen > 1)
    if repeated:
        raise ValueError(f"duplicate {what}: {', '.join(repeated)}")


class ProducerType(ContentModel):
    """One of the five producer types a member can be matched with."""

    id: TypeId
    name: Annotated[str, _text(40)]
    emoji: _Emoji
    tagline: Annotated[str, _text(100)]
    description: Annotated[str, _text(700)]
    strengths: Annotated[list[Annotated[str, _text(120)]], Field(min_length=3, max_length=5)]
    blind_spots: Annotated[list[Annotated[str, _text(120)]], Field(min_length=2, max_length=4)]
    example: Annotated[str, _text(100)]
    skills: Annotated[list[SkillId], Field(min_length=2, max_length=5)]
    path: CareerPath
    next_steps: Annotated[str, _text(400)]

    @field_validator("skills")
    @classmethod
    def _distinct_skills(cls, skills: list[str]) -> list[str]:
        _reject_duplicates("skills", skills)
        return skills


class TypeAnswer(ContentModel):
    """A button answer; its weights say how strongly it points to each producer type."""

    text: Annotated[str, _text(80)]
    weights: dict[TypeId, _Weight]

    @field_validator("weights")
    @classmethod
    def _all_types_weighted(cls, weights: dict[TypeId, int]) -> dict[TypeId, int]:
        missing = [type_id for type_id in TYPE_IDS if type_id not in weights]
        if missing:
            raise ValueError(f"weights miss producer types: {', '.join(missing)}")
        if not any(weights.values()):
            raise ValueError("an answer must weight at least one producer type")
        return {type_id: weights[type_id] for type_id in TYPE_IDS}

    def weight_vector(self) -> tuple[int, ...]:
        """The weights in producer-type order."""
        return tuple(self.weights[type_id] for type_id in TYPE_IDS)


class TypeQuestion(ContentModel):
    """A studio or career scenario with four or five answers."""

    id: _Slug
    prompt: Annotated[str, _text(250)]
    answers: Annotated[list[TypeAnswer], Field(min_length=4, max_length=5)]

    @model_validator(mode="after")
    def _distinct_answers(self) -> Self:
        _reject_duplicates("answer texts", [a.text.casefold() for a in self.answers])
        vectors = [a.weight_vector() for a in self.answers]
        if len(set(vectors)) != len(vectors):
            raise ValueError(f"question {self.id!r} has two answers with identical weights")
        return self


class KnowledgeTopic(ContentModel):
    """A subject area of the knowledge quiz."""

    id: _Slug
    name: Annotated[str, _text(40)]
    emoji: _Emoji


class KnowledgeQuestion(ContentModel):
    """A four-choice question with one right answer and a worked explanation."""

    id: _Slug
    topic: _Slug
    difficulty: Difficulty
    prompt: Annotated[str, _text(250)]
    choices: Annotated[
        list[Annotated[str, _text(80)]],
        Field(min_length=KNOWLEDGE_CHOICES, max_length=KNOWLEDGE_CHOICES),
    ]
    answer: Annotated[int, Field(ge=0, lt=KNOWLEDGE_CHOICES)]
    explanation: Annotated[str, _text(400)]
    source: Annotated[str, _text(200)] | None = None

    @model_validator(mode="after")
    def _check_question(self) -> Self:
        _reject_duplicates(f"choices in {self.id!r}", [c.casefold() for c in self.choices])
        if self.difficulty == "hard" and self.source is None:
            raise ValueError(f"hard question {self.id!r} needs a source")
        return self

    @property
    def correct_choice(self) -> str:
        """The text of the right answer."""
        return self.choices[self.answer]


class TypesFile(ContentModel):
    """``types.yaml``."""

    types: list[ProducerType]


class TypeQuestionsFile(ContentModel):
    """``type_questions.yaml``."""

    questions: list[TypeQuestion]


class KnowledgeFile(ContentModel):
    """``knowledge.yaml``."""

    topics: list[KnowledgeTopic]
    questions: list[KnowledgeQuestion]


class QuizContent(ContentModel):
    """Everything both quizzes need, cross-checked; build it with ``load_quiz``."""

    types: list[ProducerType]
    type_questions: list[TypeQuestion]
    knowledge_topics: list[KnowledgeTopic]
    knowledge: list[KnowledgeQuestion]

    @model_validator(mode="after")
    def _cross_check(self) -> Self:
        """Raise ``ContentError`` (not a validation error) when the files disagree."""
        try:
            self._check_types()
            self._check_type_questions()
            self._check_knowledge()
        except ValueError as error:
            raise ContentError(f"quiz content: {error}") from error
        return self

    def _check_types(self) -> None:
        ids = tuple(t.id for t in self.types)
        if ids != TYPE_IDS:
            raise ValueError(f"types must be exactly {', '.join(TYPE_IDS)} in that order")
        _reject_duplicates("type names", [t.name.casefold() for t in self.types])

    def _check_type_questions(self) -> None:
        count = len(self.type_questions)
        if count < MIN_TYPE_QUESTIONS:
            raise ValueError(f"need at least {MIN_TYPE_QUESTIONS} type questions, found {count}")
        _reject_duplicates("type question ids", [q.id for q in self.type_questions])

    def _check_knowledge(self) -> None:
        topic_ids = [t.id for t in self.knowledge_topics]
        _reject_duplicates("knowledge topic ids", topic_ids)
        missing = [topic for topic in REQUIRED_TOPICS if topic not in topic_ids]
        if missing:
            raise ValueError(f"missing knowledge topics: {', '.join(missing)}")
        count = len(self.knowledge)
        if count < MIN_KNOWLEDGE_QUESTIONS:
            raise ValueError(
                f"need at least {MIN_KNOWLEDGE_QUESTIONS} knowledge questions, found {count}"
            )
        _reject_duplicates("knowledge question ids", [q.id for q in self.knowledge])
        unknown = sorted({q.topic for q in self.knowledge} - set(topic_ids))
        if unknown:
            raise ValueError(f"knowledge questions use unknown topics: {', '.join(unknown)}")
        for topic in topic_ids:
            questions = [q for q in self.knowledge if q.topic == topic]
            if len(questions) < MIN_QUESTIONS_PER_TOPIC:
                raise ValueError(
                    f"topic {topic!r} needs at least {MIN_QUESTIONS_PER_TOPIC} questions,"
                    f" has {len(questions)}"
                )
            levels = {q.difficulty for q in questions}
            absent = [level for level in DIFFICULTIES if level not in levels]
            if absent:
                raise ValueError(f"topic {topic!r} has no {', '.join(absent)} questions")

    def topic(self, topic_id: str) -> KnowledgeTopic:
        """Return the knowledge topic with this id, or raise ``ContentError``."""
        for topic in self.knowledge_topics:
            if topic.id == topic_id:
                return topic
        raise ContentError(f"unknown knowledge topic: {topic_id!r}")

    def knowledge_for(
        self, topic: str | None = None, difficulty: str | None = None
    ) -> list[KnowledgeQuestion]:
        """Knowledge questions in file order, filtered by topic and/or difficulty.

        ``None`` means "any". An unknown topic or difficulty raises ``ContentError``.
        """
        if topic is not None:
            self.topic(topic)
        if difficulty is not None and difficulty not in DIFFICULTIES:
            raise ContentError(f"unknown difficulty: {difficulty!r}")
        return [
            q
            for q in self.knowledge
            if (topic is None or q.topic == topic)
            and (difficulty is None or q.difficulty == difficulty)
        ]

    def type(self, type_id: str) -> ProducerType:
        """Return the producer type with this id, or raise ``ContentError``."""
        for producer_type in self.types:
            if producer_type.id == type_id:
                return producer_type
        raise ContentError(f"unknown producer type: {type_id!r}")


def load_quiz(data_dir: Path) -> QuizContent:
    """Load and cross-check the three quiz files under the repository's ``data/`` folder."""
    quiz_dir = data_dir / "quiz"
    types = load_yaml(quiz_dir / "types.yaml", TypesFile)
    questions = load_yaml(quiz_dir / "type_questions.yaml", TypeQuestionsFile)
    knowledge = load_yaml(quiz_dir / "knowledge.yaml", KnowledgeFile)
    try:
        return QuizContent(
            types=types.types,
            type_questions=questions.questions,
            knowledge_topics=knowledge.topics,
            knowledge=knowledge.questions,
        )
    except ValidationError as error:
        raise ContentError(f"quiz content: {describe(error)}") from None


def score_type_answers(content: QuizContent, answer_indexes: Sequence[int]) -> dict[str, float]:
    """Add up the weights of the chosen answers, one index per type question in order.

    The result has every producer type, in the order of the types file. Fewer indexes than
    questions score a partly answered quiz; more indexes, or an index that is not an answer of
    its question, raise ``ValueError``.
    """
    questions = content.type_questions
    if len(answer_indexes) > len(questions):
        raise ValueError(
            f"{len(answer_indexes)} answers given but the quiz has {len(questions)} questions"
        )
    scores: dict[str, float] = {t.id: 0.0 for t in content.types}
    for question, index in zip(questions, answer_indexes, strict=False):
        if not 0 <= index < len(question.answers):
            raise ValueError(f"question {question.id!r} has no answer {index}")
        for type_id, weight in question.answers[index].weights.items():
            scores[type_id] += weight
    return scores


def type_percentages(scores: dict[str, float]) -> list[tuple[str, int]]:
    """Rank the types best first with whole percentages that add up to exactly 100.

    Shares are rounded with the largest-remainder method. Equal scores keep the order of
    ``scores`` (which ``score_type_answers`` gives in types-file order), both in the ranking and
    when handing out the leftover points. All-zero scores split evenly.
    """
    if not scores:
        raise ValueError("no scores to rank")
    if any(value < 0 for value in scores.values()):
        raise ValueError("scores cannot be negative")
    order = list(scores)
    exact_scores = {type_id: Fraction(scores[type_id]) for type_id in order}
    total = sum(exact_scores.values(), Fraction(0))
    if total == 0:
        exact_scores = dict.fromkeys(order, Fraction(1))
        total = Fraction(len(order))

    shares = {type_id: exact_scores[type_id] * 100 / total for type_id in order}
    percents = {type_id: int(shares[type_id]) for type_id in order}
    leftover = 100 - sum(percents.values())
    by_remainder = sorted(
        order, key=lambda type_id: (-(shares[type_id] - percents[type_id]), order.index(type_id))
    )
    for type_id in by_remainder[:leftover]:
        percents[type_id] += 1

    ranking = sorted(order, key=lambda type_id: (-exact_scores[type_id], order.index(type_id)))
    return [(type_id, percents[type_id]) for type_id in ranking]
