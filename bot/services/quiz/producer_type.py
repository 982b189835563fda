"""The producer-type quiz: sessions that survive restarts, scored results with history, the
guild's type distribution, and the roles moderators hand to each type."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.content.quiz import (
    MAX_WEIGHT,
    TYPE_IDS,
    QuizContent,
    TypeQuestion,
    score_type_answers,
    type_percentages,
)
from bot.db.engine import Database
from bot.db.upsert import insert_or_update
from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.models.quiz import TypeQuizResult, TypeQuizSession, TypeRole

HISTORY_LIMIT = 10


def type_order(quiz: QuizContent, answers: Sequence[int]) -> list[str]:
    """The producer types best first for ``answers``, one answer index per question in order.

    The higher total comes first. Equal totals are settled by the answers, never by the order
    of the types file: the type picked at full weight more often wins, then the type whose
    latest full-weight pick came later in the quiz, then the type that last got any point
    later. Each bundled answer gives one type full weight and one other type the second
    point, so only types without a single point can still be level: they share 0 % and keep
    the types-file order.
    """
    scores = score_type_answers(quiz, answers)
    full = dict.fromkeys(scores, 0)
    last_full = dict.fromkeys(scores, -1)
    last_point = dict.fromkeys(scores, -1)
    for position, (question, index) in enumerate(zip(quiz.type_questions, answers, strict=False)):
        for type_id, weight in question.answers[index].weights.items():
            if weight == MAX_WEIGHT:
                full[type_id] += 1
                last_full[type_id] = position
            if weight:
                last_point[type_id] = position
    return sorted(scores, key=lambda t: (-scores[t], -full[t], -last_full[t], -last_point[t]))


def rank_type_answers(quiz: QuizContent, answers: Sequence[int]) -> list[tuple[str, int]]:
    """``(type_id, percent)`` best first, ties settled as ``type_order`` explains."""
    scores = score_type_answers(quiz, answers)
    return type_percentages({type_id: scores[type_id] for type_id in type_order(quiz, answers)})


@dataclass(frozen=True, slots=True)
class TypeStep:
    """The question a session is at."""

    session_id: int
    position: int
    total: int
    question: TypeQuestion


@dataclass(frozen=True, slots=True)
class TypeResult:
    id: int
    user_id: int
    scores: dict[str, int]
    ranking: list[tuple[str, int]]
    """``(type_id, percent)`` best first; the percentages add up to 100."""
    created_at: datetime
    role_id: int | None = None
    """The role moderators set for the primary type, if any (newest results only)."""

    @property
    def primary(self) -> str:
        return self.ranking[0][0]

    @property
    def secondary(self) -> str:
        return self.ranking[1][0]

    @classmethod
    def of(cls, row: TypeQuizResult, role_id: int | None = None) -> "TypeResult":
        """The stored result, ranked as it was when the quiz ended: equal scores keep the
        stored primary and secondary types first, then the order the scores were saved in
        (best first)."""
        scores: dict[str, int] = {type_id: int(row.scores[type_id]) for type_id in TYPE_IDS}
        leaders = (row.primary_type, row.secondary_type)
        order = [*leaders, *(type_id for type_id in row.scores if type_id not in leaders)]
        ranking = type_percentages({type_id: float(scores[type_id]) for type_id in order})
        return cls(row.id, row.user_id, scores, ranking, row.created_at, role_id)


@dataclass(frozen=True, slots=True)
class TypeProfile:
    latest: TypeResult
    history: list[TypeResult]
    """Earlier results, newest first (without ``latest``)."""


@dataclass(frozen=True, slots=True)
class RoleReward:
    type_id: str
    role_id: int
    other_role_ids: list[int]
    """Roles of the other types, which the member gives up on taking this one."""


class TypeQuizService:
    def __init__(self, database: Database, clock: Clock, quiz: QuizContent) -> None:
        self._database = database
        self._clock = clock
        self._quiz = quiz

    @property
    def total(self) -> int:
        return len(self._quiz.type_questions)

    def _step(self, session: TypeQuizSession) -> TypeStep:
        position = len(session.answers)
        return TypeStep(session.id, position, self.total, self._quiz.type_questions[position])

    async def start(self, guild_id: int, user_id: int) -> TypeStep:
        """A fresh session at question 1; an open older one is replaced."""
        now = self._clock.now()
        slot = f"type:{guild_id}:{user_id}"
        try:
            async with self._database.write() as session:
                await session.execute(
                    update(TypeQuizSession)
                    .where(
                        TypeQuizSession.guild_id == guild_id, TypeQuizSession.active_slot == slot
                    )
                    .values(status="replaced", active_slot=None, updated_at=now)
                )
                row = TypeQuizSession(
                    guild_id=guild_id,
                    user_id=user_id,
                    answers=[],
                    status="open",
                    active_slot=slot,
                    started_at=now,
                    updated_at=now,
                )
                session.add(row)
                await session.flush()
                return self._step(row)
        except IntegrityError:
            raise InvalidInput("You just started a quiz: use the buttons of that one.") from None

    async def unfinished(self, guild_id: int, user_id: int) -> TypeStep | None:
        """The member's open quiz, if they answered at least one question of it: offered
        to continue rather than silently replaced."""
        async with self._database.read() as session:
            row = await session.scalar(
                select(TypeQuizSession).where(
                    TypeQuizSession.guild_id == guild_id,
                    TypeQuizSession.active_slot == f"type:{guild_id}:{user_id}",
                )
            )
        return self._step(row) if row is not None and row.answers else None

    async def resume(self, guild_id: int, session_id: int, user_id: int) -> TypeStep:
        """The open quiz ``session_id`` at the question it stopped at."""
        async with self._database.write() as session:  # _open locks the row
            return self._step(await self._open(session, guild_id, session_id, user_id, None))

    async def _open(
        self,
        session: AsyncSession,
        guild_id: int,
        session_id: int,
        user_id: int,
        position: int | None,
    ) -> TypeQuizSession:
        """The open session, checked for its owner and, unless ``position`` is None, that
        it is at that question."""
        row = await session.scalar(
            select(TypeQuizSession)
            .where(TypeQuizSession.guild_id == guild_id, TypeQuizSession.id == session_id)
            .with_for_update()
        )
        if row is None:
            raise NotFound("That quiz no longer exists. Start a new one with `/quiz type`.")
        if row.user_id != user_id:
            raise NotAllowed("This quiz belongs to someone else. Take your own with `/quiz type`.")
        if row.status == "done":
            raise InvalidInput("This quiz is finished: `/quiz me` shows your result.")
        if row.status != "open":
            raise InvalidInput("You started a newer quiz since: use the buttons of that one.")
        if position is not None and position != len(row.answers):
            raise InvalidInput("That question is already behind you: use the newest buttons.")
        return row

    async def answer(
        self, guild_id: int, session_id: int, user_id: int, position: int, answer: int
    ) -> TypeStep | TypeResult:
        """Record the answer to question ``position``; the last one scores the session."""
        now = self._clock.now()
        async with self._database.write() as session:
            row = await self._open(session, guild_id, session_id, user_id, position)
            if not 0 <= answer < len(self._quiz.type_questions[position].answers):
                raise InvalidInput("That answer is not part of this question.")
            row.answers = [*row.answers, answer]
            row.updated_at = now
            if len(row.answers) < self.total:
                return self._step(row)
            row.status, row.active_slot = "done", None
            scores = score_type_answers(self._quiz, row.answers)
            ranking = rank_type_answers(self._quiz, row.answers)
            result = TypeQuizResult(
                guild_id=guild_id,
                user_id=user_id,
                session_id=row.id,
                primary_type=ranking[0][0],
                secondary_type=ranking[1][0],
                scores={type_id: int(scores[type_id]) for type_id, _ in ranking},
                created_at=now,
            )
            session.add(result)
            await session.flush()
            return TypeResult.of(
                result, await self._role_of(session, guild_id, result.primary_type)
            )

    async def back(self, guild_id: int, session_id: int, user_id: int, position: int) -> TypeStep:
        """Step back from question ``position`` to the one before, forgetting its answer."""
        async with self._database.write() as session:
            row = await self._open(session, guild_id, session_id, user_id, position)
            if not row.answers:
                raise InvalidInput("This is the first question: there is nothing before it.")
            row.answers = row.answers[:-1]
            row.updated_at = self._clock.now()
            return self._step(row)

    async def latest(self, guild_id: int, user_id: int) -> TypeResult | None:
        """The member's newest result in this guild (other features read it too)."""
        async with self._database.read() as session:
            row = await session.scalar(
                select(TypeQuizResult)
                .where(TypeQuizResult.guild_id == guild_id, TypeQuizResult.user_id == user_id)
                .order_by(TypeQuizResult.id.desc())
                .limit(1)
            )
        return TypeResult.of(row) if row else None

    async def profile(self, guild_id: int, user_id: int) -> TypeProfile:
        """The newest result, earlier ones, and the role reward it may claim."""
        async with self._database.read() as session:
            rows = (
                await session.scalars(
                    select(TypeQuizResult)
                    .where(TypeQuizResult.guild_id == guild_id, TypeQuizResult.user_id == user_id)
                    .order_by(TypeQuizResult.id.desc())
                    .limit(HISTORY_LIMIT + 1)
                )
            ).all()
            if not rows:
                raise NotFound(
                    "You haven't taken the producer-type quiz here yet: try `/quiz type`."
                )
            role_id = await self._role_of(session, guild_id, rows[0].primary_type)
        return TypeProfile(TypeResult.of(rows[0], role_id), [TypeResult.of(r) for r in rows[1:]])

    async def distribution(self, guild_id: int) -> dict[str, int]:
        """How many members have each type as the primary type of their newest result."""
        newest = (
            select(func.max(TypeQuizResult.id))
            .where(TypeQuizResult.guild_id == guild_id)
            .group_by(TypeQuizResult.user_id)
        )
        async with self._database.read() as session:
            rows = await session.execute(
                select(TypeQuizResult.primary_type, func.count())
                .where(TypeQuizResult.guild_id == guild_id, TypeQuizResult.id.in_(newest))
                .group_by(TypeQuizResult.primary_type)
            )
            counts = {type_id: int(count) for type_id, count in rows.all()}
        return {type_id: counts.get(type_id, 0) for type_id in TYPE_IDS}

    # -- role rewards ---------------------------------------------------------------------

    async def _role_of(self, session: AsyncSession, guild_id: int, type_id: str) -> int | None:
        return await session.scalar(
            select(TypeRole.role_id).where(
                TypeRole.guild_id == guild_id, TypeRole.type_id == type_id
            )
        )

    async def set_role(
        self, guild_id: int, type_id: str, role_id: int | None, moderator_id: int
    ) -> None:
        """Map ``type_id`` to a role, or remove the mapping when ``role_id`` is None."""
        if type_id not in TYPE_IDS:
            raise InvalidInput(f"`{type_id}` is not a producer type.")
        async with self._database.write() as session:
            if role_id is None:
                await session.execute(
                    delete(TypeRole).where(
                        TypeRole.guild_id == guild_id, TypeRole.type_id == type_id
                    )
                )
                return
            now = self._clock.now()
            await insert_or_update(
                session,
                TypeRole,
                keys={"guild_id": guild_id, "type_id": type_id},
                insert_values={},
                update_values={"role_id": role_id, "updated_by": moderator_id, "updated_at": now},
            )

    async def reward(self, guild_id: int, user_id: int, result_id: int) -> RoleReward:
        """The role the member may take for their newest result, and the other type roles."""
        async with self._database.read() as session:
            row = await session.scalar(
                select(TypeQuizResult).where(
                    TypeQuizResult.guild_id == guild_id, TypeQuizResult.id == result_id
                )
            )
            if row is None or row.user_id != user_id:
                raise NotAllowed("That button belongs to someone else's result.")
            newest = await session.scalar(
                select(func.max(TypeQuizResult.id)).where(
                    TypeQuizResult.guild_id == guild_id, TypeQuizResult.user_id == user_id
                )
            )
            if newest != row.id:
                raise InvalidInput("You have a newer result: take its role from `/quiz me`.")
            mapping = dict(
                (
                    await session.execute(
                        select(TypeRole.type_id, TypeRole.role_id).where(
                            TypeRole.guild_id == guild_id
                        )
                    )
                ).all()
            )
        role_id = mapping.pop(row.primary_type, None)
        if role_id is None:
            name = self._quiz.type(row.primary_type).name
            raise NotFound(
                f"No role is set for {name} here. Moderators can set one with `/quiz roles`."
            )
        return RoleReward(row.primary_type, role_id, sorted(set(mapping.values()) - {role_id}))
