"""Daily skill challenges: each guild's schedule and queue, the posted challenges, members'
entries, votes and feedback, the points ledger and members' reminder preferences."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, Snowflake


class ChallengeConfig(Base):
    """Where and when a guild's challenges are posted (the time zone is the guild's).

    ``weekdays`` is a bit mask, Monday = bit 0: 127 is daily, one bit is weekly.
    """

    __tablename__ = "challenge_config"

    guild_id: Mapped[int] = mapped_column(
        Snowflake, ForeignKey("guild_settings.guild_id", ondelete="CASCADE"), primary_key=True
    )
    channel_id: Mapped[int] = mapped_column(Snowflake)
    post_time: Mapped[str] = mapped_column(String(5))
    weekdays: Mapped[int] = mapped_column(default=127)
    paused: Mapped[bool] = mapped_column(default=False)
    reminder_hours: Mapped[int | None]
    reminder_role_id: Mapped[int | None] = mapped_column(Snowflake)
    champion_role_id: Mapped[int | None] = mapped_column(Snowflake)
    champion_user_id: Mapped[int | None] = mapped_column(Snowflake)
    champion_month: Mapped[str | None] = mapped_column(String(7))
    feedback_required: Mapped[int] = mapped_column(default=0)
    blind_voting: Mapped[bool] = mapped_column(default=False, server_default=false())


class QueuedChallenge(Base):
    """A challenge moderators scheduled: for ``local_date``, or (NULL) at the end of the
    queue in ``position`` order. Its text is copied in, so bank updates don't change it."""

    __tablename__ = "challenge_queue"
    __table_args__ = (
        UniqueConstraint("guild_id", "local_date"),
        Index("ix_challenge_queue_guild_position", "guild_id", "position"),
        {"sqlite_autoincrement": True},  # forms name an item by id: never reuse one
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    position: Mapped[int]
    local_date: Mapped[date | None] = mapped_column(Date)
    bank_id: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(80))
    brief: Mapped[str] = mapped_column(Text)
    skill: Mapped[str] = mapped_column(String(40))
    difficulty: Mapped[str] = mapped_column(String(16))
    hours_to_submit: Mapped[int]
    constraints: Mapped[str | None] = mapped_column(String(300))
    author_id: Mapped[int] = mapped_column(Snowflake)
    created_at: Mapped[datetime]


class ChallengePost(Base):
    """One challenge day of a guild: claimed (unique guild and local date) before sending.

    The reminder and the results are claimed by setting their ``*_claimed_at`` column and
    confirmed by their message id (for results nobody entered: the closed post's id).
    ``nudged_at`` claims the "streak at risk" DMs, which are sent at most once.
    """

    __tablename__ = "challenge_posts"
    __table_args__ = (UniqueConstraint("guild_id", "local_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    local_date: Mapped[date] = mapped_column(Date)
    auto: Mapped[bool]
    bank_id: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(80))
    brief: Mapped[str] = mapped_column(Text)
    skill: Mapped[str] = mapped_column(String(40))
    difficulty: Mapped[str] = mapped_column(String(16))
    constraints: Mapped[str | None] = mapped_column(String(300))
    cadence: Mapped[str] = mapped_column(String(8), default="daily", server_default="daily")
    blind: Mapped[bool] = mapped_column(default=False, server_default=false())
    """Entries show as "Entry A, B, C…" without their authors until the results."""
    """``daily`` or ``weekly``: how often the guild posted challenges when this one came."""
    channel_id: Mapped[int] = mapped_column(Snowflake)
    message_id: Mapped[int | None] = mapped_column(Snowflake)
    thread_id: Mapped[int | None] = mapped_column(Snowflake)
    claimed_at: Mapped[datetime]
    deadline_at: Mapped[datetime]
    reminder_claimed_at: Mapped[datetime | None]
    reminder_message_id: Mapped[int | None] = mapped_column(Snowflake)
    results_claimed_at: Mapped[datetime | None]
    results_message_id: Mapped[int | None] = mapped_column(Snowflake)
    nudged_at: Mapped[datetime | None]


class ChallengeSubmission(Base):
    """A member's entry to one challenge; resubmitting replaces it (and clears its votes).
    ``message_id`` is NULL until the current take is re-posted; ``stale_message_id`` is the
    re-post of an earlier take until it is struck through."""

    __tablename__ = "challenge_submissions"
    __table_args__ = (
        UniqueConstraint("post_id", "user_id"),
        UniqueConstraint("post_id", "blind_label"),
        Index("ix_challenge_submissions_guild_user", "guild_id", "user_id"),
        Index("ix_challenge_submissions_guild_post", "guild_id", "post_id"),
        Index("ix_challenge_submissions_unshown", "message_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    post_id: Mapped[int] = mapped_column(ForeignKey("challenge_posts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(Snowflake)
    link: Mapped[str | None] = mapped_column(String(500))
    file_name: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[int | None] = mapped_column(Snowflake)
    stale_message_id: Mapped[int | None] = mapped_column(Snowflake)
    submitted_at: Mapped[datetime]
    blind_label: Mapped[str | None] = mapped_column(String(4))
    """In a blind challenge, the letters the entry is shown under."""
    analysis: Mapped[str | None] = mapped_column(Text)
    """The file's technical report as JSON (see ``bot.audio.report.Report.summary``)."""


class ChallengeVote(Base):
    """One member's vote for one entry: the primary key allows it once."""

    __tablename__ = "challenge_votes"

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("challenge_submissions.id", ondelete="CASCADE"), primary_key=True
    )
    voter_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    voted_at: Mapped[datetime]


class ChallengeFeedback(Base):
    """Feedback a member gave on someone's entry (once per entry); the entry's author can
    mark it helpful."""

    __tablename__ = "challenge_feedback"
    __table_args__ = (
        UniqueConstraint("submission_id", "author_id"),
        Index("ix_challenge_feedback_guild_author", "guild_id", "author_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("challenge_submissions.id", ondelete="CASCADE")
    )
    author_id: Mapped[int] = mapped_column(Snowflake)
    text: Mapped[str] = mapped_column(Text)
    helpful: Mapped[bool] = mapped_column(default=False)
    message_id: Mapped[int | None] = mapped_column(Snowflake)
    created_at: Mapped[datetime]


class ChallengePoints(Base):
    """The points ledger: ``source`` names why (``post:12:votes``), and the unique key makes
    every award idempotent. Leaderboards read the running totals in ``ChallengeStanding``."""

    __tablename__ = "challenge_points"
    __table_args__ = (UniqueConstraint("guild_id", "user_id", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    user_id: Mapped[int] = mapped_column(Snowflake)
    source: Mapped[str] = mapped_column(String(64))
    points: Mapped[int]
    awarded_at: Mapped[datetime]


class ChallengeStanding(Base):
    """A member's running points total for one leaderboard period: ``all``, a week
    (``week:2026-11-23``, its local Monday) or a month (``month:2026-11``), in the guild's
    time zone when the points were awarded. Kept with every award, so a leaderboard reads
    its top rows from an index instead of summing the ledger."""

    __tablename__ = "challenge_standings"
    __table_args__ = (Index("ix_challenge_standings_rank", "guild_id", "period", "points"),)

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    period: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    points: Mapped[int]


class ChallengeMember(Base):
    """A member's challenge preferences: the opt-in "streak at risk" DM, and whether their
    DMs turned out to be closed (then we stop trying)."""

    __tablename__ = "challenge_members"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    risk_dm: Mapped[bool] = mapped_column(default=False)
    dm_closed: Mapped[bool] = mapped_column(default=False)
