"""Quizzes: producer-type sessions and results, type roles, guild questions, knowledge
rounds with their answers, and each member's review queue (spaced repetition)."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, Snowflake


class TypeQuizSession(Base):
    """A member's run through the producer-type quiz; ``answers`` grows one index per click.

    ``active_slot`` is set while the session is open and unique, so a member has one open
    session per guild; finished or replaced sessions set it to NULL.
    """

    __tablename__ = "quiz_type_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    user_id: Mapped[int] = mapped_column(Snowflake)
    answers: Mapped[list[int]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    active_slot: Mapped[str | None] = mapped_column(String(64), unique=True)
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class TypeQuizResult(Base):
    """A finished type quiz; retakes add rows, so the history is kept."""

    __tablename__ = "quiz_type_results"
    __table_args__ = (Index("ix_quiz_type_results_guild_user", "guild_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    user_id: Mapped[int] = mapped_column(Snowflake)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("quiz_type_sessions.id", ondelete="CASCADE"), unique=True
    )
    primary_type: Mapped[str] = mapped_column(String(32))
    secondary_type: Mapped[str] = mapped_column(String(32))
    scores: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]


class TypeRole(Base):
    """The role a guild's moderators hand to members of one producer type."""

    __tablename__ = "quiz_type_roles"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    type_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    role_id: Mapped[int] = mapped_column(Snowflake)
    updated_by: Mapped[int] = mapped_column(Snowflake)
    updated_at: Mapped[datetime]


class GuildQuestion(Base):
    """A knowledge question a guild's moderators wrote; asked in that guild only. Removing
    it sets ``removed_at``: rounds and answers that used it can still show it."""

    __tablename__ = "quiz_guild_questions"
    __table_args__ = (Index("ix_quiz_guild_questions_guild_topic", "guild_id", "topic"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    topic: Mapped[str] = mapped_column(String(64))
    difficulty: Mapped[str] = mapped_column(String(16))
    prompt: Mapped[str] = mapped_column(String(250))
    choices: Mapped[list[str]] = mapped_column(JSON)
    answer: Mapped[int]
    explanation: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(Snowflake)
    created_at: Mapped[datetime]
    removed_at: Mapped[datetime | None]


class QuizRound(Base):
    """A solo or live knowledge round; ``position`` is the question being asked now.

    ``active_slot`` is unique while the round runs: one live round per channel, one solo
    round per member and guild.
    """

    __tablename__ = "quiz_rounds"
    __table_args__ = (Index("ix_quiz_rounds_status_kind", "status", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    kind: Mapped[str] = mapped_column(String(8))
    user_id: Mapped[int] = mapped_column(Snowflake)
    channel_id: Mapped[int | None] = mapped_column(Snowflake)
    topic: Mapped[str | None] = mapped_column(String(64))
    question_keys: Mapped[list[str]] = mapped_column(JSON)
    position: Mapped[int]
    window_seconds: Mapped[int]
    question_started_at: Mapped[datetime]
    message_id: Mapped[int | None] = mapped_column(Snowflake)
    status: Mapped[str] = mapped_column(String(16))
    active_slot: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


class QuizAnswer(Base):
    """One member's answer to one question of a round; the unique key makes it count once.
    ``choice`` is NULL when the question was missed (no answer within the window)."""

    __tablename__ = "quiz_answers"
    __table_args__ = (
        UniqueConstraint("round_id", "position", "user_id"),
        Index("ix_quiz_answers_guild_answered", "guild_id", "answered_at"),
        Index("ix_quiz_answers_guild_user_key", "guild_id", "user_id", "question_key"),
        Index("ix_quiz_answers_guild_round", "guild_id", "round_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    round_id: Mapped[int] = mapped_column(ForeignKey("quiz_rounds.id", ondelete="CASCADE"))
    position: Mapped[int]
    user_id: Mapped[int] = mapped_column(Snowflake)
    question_key: Mapped[str] = mapped_column(String(64))
    topic: Mapped[str] = mapped_column(String(64))
    choice: Mapped[int | None]
    correct: Mapped[bool]
    points: Mapped[int]
    answered_at: Mapped[datetime]


class QuizReview(Base):
    """A question a member missed, due to come back at ``due_at`` (Leitner ``box``)."""

    __tablename__ = "quiz_reviews"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    question_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    topic: Mapped[str] = mapped_column(String(64))
    box: Mapped[int]
    due_at: Mapped[datetime]


class EarLevel(Base):
    """Where a member stands on one ear-training kind's staircase: ``level`` is asked next
    (higher is finer), ``streak`` counts right answers in a row at that level, ``best`` is
    the finest level the member has passed (0 before the first pass)."""

    __tablename__ = "quiz_ear_levels"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    level: Mapped[int]
    streak: Mapped[int]
    best: Mapped[int]
    answered: Mapped[int]
    updated_at: Mapped[datetime]
