"""Knowledge rounds, the parts solo and live play share: the round row, the question it is
asking, recording an answer, and each member's review queue of missed questions.

Every answer is a row with a unique (round, question, member) key, so it counts once however
many clicks arrive at the same time. Time comes from the bot's clock. The steps run inside
the caller's unit of work on a Core connection, on statements built once.
"""

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Connection, Executable, bindparam, delete, func, insert, select, update

from bot.db.upsert import insert_of
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

Lock = Literal["update", "share"] | None


@dataclass(slots=True)
class RoundRow:
    """A round as its steps read it; the steps that change it write it back too."""

    id: int
    guild_id: int
    kind: str
    user_id: int
    channel_id: int | None
    topic: str | None
    question_keys: list[str]
    position: int
    window_seconds: int
    question_started_at: datetime
    message_id: int | None
    status: str

    @property
    def window(self) -> timedelta:
        return timedelta(seconds=self.window_seconds)

    @property
    def total(self) -> int:
        return len(self.question_keys)


@dataclass(frozen=True, slots=True)
class AnswerRow:
    user_id: int
    choice: int | None
    correct: bool
    points: int
    answered_at: datetime


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


_ROUND = select(
    QuizRound.id,
    QuizRound.guild_id,
    QuizRound.kind,
    QuizRound.user_id,
    QuizRound.channel_id,
    QuizRound.topic,
    QuizRound.question_keys,
    QuizRound.position,
    QuizRound.window_seconds,
    QuizRound.question_started_at,
    QuizRound.message_id,
    QuizRound.status,
)
_BY_ID = _ROUND.where(QuizRound.guild_id == bindparam("guild"), QuizRound.id == bindparam("round"))
_BY_ID_LOCKED = {
    None: _BY_ID,
    "update": _BY_ID.with_for_update(),
    "share": _BY_ID.with_for_update(read=True),
}
_BY_SLOT = _ROUND.where(
    QuizRound.guild_id == bindparam("guild"), QuizRound.active_slot == bindparam("slot")
)
_BY_SLOT_LOCKED = {None: _BY_SLOT, "update": _BY_SLOT.with_for_update()}
_NEW = insert(QuizRound)
_THIS_ROUND = (QuizRound.guild_id == bindparam("guild")) & (QuizRound.id == bindparam("round"))
_FINISH = (
    update(QuizRound)
    .where(_THIS_ROUND)
    .values(status=bindparam("new_status"), active_slot=None, finished_at=bindparam("at"))
)
_ADVANCE = (
    update(QuizRound)
    .where(_THIS_ROUND)
    .values(
        position=bindparam("new_position"),
        question_started_at=bindparam("at"),
        message_id=None,
    )
)
_SET_KEYS = update(QuizRound).where(_THIS_ROUND).values(question_keys=bindparam("keys"))

_OF_ROUND = (QuizAnswer.guild_id == bindparam("guild")) & (
    QuizAnswer.round_id == bindparam("round")
)
_ANSWERS = (
    select(
        QuizAnswer.user_id,
        QuizAnswer.choice,
        QuizAnswer.correct,
        QuizAnswer.points,
        QuizAnswer.answered_at,
    )
    .where(_OF_ROUND)
    .order_by(QuizAnswer.id)
)
_ANSWERS_AT = _ANSWERS.where(QuizAnswer.position == bindparam("at"))
_ANSWERED = select(QuizAnswer.id).where(_OF_ROUND, QuizAnswer.position == bindparam("at")).limit(1)
_CORRECT = select(func.count()).where(_OF_ROUND, QuizAnswer.correct.is_(True))
_ANSWER = insert(QuizAnswer)

_REVIEW_KEY = (
    (QuizReview.guild_id == bindparam("guild"))
    & (QuizReview.user_id == bindparam("user"))
    & (QuizReview.question_key == bindparam("key"))
)
_REVIEW_BOX = select(QuizReview.box).where(_REVIEW_KEY).with_for_update()
_REVIEW_DROP = delete(QuizReview).where(_REVIEW_KEY)
_REVIEW_MOVE = (
    update(QuizReview).where(_REVIEW_KEY).values(box=bindparam("new_box"), due_at=bindparam("due"))
)


@functools.cache
def _missed(dialect: str) -> Executable:
    """A missed question into the first box of the member's review queue (back into it, if
    it was there already); built once per dialect."""
    columns = QuizReview.__table__.c
    names = ("guild_id", "user_id", "question_key", "topic", "due_at")
    statement = insert_of(dialect)(QuizReview).values(
        {name: bindparam(name, type_=columns[name].type) for name in names} | {"box": 0}
    )
    return statement.on_conflict_do_update(
        index_elements=list(names[:3]), set_={"box": 0, "due_at": statement.excluded.due_at}
    )


