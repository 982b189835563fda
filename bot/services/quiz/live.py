"""Live knowledge rounds: a question posted in a channel, answered by many members at once
within the window; a scheduled job closes each question, once, and moves the round on."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError

from bot.clock import Clock
from bot.db.engine import Database
from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.models.quiz import QuizAnswer, QuizRound
from bot.services.quiz.bank import Question
from bot.services.quiz.rounds import RoundQuestion, RoundRow, Rounds
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


_THIS_ROUND = (QuizRound.guild_id == bindparam("guild")) & (QuizRound.id == bindparam("round"))
_ATTACH = (
    update(QuizRound)
    .where(_THIS_ROUND, QuizRound.position == bindparam("at"))
    .values(message_id=bindparam("message"))
)
_RUNNING = select(
    QuizRound.guild_id,
    QuizRound.id,
    QuizRound.position,
    QuizRound.question_started_at,
    QuizRound.window_seconds,
).where(QuizRound.kind == "live", QuizRound.status == "open")
_TOTALS = (
    select(QuizAnswer.user_id, func.sum(QuizAnswer.points))
    .where(QuizAnswer.guild_id == bindparam("guild"), QuizAnswer.round_id == bindparam("round"))
    .group_by(QuizAnswer.user_id)
)


class LiveRounds:
    """Each step is one write unit of work (``Database.run``) made of the ``Rounds`` steps
    it shares with solo rounds."""

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

        def work(connection: Connection) -> RoundQuestion:
            pool = self._rounds.bank.pool_keys(connection, guild_id, topic)
            if not pool:
                raise NotFound("There are no questions for that topic yet.")
            row = self._rounds.new(
                connection,
                guild_id=guild_id,
                kind="live",
                user_id=host_id,
                channel_id=channel_id,
                topic=topic,
                keys=self._rng.sample(pool, min(count, len(pool))),
                slot=f"live:{channel_id}",
                now=self._clock.now(),
            )
            return self._rounds.current(connection, row, fresh=True)

        try:
            return await self._database.run(work, write=True)
        except IntegrityError:
            raise InvalidInput(
                "A live round is already running in this channel: wait for its podium."
            ) from None

    async def attach_message(
        self, guild_id: int, round_id: int, position: int, message_id: int
    ) -> None:
        """Remember the message asking question ``position`` (to close it later)."""
        keys = {"guild": guild_id, "round": round_id, "at": position, "message": message_id}

        def work(connection: Connection) -> None:
            connection.execute(_ATTACH, keys)

        await self._database.run(work, write=True)

    async def cancel(self, guild_id: int, round_id: int) -> None:
        """Stop a round that can no longer post (its channel is gone or closed to the bot)."""

        def work(connection: Connection) -> None:
            row = self._rounds.get(connection, guild_id, round_id)
            if row.status == "open":
                self._rounds.finish(connection, row, "cancelled", self._clock.now())

        await self._database.run(work, write=True)

    async def finish_early(self, guild_id: int, round_id: int) -> list[Ranked]:
        """End a round that Discord keeps refusing to show: the points of the questions
        already asked stand. Returns the round's ranking."""

        def work(connection: Connection) -> list[Ranked]:
            row = self._rounds.get(connection, guild_id, round_id)
            if row.status == "open":
                self._rounds.finish(connection, row, "done", self._clock.now())
            return self._standings(connection, row)

        return await self._database.run(work, write=True)

    async def answer(
        self, guild_id: int, round_id: int, position: int, user_id: int, choice: int
    ) -> LiveReceipt:
        """Lock in a member's answer; a second answer to the same question is refused."""
        now = self._clock.now()

        def work(connection: Connection) -> LiveReceipt:
            # A shared lock: answers go in side by side, never while the question closes.
            row = self._rounds.get(connection, guild_id, round_id, lock="share")
            if row.kind != "live" or row.status != "open":
                raise InvalidInput("This live round is over.")
            late = is_late(elapsed_since(row.question_started_at, now), row.window)
            if position != row.position or late:
                raise InvalidInput("Time is up for that question: the results are coming.")
            question = self._rounds.question(connection, row)
            if not 0 <= choice < len(question.choices):
                raise InvalidInput("That is not one of the answers.")
            self._rounds.record(connection, row, user_id, question, choice, now)
            return LiveReceipt(position, row.total, question.choices[choice])

        try:
            return await self._database.run(work, write=True)
        except IntegrityError:
            raise NotAllowed(
                "You already answered this question, and your first answer counts. "
                "Good luck with the next one!"
            ) from None

    async def close_due(self, now: datetime) -> list[LiveClosing]:
        """Close every live question whose window has ended and move its round on."""
        running = await self._database.run(
            lambda connection: [
                (guild_id, round_id, position, started, seconds)
                for guild_id, round_id, position, started, seconds in connection.execute(_RUNNING)
            ]
        )
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

        def work(connection: Connection) -> LiveClosing | None:
            row = self._rounds.get(connection, guild_id, round_id)
            if row.status != "open" or row.position != position:
                return None
            answers = self._rounds.answers(connection, row, position)
            question = self._rounds.question(connection, row)
            counts = [0] * len(question.choices)
            for answer in answers:
                if answer.choice is not None:
                    counts[answer.choice] += 1
            right = sorted((a.answered_at, a.user_id) for a in answers if a.correct)
            fastest = (right[0][1], right[0][0] - row.question_started_at) if right else None
            message_id = row.message_id
            standings: list[Ranked] = []
            following = None
            if position + 1 == row.total:
                self._rounds.finish(connection, row, "done", now)
                standings = self._standings(connection, row)
            else:
                self._rounds.advance(connection, row, now)
                following = self._rounds.current(connection, row)
            return LiveClosing(
                round_id,
                guild_id,
                row.channel_id or 0,
                message_id,
                row.topic,
                position,
                row.total,
                question,
                counts,
                fastest,
                following,
                standings,
            )

        return await self._database.run(work, write=True)

    @staticmethod
    def _standings(connection: Connection, row: RoundRow) -> list[Ranked]:
        totals = connection.execute(_TOTALS, {"guild": row.guild_id, "round": row.id})
        return rank_totals([(user_id, int(points)) for user_id, points in totals])
