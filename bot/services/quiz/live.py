"""Live knowledge rounds: a question posted in a channel, answered by many members at once
within the window; a scheduled job closes each question, once, and moves the round on."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.db.engine import Database
from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.models.quiz import QuizAnswer, QuizRound
from bot.services.quiz.bank import Question
from bot.services.quiz.rounds import RoundQuestion, Rounds
from bot.services.quiz.rules import Ranked, elapsed_since, is_late, rank_totals


@dataclass(frozen=True, slots=True)
class LiveReceipt:
    position: int
    total: int
    choice: str


@dataclass(frozen=True, slots=True)
class LiveClosing:
    """A live question whose window ended: its results, and what the channel sees next."""

    round_id: int
    guild_id: int
    channel_id: int
    message_id: int | None
    topic: str | None
    position: int
    total: int
    question: Question
    counts: list[int]
    """How many members picked each choice."""
    fastest: tuple[int, timedelta] | None
    """The quickest correct member and how long they took."""
    next: RoundQuestion | None
    standings: list[Ranked]
    """The whole round's ranking, once its last question closed (else empty)."""


class LiveRounds:
    """Each step is a write unit of work whose body runs on the session's synchronous side
    (``run_sync``), where the ``Rounds`` steps it shares with solo rounds work."""

    def __init__(
        self, database: Database, clock: Clock, rounds: Rounds, rng: random.Random
    ) -> None:
        self._database = database
        self._clock = clock
        self._rounds = rounds
        self._rng = rng

    async def start(
        self, guild_id: int, channel_id: int, host_id: int, topic: str | None, count: int
    ) -> RoundQuestion:
        """A live round in ``channel_id``; only one runs per channel at a time."""
        topic = self._rounds.bank.check_topic(topic)

        def work(session: Session) -> RoundQuestion:
            pool = [q.key for q in self._rounds.bank.pool(session, guild_id, topic)]
            if not pool:
                raise NotFound("There are no questions for that topic yet.")
            row = self._rounds.new(
                session,
                guild_id=guild_id,
                kind="live",
                user_id=host_id,
                channel_id=channel_id,
                topic=topic,
                keys=self._rng.sample(pool, min(count, len(pool))),
                slot=f"live:{channel_id}",
                now=self._clock.now(),
            )
            session.flush()
            return self._rounds.current(session, row)

        try:
            async with self._database.write() as session:
                return await session.run_sync(work)
        except IntegrityError:
            raise InvalidInput(
                "A live round is already running in this channel: wait for its podium."
            ) from None

    async def attach_message(
        self, guild_id: int, round_id: int, position: int, message_id: int
    ) -> None:
        """Remember the message asking question ``position`` (to close it later)."""
        async with self._database.write() as session:
            await session.execute(
                update(QuizRound)
                .where(
                    QuizRound.guild_id == guild_id,
                    QuizRound.id == round_id,
                    QuizRound.position == position,
                )
                .values(message_id=message_id)
            )

    async def cancel(self, guild_id: int, round_id: int) -> None:
        """Stop a round that can no longer post (its channel is gone or closed to the bot)."""

        def work(session: Session) -> None:
            row = self._rounds.get(session, guild_id, round_id)
            if row.status == "open":
                self._rounds.finish(row, "cancelled", self._clock.now())

        async with self._database.write() as session:
            await session.run_sync(work)

    async def finish_early(self, guild_id: int, round_id: int) -> list[Ranked]:
        """End a round that Discord keeps refusing to show: the points of the questions
        already asked stand. Returns the round's ranking."""

        def work(session: Session) -> list[Ranked]:
            row = self._rounds.get(session, guild_id, round_id)
            if row.status == "open":
                self._rounds.finish(row, "done", self._clock.now())
            return self._standings(session, row)

        async with self._database.write() as session:
            return await session.run_sync(work)

    async def answer(
        self, guild_id: int, round_id: int, position: int, user_id: int, choice: int
    ) -> LiveReceipt:
        """Lock in a member's answer; a second answer to the same question is refused."""
        now = self._clock.now()

        def work(session: Session) -> LiveReceipt:
            # A shared lock: answers go in side by side, never while the question closes.
            row = self._rounds.get(session, guild_id, round_id, share=True)
            if row.kind != "live" or row.status != "open":
                raise InvalidInput("This live round is over.")
            late = is_late(elapsed_since(row.question_started_at, now), Rounds.window(row))
            if position != row.position or late:
                raise InvalidInput("Time is up for that question: the results are coming.")
            question = self._rounds.question(session, row)
            if not 0 <= choice < len(question.choices):
                raise InvalidInput("That is not one of the answers.")
            self._rounds.record(session, row, user_id, question, choice, now)
            return LiveReceipt(position, len(row.question_keys), question.choices[choice])

        try:
            async with self._database.write() as session:
                return await session.run_sync(work)
        except IntegrityError:
            raise NotAllowed(
                "You already answered this question, and your first answer counts. "
                "Good luck with the next one!"
            ) from None

    async def close_due(self, now: datetime) -> list[LiveClosing]:
        """Close every live question whose window has ended and move its round on."""
        async with self._database.read() as session:
            running = (
                await session.execute(
                    select(
                        QuizRound.guild_id,
                        QuizRound.id,
                        QuizRound.position,
                        QuizRound.question_started_at,
                        QuizRound.window_seconds,
                    ).where(QuizRound.kind == "live", QuizRound.status == "open")
                )
            ).all()
        closings = []
        for guild_id, round_id, position, started, seconds in running:
            if is_late(elapsed_since(started, now), timedelta(seconds=seconds)):
                closing = await self._close(guild_id, round_id, position, now)
                if closing is not None:
                    closings.append(closing)
        return closings

    async def _close(
        self, guild_id: int, round_id: int, position: int, now: datetime
    ) -> LiveClosing | None:
        """Claim question ``position`` of a round: only the transaction that still finds the
        round there closes it, so concurrent ticks or processes close it once."""

        def work(session: Session) -> LiveClosing | None:
            row = self._rounds.get(session, guild_id, round_id)
            if row.status != "open" or row.position != position:
                return None
            answers = self._rounds.answers(session, row, position)
            question = self._rounds.question(session, row)
            counts = [0] * len(question.choices)
            for answer in answers:
                if answer.choice is not None:
                    counts[answer.choice] += 1
            right = sorted((a.answered_at, a.user_id) for a in answers if a.correct)
            fastest = (right[0][1], right[0][0] - row.question_started_at) if right else None
            message_id = row.message_id
            standings: list[Ranked] = []
            following = None
            if position + 1 == len(row.question_keys):
                self._rounds.finish(row, "done", now)
                standings = self._standings(session, row)
            else:
                row.position, row.question_started_at, row.message_id = position + 1, now, None
                following = self._rounds.current(session, row)
            return LiveClosing(
                round_id,
                guild_id,
                row.channel_id or 0,
                message_id,
                row.topic,
                position,
                len(row.question_keys),
                question,
                counts,
                fastest,
                following,
                standings,
            )

        async with self._database.write() as session:
            return await session.run_sync(work)

    @staticmethod
    def _standings(session: Session, row: QuizRound) -> list[Ranked]:
        totals = session.execute(
            select(QuizAnswer.user_id, func.sum(QuizAnswer.points))
            .where(QuizAnswer.guild_id == row.guild_id, QuizAnswer.round_id == row.id)
            .group_by(QuizAnswer.user_id)
        )
        return rank_totals([(user_id, int(points)) for user_id, points in totals.all()])
