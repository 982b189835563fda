"""The knowledge question bank: the built-in questions from ``data/``, each guild's own, and
generated ear-training questions.

Built-in questions are keyed by their id, guild questions by ``g:<row id>`` and ear-training
questions by ``ear:<kind>:<level>:<seed>`` (a colon never appears in a content id), so
rounds, answers and reviews can refer to any of them.
"""

import random
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import (
    Connection,
    Row,
    Select,
    String,
    bindparam,
    cast,
    func,
    literal,
    select,
    update,
)

from bot.clock import Clock
from bot.content.quiz import DIFFICULTIES, KNOWLEDGE_CHOICES, KnowledgeQuestion, QuizContent
from bot.db.engine import Database
from bot.errors import InvalidInput, NotFound
from bot.models.quiz import GuildQuestion
from bot.numbers import parse_number
from bot.services.quiz import ear

QuestionRow = Row[int, str, str, str, list[str], int, str]
"""A guild question's id, topic, difficulty, prompt, choices, answer and explanation."""

GUILD_PREFIX = "g:"
MAX_GUILD_QUESTIONS = 300
EAR_ROUND_POOL = 40
"""How many generated ear-training questions a round picks from."""
PROMPT_MAX = 250
CHOICE_MAX = 80
EXPLANATION_MAX = 400


def guild_key(row_id: int) -> str:
    """The key of the guild question in row ``row_id``."""
    return f"{GUILD_PREFIX}{row_id}"


def guild_row_id(key: str) -> int | None:
    """The row id in a guild question's key, or None for any other key."""
    return parse_number(key.removeprefix(GUILD_PREFIX)) if key.startswith(GUILD_PREFIX) else None


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    topic: str
    difficulty: str
    prompt: str
    choices: list[str]
    answer: int
    explanation: str
    source: str | None = None

    @property
    def correct_choice(self) -> str:
        return self.choices[self.answer]

    @property
    def moderators_own(self) -> bool:
        """Written by the guild's moderators (not the bot's content or a generated drill)."""
        return self.key.startswith(GUILD_PREFIX)

    @classmethod
    def builtin(cls, question: KnowledgeQuestion) -> "Question":
        return cls(
            question.id,
            question.topic,
            question.difficulty,
            question.prompt,
            list(question.choices),
            question.answer,
            question.explanation,
            question.source,
        )

    @classmethod
    def ear(cls, spec: ear.EarSpec) -> "Question":
        drill = ear.drill(spec)
        return cls(
            spec.key,
            ear.EAR_TOPIC,
            f"level {spec.level}",
            drill.prompt,
            drill.choices,
            drill.answer,
            drill.explanation,
        )

    @classmethod
    def of(cls, row: "GuildQuestion | QuestionRow") -> "Question":
        return cls(
            guild_key(row.id),
            row.topic,
            row.difficulty,
            row.prompt,
            list(row.choices),
            row.answer,
            row.explanation,
        )


@dataclass(frozen=True, slots=True)
class QuestionDraft:
    """A guild question as written, before it is checked: ``wrong`` holds the three wrong
    answers, one per line."""

    topic: str
    difficulty: str
    prompt: str
    correct: str
    wrong: str
    explanation: str


_QUESTION = select(
    GuildQuestion.id,
    GuildQuestion.topic,
    GuildQuestion.difficulty,
    GuildQuestion.prompt,
    GuildQuestion.choices,
    GuildQuestion.answer,
    GuildQuestion.explanation,
).where(GuildQuestion.guild_id == bindparam("guild"))
_ONE = _QUESTION.where(GuildQuestion.id == bindparam("row"))


def asked_keys(on_topic: bool) -> Select[str]:
    """The keys (as ``guild_key`` writes them, built in SQL) of the guild's (``guild``) own
    questions still asked, unordered; of one topic (``on_topic``) or of all."""
    key = literal(GUILD_PREFIX, String) + cast(GuildQuestion.id, String)
    asked = select(key).where(
        GuildQuestion.guild_id == bindparam("guild"), GuildQuestion.removed_at.is_(None)
    )
    return asked.where(GuildQuestion.topic == bindparam("on_topic")) if on_topic else asked


_ASKED = {on_topic: asked_keys(on_topic).order_by(GuildQuestion.id) for on_topic in (False, True)}