class Rounds:
    """Steps on rounds inside the caller's unit of work (a Core connection); never commits."""

    def __init__(self, bank: QuestionBank) -> None:
        self.bank = bank

    @staticmethod
    def new(
        connection: Connection,
        *,
        guild_id: int,
        kind: str,
        user_id: int,
        channel_id: int | None,
        topic: str | None,
        keys: list[str],
        slot: str,
        now: datetime,
    ) -> RoundRow:
        window = int(ANSWER_WINDOW.total_seconds())
        result = connection.execute(
            _NEW,
            {
                "guild_id": guild_id,
                "kind": kind,
                "user_id": user_id,
                "channel_id": channel_id,
                "topic": topic,
                "question_keys": keys,
                "position": 0,
                "window_seconds": window,
                "question_started_at": now,
                "status": "open",
                "active_slot": slot,
                "created_at": now,
            },
        )
        [round_id] = result.inserted_primary_key or (None,)
        assert round_id is not None
        return RoundRow(
            round_id, guild_id, kind, user_id, channel_id, topic, keys, 0, window, now, None, "open"
        )

    @staticmethod
    def get(
        connection: Connection, guild_id: int, round_id: int, *, lock: Lock = "update"
    ) -> RoundRow:
        """The round, locked for update (or shared) on PostgreSQL."""
        row = connection.execute(
            _BY_ID_LOCKED[lock], {"guild": guild_id, "round": round_id}
        ).first()
        if row is None:
            raise NotFound("That quiz round no longer exists.")
        return RoundRow(*row)

    @staticmethod
    def in_slot(
        connection: Connection, guild_id: int, slot: str, *, lock: bool = False
    ) -> RoundRow | None:
        """The open round holding ``slot`` (a member's solo slot, a channel's live one)."""
        statement = _BY_SLOT_LOCKED["update" if lock else None]
        row = connection.execute(statement, {"guild": guild_id, "slot": slot}).first()
        return None if row is None else RoundRow(*row)

    @staticmethod
    def finish(connection: Connection, row: RoundRow, status: str, now: datetime) -> None:
        connection.execute(
            _FINISH, {"guild": row.guild_id, "round": row.id, "new_status": status, "at": now}
        )
        row.status = status

    @staticmethod
    def advance(connection: Connection, row: RoundRow, now: datetime) -> None:
        """Move on to the next question, whose window starts ``now``."""
        row.position, row.question_started_at, row.message_id = row.position + 1, now, None
        connection.execute(
            _ADVANCE,
            {"guild": row.guild_id, "round": row.id, "new_position": row.position, "at": now},
        )

    @staticmethod
    def set_keys(connection: Connection, row: RoundRow, keys: list[str]) -> None:
        row.question_keys = keys
        connection.execute(_SET_KEYS, {"guild": row.guild_id, "round": row.id, "keys": keys})

    @staticmethod
    def answers(
        connection: Connection, row: RoundRow, position: int | None = None
    ) -> list[AnswerRow]:
        """The round's answers, or those to question ``position``."""
        keys: dict[str, Any] = {"guild": row.guild_id, "round": row.id}
        if position is None:
            return [AnswerRow(*answer) for answer in connection.execute(_ANSWERS, keys)]
        return [
            AnswerRow(*answer)
            for answer in connection.execute(_ANSWERS_AT, keys | {"at": position})
        ]

    @staticmethod
    def answered(connection: Connection, row: RoundRow, position: int) -> bool:
        """Whether anyone answered question ``position`` (a solo round's member, or missed it)."""
        keys = {"guild": row.guild_id, "round": row.id, "at": position}
        return connection.execute(_ANSWERED, keys).first() is not None

    def question(self, connection: Connection, row: RoundRow) -> Question:
        """The question being asked now."""
        return self.bank.get(connection, row.guild_id, row.question_keys[row.position])

    def current(
        self, connection: Connection, row: RoundRow, *, fresh: bool = False
    ) -> RoundQuestion:
        """The question being asked now, with the round's score so far (0 for a ``fresh``
        round, which has no answers to count)."""
        correct = None
        if not fresh:
            keys = {"guild": row.guild_id, "round": row.id}
            correct = connection.execute(_CORRECT, keys).scalar()
        return RoundQuestion(
            row.id,
            row.kind,
            row.position,
            row.total,
            self.question(connection, row),
            row.topic,
            row.question_started_at + row.window,
            int(correct or 0),
        )

    def record(
        self,
        connection: Connection,
        row: RoundRow,
        user_id: int,
        question: Question,
        choice: int | None,
        now: datetime,
    ) -> int:
        """Store one answer to the current question (``choice`` None: missed) and update the
        member's review queue, and for ear training their staircase; returns the points.
        ``IntegrityError`` if already answered."""
        correct = choice == question.answer
        points = answer_points(correct, elapsed_since(row.question_started_at, now), row.window)
        connection.execute(
            _ANSWER,
            {
                "guild_id": row.guild_id,
                "round_id": row.id,
                "position": row.position,
                "user_id": user_id,
                "question_key": question.key,
                "topic": question.topic,
                "choice": choice,
                "correct": correct,
                "points": points,
                "answered_at": now,
            },
        )
        self._review(connection, row.guild_id, user_id, question, correct, now)
        if (spec := ear.parse_key(question.key)) is not None:
            staircase.record(connection, row.guild_id, user_id, spec, correct, now)
        return points

    @staticmethod
    def _review(
        connection: Connection,
        guild_id: int,
        user_id: int,
        question: Question,
        correct: bool,
        now: datetime,
    ) -> None:
        """A miss puts the question in the first box; a right answer moves it up a box, and
        out of the queue after the last."""
        if not correct:
            connection.execute(
                _missed(connection.dialect.name),
                {
                    "guild_id": guild_id,
                    "user_id": user_id,
                    "question_key": question.key,
                    "topic": question.topic,
                    "due_at": now + REVIEW_INTERVALS[0],
                },
            )
            return
        keys = {"guild": guild_id, "user": user_id, "key": question.key}
        box = connection.execute(_REVIEW_BOX, keys).scalar()
        if box is None:
            return
        due = next_review(box + 1, now)
        if due is None:
            connection.execute(_REVIEW_DROP, keys)
        else:
            connection.execute(_REVIEW_MOVE, keys | {"new_box": box + 1, "due": due})
