"""Solo knowledge rounds: a member's own round with feedback after every answer. Missed
questions (wrong, or after the answer window) come back in later rounds."""

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.db.engine import Database
from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.models.quiz import QuizAnswer, QuizReview, QuizRound
from bot.services.quiz import ear
from bot.services.quiz.bank import Question
from bot.services.quiz.ear import staircase
from bot.services.quiz.rounds import RoundQuestion, Rounds
from bot.services.quiz.rules import elapsed_since, is_late

T = TypeVar("T")

SOLO_IDLE = timedelta(minutes=15)
"""A solo round nobody touched for this long is closed; its open question counts as missed."""


@dataclass(frozen=True, slots=True)
class RoundSummary:
    correct: int
    total: int
    points: int
    missed: int
    """Questions answered wrongly or too late: they come back for review."""


@dataclass(frozen=True, slots=True)
class SoloFeedback:
    round_id: int
    position: int
    total: int
    question: Question
    choice: int | None
    """None when the answer came after the window."""
    points: int
    summary: RoundSummary | None
    """Set once the last question is answered."""
    next_key: str | None = None
    """The question asked next, if any, so its audio can be made while the member reads."""

    @property
    def correct(self) -> bool:
        return self.choice == self.question.answer


@dataclass(frozen=True, slots=True)
class UnfinishedRound:
    """A member's open round and the question they would continue from."""

    round_id: int
    position: int
    total: int
    topic: str | None


