"""Solo knowledge rounds: a member's own round with feedback after every answer. Missed
questions (wrong, or after the answer window) come back in later rounds."""

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import (
    Connection,
    Executable,
    Integer,
    Label,
    bindparam,
    cast,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.exc import IntegrityError

from bot.clock import Clock
from bot.db.engine import Database
from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.models.quiz import QuizAnswer, QuizReview, QuizRound
from bot.services.quiz import ear
from bot.services.quiz.bank import Question, asked_keys
from bot.services.quiz.ear import staircase
from bot.services.quiz.rounds import RoundQuestion, RoundRow, Rounds
from bot.services.quiz.rules import elapsed_since, is_late

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


_OF_MEMBER = (QuizReview.guild_id == bindparam("guild")) & (QuizReview.user_id == bindparam("user"))
_DUE, _SEEN, _OWN = 0, 1, 2
"""What a row of ``_PICK`` is: a review due, a question the member has answered, a question
of the guild's own."""


def _what(part: int) -> Label[int]:
    return literal_column(str(part), Integer).label("what")


def _pick_needs(on_topic: bool) -> Executable:
    """Everything a round's pick reads, in one statement, as (key, due, what) rows: the
    member's due reviews (longest due first), the questions they have answered, and the
    guild's own questions; of one topic (``on_topic``) or of all."""
    no_due = cast(null(), QuizReview.due_at.type)  # typed, as PostgreSQL's UNION needs
    due = select(
        QuizReview.question_key.label("key"),
        QuizReview.due_at.label("due"),
        _what(_DUE),
    ).where(_OF_MEMBER, QuizReview.due_at <= bindparam("now"))
    if on_topic:
        due = due.where(QuizReview.topic == bindparam("on_topic"))
    seen = (
        select(QuizAnswer.question_key, no_due, _what(_SEEN))
        .where(QuizAnswer.guild_id == bindparam("guild"), QuizAnswer.user_id == bindparam("user"))
        .distinct()
    )
    own = asked_keys(on_topic).add_columns(no_due, _what(_OWN))
    return union_all(due, seen, own).order_by("what", "due", "key")


_PICK = {on_topic: _pick_needs(on_topic) for on_topic in (False, True)}
_IN_REVIEW = select(QuizReview.box).where(_OF_MEMBER, QuizReview.question_key == bindparam("key"))
_STALE = select(QuizRound.guild_id, QuizRound.id).where(
    QuizRound.kind == "solo",
    QuizRound.status == "open",
    QuizRound.question_started_at < bindparam("before"),
)


def _summary(answers: list[tuple[bool, int]], total: int) -> RoundSummary:
    """The summary of a finished round of ``total`` questions from its answers, each
    (correct, points)."""
    correct = sum(1 for right, _ in answers if right)
    points = sum(points for _, points in answers)
    return RoundSummary(correct, total, points, len(answers) - correct)


class SoloRounds:
    """Each step of a solo round is one ``Database.run`` unit of work (one hop, and on
    SQLite a place in the group commit) on statements built once. A step that fails (an
    answer given twice) leaves no trace: its unit is rolled back alone."""

    def __init__(
        self, database: Database, clock: Clock, rounds: Rounds, rng: random.Random
    ) -> None:
        self._database = database
        self._clock = clock
        self._rounds = rounds
        self._rng = rng

    def _pick(
        self, connection: Connection, guild_id: int, user_id: int, topic: str | None, length: int
    ) -> list[str]:
        """Due reviews first (longest due first), then questions the member has never
        answered, then the rest; each of the last two groups in random order. Ear-training
        questions come at the member's level for their kind."""
        levels = None
        if topic == ear.EAR_TOPIC:
            levels = staircase.levels(connection, guild_id, user_id)
        keys = {"guild": guild_id, "user": user_id, "now": self._clock.now(), "on_topic": topic}
        due: list[str] = []
        seen: set[str] = set()
        own: list[str] = []
        for key, _, what in connection.execute(_PICK[topic is not None], keys):
            if what == _DUE:
                due.append(key)
            elif what == _SEEN:
                seen.add(key)
            else:
                own.append(key)
        pool = self._rounds.bank.pool(topic, own, levels)
        if not pool:
            raise NotFound("There are no questions for that topic yet.")
        chosen = []
        if due:
            asked = set(pool)
            chosen = [key for key in due if self._rounds.bank.still_asked(key, asked)][:length]
        taken = seen.union(chosen)
        unseen = [key for key in pool if key not in taken] if taken else pool
        chosen += self._rng.sample(unseen, min(length - len(chosen), len(unseen)))
        if len(chosen) < length:
            again = [key for key in pool if key in seen and key not in chosen]
            chosen += self._rng.sample(again, min(length - len(chosen), len(again)))
        return chosen

    def _abandon(self, connection: Connection, row: RoundRow, now: datetime) -> None:
        """Close a round left open; its unanswered question counts as missed."""
        if not self._rounds.answered(connection, row, row.position):
            question = self._rounds.question(connection, row)
            self._rounds.record(connection, row, row.user_id, question, None, now)
        self._rounds.finish(connection, row, "expired", now)

    async def start(
        self, guild_id: int, user_id: int, topic: str | None, length: int
    ) -> RoundQuestion | UnfinishedRound:
        """A new round for the member; or, if an earlier one still has a question to ask,
        that one (nothing is written then: the member chooses to continue or start over).
        An open round with nothing left to ask is closed. One unit of work."""
        return await self._begin(guild_id, user_id, topic, length, None)

    async def restart(
        self, guild_id: int, round_id: int, user_id: int, topic: str | None, length: int
    ) -> RoundQuestion:
        """Start over, as the member chose on the offer for the open round ``round_id``."""
        asked = await self._begin(guild_id, user_id, topic, length, round_id)
        assert isinstance(asked, RoundQuestion)  # an earlier round is closed, not offered
        return asked

    async def _begin(
        self, guild_id: int, user_id: int, topic: str | None, length: int, over: int | None
    ) -> RoundQuestion | UnfinishedRound:
        """``start``, or with ``over`` (the member's open round to close) ``restart``."""
        topic = self._rounds.bank.check_topic(topic)
        now = self._clock.now()
        slot = f"solo:{guild_id}:{user_id}"

        def work(connection: Connection) -> RoundQuestion | UnfinishedRound:
            if over is not None:
                self._own(connection, guild_id, over, user_id)
            old = self._rounds.in_slot(connection, guild_id, slot, lock=True)
            if old is not None:
                left = None if over is not None else self._left(connection, old)
                if left is not None:
                    return left
                self._abandon(connection, old, now)
            row = self._rounds.new(
                connection,
                guild_id=guild_id,
                kind="solo",
                user_id=user_id,
                channel_id=None,
                topic=topic,
                keys=self._pick(connection, guild_id, user_id, topic, length),
                slot=slot,
                now=now,
            )
            return self._rounds.current(connection, row, fresh=True)

        try:
            return await self._database.run(work, write=True)
        except IntegrityError:
            raise InvalidInput("You just started a round: use the buttons of that one.") from None

    def _own(
        self,
        connection: Connection,
        guild_id: int,
        round_id: int,
        user_id: int,
        position: int | None = None,
    ) -> RoundRow:
        """The member's open round ``round_id``, still at ``position`` when one is given."""
        row = self._rounds.get(connection, guild_id, round_id)
        if row.user_id != user_id or row.kind != "solo":
            raise NotAllowed("This round belongs to someone else. Start your own: `/quiz skills`.")
        if row.status != "open":
            raise InvalidInput("This round is over. Start a new one with `/quiz skills`.")
        if position is not None and position != row.position:
            raise InvalidInput("That question is already behind you: use the newest buttons.")
        return row

    def _done_with_current(self, connection: Connection, row: RoundRow) -> bool:
        """Whether the question on screen is behind the member: answered, or its window
        (which keeps running while the member is away) has passed."""
        if self._rounds.answered(connection, row, row.position):
            return True
        return is_late(elapsed_since(row.question_started_at, self._clock.now()), row.window)

    def _left(self, connection: Connection, row: RoundRow) -> UnfinishedRound | None:
        """The open round ``row``, if it still has a question to ask."""
        position = row.position + self._done_with_current(connection, row)
        return (
            UnfinishedRound(row.id, position, row.total, row.topic)
            if position < row.total
            else None
        )

    async def resume(self, guild_id: int, round_id: int, user_id: int) -> RoundQuestion:
        """Continue the member's round: the question on screen if its window is still open
        (with the time it has left), else the next one (a lapsed question counts as missed)."""

        def work(connection: Connection) -> RoundQuestion | None:
            row = self._own(connection, guild_id, round_id, user_id)
            if not self._done_with_current(connection, row):
                return self._rounds.current(connection, row)
            now = self._clock.now()
            if not self._rounds.answered(connection, row, row.position):
                question = self._rounds.question(connection, row)
                self._rounds.record(connection, row, user_id, question, None, now)
            if row.position + 1 < row.total:
                self._rounds.advance(connection, row, now)
                return self._rounds.current(connection, row)
            self._rounds.finish(connection, row, "done", now)
            return None

        if (resumed := await self._database.run(work, write=True)) is not None:
            return resumed
        raise InvalidInput(
            "Time ran out on the last question of that round, so it is over. "
            "Start a new one with `/quiz skills`."
        )

    async def answer(
        self, guild_id: int, round_id: int, position: int, user_id: int, choice: int
    ) -> SoloFeedback:
        """Mark the member's answer; after the window it counts as missed."""
        now = self._clock.now()

        def work(connection: Connection) -> SoloFeedback:
            row = self._own(connection, guild_id, round_id, user_id, position)
            question = self._rounds.question(connection, row)
            if not 0 <= choice < len(question.choices):
                raise InvalidInput("That is not one of the answers.")
            made = (
                None if is_late(elapsed_since(row.question_started_at, now), row.window) else choice
            )
            last = position + 1 == row.total
            # The answers before this one, read before it is written (none to read in a
            # round of one question).
            earlier = self._rounds.answers(connection, row) if last and position else []
            points = self._rounds.record(connection, row, user_id, question, made, now)
            summary, following = None, None
            if last:
                self._rounds.finish(connection, row, "done", now)
                correct = made == question.answer
                summary = _summary(
                    [*((a.correct, a.points) for a in earlier), (correct, points)], row.total
                )
            else:
                following = self._keep_level(connection, row, position + 1)
            return SoloFeedback(
                round_id, position, row.total, question, made, points, summary, following
            )

        try:
            return await self._database.run(work, write=True)
        except IntegrityError:
            raise InvalidInput("You already answered this question.") from None

    async def next(
        self, guild_id: int, round_id: int, position: int, user_id: int
    ) -> RoundQuestion:
        """Move on from the answered question ``position``; its window starts now."""

        def work(connection: Connection) -> RoundQuestion:
            row = self._own(connection, guild_id, round_id, user_id, position)
            if not self._rounds.answered(connection, row, position):
                raise InvalidInput("Answer this question first.")
            self._rounds.advance(connection, row, self._clock.now())
            return self._rounds.current(connection, row)

        return await self._database.run(work, write=True)

    def _keep_level(self, connection: Connection, row: RoundRow, position: int) -> str:
        """The key of question ``position``. A fresh ear-training question comes at the
        level the member stands at now, which the answers so far may have changed; a review
        keeps its own."""
        spec = ear.parse_key(row.question_keys[position])
        if spec is None:
            return row.question_keys[position]
        member = {"guild": row.guild_id, "user": row.user_id}
        if connection.execute(_IN_REVIEW, member | {"key": spec.key}).first() is not None:
            return spec.key
        level = staircase.levels(connection, row.guild_id, row.user_id).get(spec.kind, 1)
        keys = list(row.question_keys)
        keys[position] = replace(spec, level=level).key
        self._rounds.set_keys(connection, row, keys)
        return keys[position]

    async def expire_idle(self, now: datetime) -> int:
        """Close rounds idle for ``SOLO_IDLE`` (their open question counts as missed);
        returns how many were closed."""
        stale = await self._database.run(
            lambda connection: [
                (guild_id, round_id)
                for guild_id, round_id in connection.execute(_STALE, {"before": now - SOLO_IDLE})
            ]
        )

        def close(connection: Connection, guild_id: int, round_id: int) -> bool:
            row = self._rounds.get(connection, guild_id, round_id)
            idle = row.status == "open" and row.question_started_at < now - SOLO_IDLE
            if idle:
                self._abandon(connection, row, now)
            return idle

        closed = 0
        for guild_id, round_id in stale:
            closed += await self._database.run(
                partial(close, guild_id=guild_id, round_id=round_id), write=True
            )
        return closed