class QuestionBank:
    """Looks questions up inside the caller's unit of work (a Core connection);
    ``add``/``edit``/``remove`` are their own."""

    def __init__(
        self, database: Database, clock: Clock, quiz: QuizContent, rng: random.Random
    ) -> None:
        self._database = database
        self._clock = clock
        self._builtin = {q.id: Question.builtin(q) for q in quiz.knowledge}
        self._every = list(self._builtin)
        self._by_topic: dict[str, list[str]] = {}
        for question in self._builtin.values():
            self._by_topic.setdefault(question.topic, []).append(question.key)
        self._topics = {t.id: f"{t.emoji} {t.name}" for t in quiz.knowledge_topics}
        self._topics[ear.EAR_TOPIC] = "👂 Ear training"
        self._rng = rng

    def topic_name(self, topic: str | None) -> str:
        """The display name of a topic; None means every topic."""
        return "All topics" if topic is None else self._topics.get(topic, topic)

    def check_topic(self, topic: str | None) -> str | None:
        """``topic`` if it is a quiz topic (or None for all), else ``InvalidInput``."""
        if topic is not None and topic not in self._topics:
            names = ", ".join(f"`{topic_id}`" for topic_id in self._topics)
            raise InvalidInput(f"`{topic}` is not a quiz topic. Pick one of {names}.")
        return topic

    def search_topics(self, query: str) -> list[tuple[str, str]]:
        """``(id, name)`` of the topics whose id or name contains ``query``."""
        needle = query.strip().casefold()
        return [
            (topic_id, name)
            for topic_id, name in self._topics.items()
            if needle in topic_id or needle in name.casefold()
        ]

    def pool_keys(
        self,
        connection: Connection,
        guild_id: int,
        topic: str | None,
        ear_levels: Mapping[str, int] | None = None,
    ) -> list[str]:
        """The keys of every question of ``topic`` (or of all written topics) this guild can
        be asked; for ear training, a fresh batch of generated ones at ``ear_levels`` (a
        member's level per kind; the first level without)."""
        own: list[str] = []
        if topic != ear.EAR_TOPIC:
            keys = {"guild": guild_id, "on_topic": topic}
            own = list(connection.execute(_ASKED[topic is not None], keys).scalars())
        return self.pool(topic, own, ear_levels)

    def pool(
        self, topic: str | None, own: list[str], ear_levels: Mapping[str, int] | None = None
    ) -> list[str]:
        """``pool_keys`` from the keys of the guild's ``own`` questions (``asked_keys``)."""
        if topic == ear.EAR_TOPIC:
            return ear.random_keys(self._rng, EAR_ROUND_POOL, ear_levels or {})
        return [*(self._every if topic is None else self._by_topic.get(topic, ())), *own]

    def still_asked(self, key: str, pool: set[str]) -> bool:
        """Whether a review of ``key`` can still be asked, given the round's ``pool``."""
        return key in pool or ear.parse_key(key) is not None

    def get(self, connection: Connection, guild_id: int, key: str) -> Question:
        """The question with ``key`` (a guild question only in its own guild, and also
        after its removal, for the rounds that asked it)."""
        if key in self._builtin:
            return self._builtin[key]
        if (spec := ear.parse_key(key)) is not None:
            return Question.ear(spec)
        row_id = guild_row_id(key)
        row = None
        if row_id is not None:
            row = connection.execute(_ONE, {"guild": guild_id, "row": row_id}).first()
        if row is None:
            raise NotFound("That question is not (or no longer) in this server's quiz.")
        return Question.of(row)

    def check(self, draft: QuestionDraft) -> tuple[str, str, list[str], str]:
        """A guild question's texts, cleaned and checked without saving it: the prompt, the
        correct answer, the four choices (correct first) and the explanation."""
        if self.check_topic(draft.topic) == ear.EAR_TOPIC:
            raise InvalidInput("Ear-training questions are generated by me: pick another topic.")
        if draft.difficulty not in DIFFICULTIES:
            raise InvalidInput(f"Difficulty must be one of {', '.join(DIFFICULTIES)}.")
        prompt, correct = draft.prompt.strip(), draft.correct.strip()
        explanation = draft.explanation.strip()
        wrong_answers = [line.strip() for line in draft.wrong.splitlines() if line.strip()]
        if len(wrong_answers) != KNOWLEDGE_CHOICES - 1:
            raise InvalidInput(
                f"Write exactly {KNOWLEDGE_CHOICES - 1} wrong answers, one per line "
                f"(you wrote {len(wrong_answers)})."
            )
        choices = [correct, *wrong_answers]
        if not prompt or not correct or not explanation:
            raise InvalidInput("A question needs a prompt, a correct answer and an explanation.")
        if len(prompt) > PROMPT_MAX or len(explanation) > EXPLANATION_MAX:
            raise InvalidInput(
                f"Keep the question under {PROMPT_MAX} characters and the explanation under "
                f"{EXPLANATION_MAX}."
            )
        if any(len(choice) > CHOICE_MAX for choice in choices):
            raise InvalidInput(f"Keep every answer under {CHOICE_MAX} characters.")
        if len({choice.casefold() for choice in choices}) != len(choices):
            raise InvalidInput("The four answers must all be different.")
        return prompt, correct, choices, explanation

    async def add(self, guild_id: int, author_id: int, draft: QuestionDraft) -> Question:
        """Add a guild question."""
        prompt, correct, choices, explanation = self.check(draft)
        self._rng.shuffle(choices)
        async with self._database.write() as session:
            count = await session.scalar(
                select(func.count()).where(
                    GuildQuestion.guild_id == guild_id, GuildQuestion.removed_at.is_(None)
                )
            )
            if (count or 0) >= MAX_GUILD_QUESTIONS:
                raise InvalidInput(
                    f"This server already has {MAX_GUILD_QUESTIONS} questions of its own: "
                    "remove some with `/quiz remove` first."
                )
            row = GuildQuestion(
                guild_id=guild_id,
                topic=draft.topic,
                difficulty=draft.difficulty,
                prompt=prompt,
                choices=choices,
                answer=choices.index(correct),
                explanation=explanation,
                author_id=author_id,
                created_at=self._clock.now(),
            )
            session.add(row)
            await session.flush()
            return Question.of(row)

    async def edit(self, guild_id: int, key: str, draft: QuestionDraft) -> Question:
        """Rewrite one of the guild's own questions (checked like a new one)."""
        prompt, correct, choices, explanation = self.check(draft)
        self._rng.shuffle(choices)
        async with self._database.write() as session:
            row = await session.scalar(
                select(GuildQuestion).where(
                    GuildQuestion.guild_id == guild_id,
                    GuildQuestion.id == guild_row_id(key),
                    GuildQuestion.removed_at.is_(None),
                )
            )
            if row is None:
                raise NotFound(
                    "That is not one of this server's questions: pick one from the list."
                )
            row.topic, row.difficulty, row.prompt = draft.topic, draft.difficulty, prompt
            row.choices, row.answer = choices, choices.index(correct)
            row.explanation = explanation
            return Question.of(row)

    async def remove(self, guild_id: int, key: str) -> Question:
        """Take one of the guild's own questions out of the quiz (answers keep their points)."""
        row_id = guild_row_id(key)
        async with self._database.write() as session:
            result = await session.execute(
                update(GuildQuestion)
                .where(
                    GuildQuestion.guild_id == guild_id,
                    GuildQuestion.id == row_id,
                    GuildQuestion.removed_at.is_(None),
                )
                .values(removed_at=self._clock.now())
            )
            if row_id is None or result.rowcount == 0:  # type: ignore[attr-defined]
                raise NotFound(
                    "That is not one of this server's questions: pick one from the list."
                )
            return await session.run_sync(lambda sync: self.get(sync.connection(), guild_id, key))

    async def search(self, guild_id: int, query: str, limit: int = 25) -> list[Question]:
        """The guild's own questions whose prompt contains ``query``, newest first."""
        statement = select(GuildQuestion).where(
            GuildQuestion.guild_id == guild_id, GuildQuestion.removed_at.is_(None)
        )
        if needle := query.strip():
            statement = statement.where(GuildQuestion.prompt.icontains(needle, autoescape=True))
        async with self._database.read() as session:
            rows = await session.scalars(statement.order_by(GuildQuestion.id.desc()).limit(limit))
            return [Question.of(row) for row in rows]