class SoloRounds:
    """Each step of a solo round is one ``Database.run`` unit of work (one hop, and on
    SQLite a place in the group commit): the steps run on a synchronous ORM session over
    the unit's connection, in a savepoint of its own. A failing flush (an answer given
    twice) rolls back that savepoint only, never the transaction it joined, and the session
    itself never commits: ``Database.run`` does once the step has returned."""

    def __init__(
        self, database: Database, clock: Clock, rounds: Rounds, rng: random.Random
    ) -> None:
        self._database = database
        self._clock = clock
        self._rounds = rounds
        self._rng = rng

    async def _run(self, work: Callable[[Session], T], *, write: bool = False) -> T:
        def unit(connection: Connection) -> T:
            with Session(
                connection, join_transaction_mode="create_savepoint", expire_on_commit=False
            ) as session:
                result = work(session)
                session.commit()
                return result

        return await self._database.run(unit, write=write)

    def _pick(
        self, session: Session, guild_id: int, user_id: int, topic: str | None, length: int
    ) -> list[str]:
        """Due reviews first (longest due first), then questions the member has never
        answered, then the rest; each of the last two groups shuffled. Ear-training
        questions come at the member's level for their kind."""
        levels = None
        if topic == ear.EAR_TOPIC:
            levels = staircase.levels(session, guild_id, user_id)
        pool = self._rounds.bank.pool(session, guild_id, topic, levels)
        keys = [question.key for question in pool]
        if not keys:
            raise NotFound("There are no questions for that topic yet.")
        due_query = select(QuizReview.question_key).where(
            QuizReview.guild_id == guild_id,
            QuizReview.user_id == user_id,
            QuizReview.due_at <= self._clock.now(),
        )
        if topic is not None:
            due_query = due_query.where(QuizReview.topic == topic)
        due = session.scalars(due_query.order_by(QuizReview.due_at, QuizReview.question_key))
        chosen = [key for key in due if self._rounds.bank.still_asked(key, set(keys))][:length]
        seen = set(
            session.scalars(
                select(QuizAnswer.question_key)
                .where(QuizAnswer.guild_id == guild_id, QuizAnswer.user_id == user_id)
                .distinct()
            )
        )
        fresh = [key for key in keys if key not in seen and key not in chosen]
        again = [key for key in keys if key in seen and key not in chosen]
        self._rng.shuffle(fresh)
        self._rng.shuffle(again)
        return (chosen + fresh + again)[:length]

    def _abandon(self, session: Session, row: QuizRound, now: datetime) -> None:
        """Close a round left open; its unanswered question counts as missed."""
        if not self._rounds.answers(session, row, row.position):
            question = self._rounds.question(session, row)
            self._rounds.record(session, row, row.user_id, question, None, now)
        self._rounds.finish(row, "expired", now)

    async def start(
        self, guild_id: int, user_id: int, topic: str | None, length: int
    ) -> RoundQuestion:
        """A new round for the member; an unfinished earlier one is closed."""
        topic = self._rounds.bank.check_topic(topic)
        now = self._clock.now()
        slot = f"solo:{guild_id}:{user_id}"

        def work(session: Session) -> RoundQuestion:
            old = session.scalar(
                select(QuizRound)
                .where(QuizRound.guild_id == guild_id, QuizRound.active_slot == slot)
                .with_for_update()
            )
            if old is not None:
                self._abandon(session, old, now)
                session.flush()
            row = self._rounds.new(
                session,
                guild_id=guild_id,
                kind="solo",
                user_id=user_id,
                channel_id=None,
                topic=topic,
                keys=self._pick(session, guild_id, user_id, topic, length),
                slot=slot,
                now=now,
            )
            session.flush()
            return self._rounds.current(session, row)

        try:
            return await self._run(work, write=True)
        except IntegrityError:
            raise InvalidInput("You just started a round: use the buttons of that one.") from None

    def _own(
        self,
        session: Session,
        guild_id: int,
        round_id: int,
        user_id: int,
        position: int | None = None,
    ) -> QuizRound:
        """The member's open round ``round_id``, still at ``position`` when one is given."""
        row = self._rounds.get(session, guild_id, round_id)
        if row.user_id != user_id or row.kind != "solo":
            raise NotAllowed("This round belongs to someone else. Start your own: `/quiz skills`.")
        if row.status != "open":
            raise InvalidInput("This round is over. Start a new one with `/quiz skills`.")
        if position is not None and position != row.position:
            raise InvalidInput("That question is already behind you: use the newest buttons.")
        return row

    def _done_with_current(self, session: Session, row: QuizRound) -> bool:
        """Whether the question on screen is behind the member: answered, or its window
        (which keeps running while the member is away) has passed."""
        if self._rounds.answers(session, row, row.position):
            return True
        return is_late(
            elapsed_since(row.question_started_at, self._clock.now()), Rounds.window(row)
        )

    async def unfinished(self, guild_id: int, user_id: int) -> UnfinishedRound | None:
        """The member's open round, if it still has a question to ask."""

        def work(session: Session) -> UnfinishedRound | None:
            row = session.scalar(
                select(QuizRound).where(
                    QuizRound.guild_id == guild_id,
                    QuizRound.active_slot == f"solo:{guild_id}:{user_id}",
                )
            )
            if row is None:
                return None
            position = row.position + self._done_with_current(session, row)
            total = len(row.question_keys)
            return UnfinishedRound(row.id, position, total, row.topic) if position < total else None

        return await self._run(work)

    async def resume(self, guild_id: int, round_id: int, user_id: int) -> RoundQuestion:
        """Continue the member's round: the question on screen if its window is still open
        (with the time it has left), else the next one (a lapsed question counts as missed)."""

        def work(session: Session) -> RoundQuestion | None:
            row = self._own(session, guild_id, round_id, user_id)
            if not self._done_with_current(session, row):
                return self._rounds.current(session, row)
            now = self._clock.now()
            if not self._rounds.answers(session, row, row.position):
                question = self._rounds.question(session, row)
                self._rounds.record(session, row, user_id, question, None, now)
            if row.position + 1 < len(row.question_keys):
                row.position += 1
                row.question_started_at = now
                return self._rounds.current(session, row)
            self._rounds.finish(row, "done", now)
            return None

        if (resumed := await self._run(work, write=True)) is not None:
            return resumed
        raise InvalidInput(
            "Time ran out on the last question of that round, so it is over. "
            "Start a new one with `/quiz skills`."
        )

    async def restart(
        self, guild_id: int, round_id: int, user_id: int, topic: str | None, length: int
    ) -> RoundQuestion:
        """Start over, as the member chose on the offer for the open round ``round_id``."""
        await self._run(lambda session: self._own(session, guild_id, round_id, user_id).id)
        return await self.start(guild_id, user_id, topic, length)

    async def answer(
        self, guild_id: int, round_id: int, position: int, user_id: int, choice: int
    ) -> SoloFeedback:
        """Mark the member's answer; after the window it counts as missed."""
        now = self._clock.now()

        def work(session: Session) -> SoloFeedback:
            row = self._own(session, guild_id, round_id, user_id, position)
            question = self._rounds.question(session, row)
            if not 0 <= choice < len(question.choices):
                raise InvalidInput("That is not one of the answers.")
            late = is_late(elapsed_since(row.question_started_at, now), Rounds.window(row))
            made = None if late else choice
            points = self._rounds.record(session, row, user_id, question, made, now)
            summary, following = None, None
            if position + 1 == len(row.question_keys):
                self._rounds.finish(row, "done", now)
                summary = self._summary(session, row)
            else:
                following = self._keep_level(session, row, position + 1)
            total = len(row.question_keys)
            return SoloFeedback(
                round_id, position, total, question, made, points, summary, following
            )

        try:
            return await self._run(work, write=True)
        except IntegrityError:
            raise InvalidInput("You already answered this question.") from None

    def _summary(self, session: Session, row: QuizRound) -> RoundSummary:
        answers = self._rounds.answers(session, row)
        correct = sum(1 for answer in answers if answer.correct)
        points = sum(answer.points for answer in answers)
        return RoundSummary(correct, len(row.question_keys), points, len(answers) - correct)

    async def next(
        self, guild_id: int, round_id: int, position: int, user_id: int
    ) -> RoundQuestion:
        """Move on from the answered question ``position``; its window starts now."""

        def work(session: Session) -> RoundQuestion:
            row = self._own(session, guild_id, round_id, user_id, position)
            if not self._rounds.answers(session, row, position):
                raise InvalidInput("Answer this question first.")
            row.position += 1
            row.question_started_at = self._clock.now()
            return self._rounds.current(session, row)

        return await self._run(work, write=True)

    @staticmethod
    def _keep_level(session: Session, row: QuizRound, position: int) -> str:
        """The key of question ``position``. A fresh ear-training question comes at the
        level the member stands at now, which the answers so far may have changed; a review
        keeps its own."""
        spec = ear.parse_key(row.question_keys[position])
        if spec is None:
            return row.question_keys[position]
        review = session.scalar(
            select(QuizReview.box).where(
                QuizReview.guild_id == row.guild_id,
                QuizReview.user_id == row.user_id,
                QuizReview.question_key == spec.key,
            )
        )
        if review is not None:
            return spec.key
        level = staircase.levels(session, row.guild_id, row.user_id).get(spec.kind, 1)
        keys = list(row.question_keys)
        keys[position] = replace(spec, level=level).key
        row.question_keys = keys
        return keys[position]

    async def expire_idle(self, now: datetime) -> int:
        """Close rounds idle for ``SOLO_IDLE`` (their open question counts as missed);
        returns how many were closed."""
        async with self._database.read() as session:
            stale = (
                await session.execute(
                    select(QuizRound.guild_id, QuizRound.id).where(
                        QuizRound.kind == "solo",
                        QuizRound.status == "open",
                        QuizRound.question_started_at < now - SOLO_IDLE,
                    )
                )
            ).all()

        def close(session: Session, guild_id: int, round_id: int) -> bool:
            row = self._rounds.get(session, guild_id, round_id)
            idle = row.status == "open" and row.question_started_at < now - SOLO_IDLE
            if idle:
                self._abandon(session, row, now)
            return idle

        closed = 0
        for guild_id, round_id in stale:
            closed += await self._run(
                partial(close, guild_id=guild_id, round_id=round_id), write=True
            )
        return closed
