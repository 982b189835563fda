"""Knowledge rounds, the parts solo and live play share: the round row, the question it is
asking, recording an answer, and each member's review queue of missed questions.

Every answer is a row with a unique (round, question, member) key, so it counts once however
many clicks arrive at the same time. Time comes from the bot's clock.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.upsert import upsert
from bot.errors import NotFound
from bot.models.quiz import QuizAnswer, QuizReview, QuizRound
from bot.services.quiz import ear
from bot.services.quiz.bank import Question, QuestionBank
from bot.services.quiz.ear import staircase
from bot.services.quiz.rules import (
    ANSWER_WINDOW,
    REVIEW_INTERVALS,
    answer_points,
    elapsed_since,
    next_review,
)


@dataclass(frozen=True, slots=True)
class RoundQuestion:
    """The question a round is asking now."""

    round_id: int
    kind: str
    position: int
    total: int
    question: Question
    topic: str | None
    deadline: datetime
    correct_so_far: int


class Rounds:
    """Steps on rounds inside the caller's unit of work (a synchronous ORM session: solo
    rounds run each step as one ``Database.run`` unit, live rounds through ``run_sync``);
    never commits."""

    def __init__(self, bank: QuestionBank) -> None:
        self.bank = bank

    @staticmethod
    def new(
        session: Session,
        *,
        guild_id: int,
        kind: str,
        user_id: int,
        channel_id: int | None,
        topic: str | None,
        keys: list[str],
        slot: str,
        now: datetime,
    ) -> QuizRound:
        row = QuizRound(
            guild_id=guild_id,
            kind=kind,
            user_id=user_id,
            channel_id=channel_id,
            topic=topic,
            question_keys=keys,
            position=0,
            window_seconds=int(ANSWER_WINDOW.total_seconds()),
            question_started_at=now,
            status="open",
            active_slot=slot,
            created_at=now,
        )
        session.add(row)
        return row

    @staticmethod
    def get(session: Session, guild_id: int, round_id: int, *, share: bool = False) -> QuizRound:
        """The round, locked for update (or shared with ``share``) on PostgreSQL."""
        row = session.scalar(
            select(QuizRound)
            .where(QuizRound.guild_id == guild_id, QuizRound.id == round_id)
            .with_for_update(read=share)
        )
        if row is None:
            raise NotFound("That quiz round no longer exists.")
        return row

    @staticmethod
    def finish(row: QuizRound, status: str, now: datetime) -> None:
        row.status, row.active_slot, row.finished_at = status, None, now

    @staticmethod
    def window(row: QuizRound) -> timedelta:
        return timedelta(seconds=row.window_seconds)

    @staticmethod
    def answers(session: Session, row: QuizRound, position: int | None = None) -> list[QuizAnswer]:
        """The round's answers, or those to question ``position``."""
        query = select(QuizAnswer).where(
            QuizAnswer.guild_id == row.guild_id, QuizAnswer.round_id == row.id
        )
        if position is not None:
            query = query.where(QuizAnswer.position == position)
        return list((session.scalars(query.order_by(QuizAnswer.id))).all())

    def question(self, session: Session, row: QuizRound) -> Question:
        """The question being asked now."""
        return self.bank.get(session, row.guild_id, row.question_keys[row.position])

    def current(self, session: Session, row: QuizRound) -> RoundQuestion:
        correct = session.scalar(
            select(func.count()).where(
                QuizAnswer.guild_id == row.guild_id,
                QuizAnswer.round_id == row.id,
                QuizAnswer.correct.is_(True),
            )
        )
        return RoundQuestion(
            row.id,
            row.kind,
            row.position,
            len(row.question_keys),
            self.question(session, row),
            row.topic,
            row.question_started_at + self.window(row),
            int(correct or 0),
        )

    def record(
        self,
        session: Session,
        row: QuizRound,
        user_id: int,
        question: Question,
        choice: int | None,
        now: datetime,
    ) -> int:
        """Store one answer to the current question (``choice`` None: missed) and update the
        member's review queue, and for ear training their staircase; returns the points.
        ``IntegrityError`` if already answered."""
        correct = choice == question.answer
        elapsed = elapsed_since(row.question_started_at, now)
        points = answer_points(correct, elapsed, self.window(row))
        session.add(
            QuizAnswer(
                guild_id=row.guild_id,
                round_id=row.id,
                position=row.position,
                user_id=user_id,
                question_key=question.key,
                topic=question.topic,
                choice=choice,
                correct=correct,
                points=points,
                answered_at=now,
            )
        )
        session.flush()
        self._review(session, row.guild_id, user_id, question, correct, now)
        if (spec := ear.parse_key(question.key)) is not None:
            staircase.record(session, row.guild_id, user_id, spec, correct, now)
        return points

    @staticmethod
    def _review(
        session: Session,
        guild_id: int,
        user_id: int,
        question: Question,
        correct: bool,
        now: datetime,
    ) -> None:
        """A miss puts the question in the first box; a right answer moves it up a box, and
        out of the queue after the last."""
        keys = {"guild_id": guild_id, "user_id": user_id, "question_key": question.key}
        if not correct:
            session.execute(
                upsert(
                    session.get_bind().dialect.name,
                    QuizReview,
                    keys=keys,
                    insert_values={"topic": question.topic},
                    update_values={"box": 0, "due_at": now + REVIEW_INTERVALS[0]},
                )
            )
            return
        review = session.scalar(select(QuizReview).filter_by(**keys).with_for_update())
        if review is None:
            return
        due = next_review(review.box + 1, now)
        if due is None:
            session.delete(review)
        else:
            review.box, review.due_at = review.box + 1, due
