"""The community: member profiles, mentors, requests and mentorships with their feedback,
networking rounds with their groups, blocks, reports, remembered closed DMs and suggestions."""

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, Snowflake


class Profile(Base):
    """What a member shows about themselves (their skills are their skill map's, in
    ``skill_progress``); ``private_fields`` are used for matching but
    shown to nobody else, and a ``hidden`` profile is shown to nobody else at all."""

    __tablename__ = "profiles"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    genres: Mapped[list[str]] = mapped_column(JSON, default=list)
    daws: Mapped[list[str]] = mapped_column(JSON, default=list)
    experience: Mapped[str | None] = mapped_column(String(16))
    timezone: Mapped[str | None] = mapped_column(String(64))
    looking_for: Mapped[list[str]] = mapped_column(JSON, default=list)
    bio: Mapped[str] = mapped_column(Text, default="")
    links: Mapped[list[str]] = mapped_column(JSON, default=list)
    private_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    hidden: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ClosedDM(Base):
    """A member whose DMs refused the bot (Discord error 50007): not tried again until the
    member opts in anew."""

    __tablename__ = "closed_dms"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    closed_at: Mapped[datetime]


class MentorOffer(Base):
    __tablename__ = "mentor_offers"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    topics: Mapped[list[str]] = mapped_column(JSON)
    capacity: Mapped[int]
    availability: Mapped[str] = mapped_column(String(200))
    dm_requests: Mapped[bool] = mapped_column(default=True)
    paused: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class MentorRequest(Base):
    """A request from a mentee to a mentor. While pending it holds one of the mentee's
    three ``pending_slot``s and the pair's ``open_pair`` key: unique keys that make the
    database enforce "at most 3 pending" and "one open request per pair"."""

    __tablename__ = "mentor_requests"
    __table_args__ = (
        UniqueConstraint("guild_id", "mentee_id", "pending_slot"),
        UniqueConstraint("guild_id", "open_pair"),
        Index("ix_mentor_requests_guild_pair", "guild_id", "mentee_id", "mentor_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    mentee_id: Mapped[int] = mapped_column(Snowflake)
    mentor_id: Mapped[int] = mapped_column(Snowflake)
    message: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(16))
    pending_slot: Mapped[int | None]
    open_pair: Mapped[str | None] = mapped_column(String(48))
    origin_channel_id: Mapped[int | None] = mapped_column(Snowflake)
    created_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]


class Mentorship(Base):
    """An accepted request; ``active_pair`` is set while it runs (one per pair)."""

    __tablename__ = "mentorships"
    __table_args__ = (
        UniqueConstraint("guild_id", "active_pair"),
        Index("ix_mentorships_guild_mentor", "guild_id", "mentor_id"),
        Index("ix_mentorships_guild_mentee", "guild_id", "mentee_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    mentor_id: Mapped[int] = mapped_column(Snowflake)
    mentee_id: Mapped[int] = mapped_column(Snowflake)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("mentor_requests.id", ondelete="CASCADE"), unique=True
    )
    active_pair: Mapped[str | None] = mapped_column(String(48))
    thread_id: Mapped[int | None] = mapped_column(Snowflake)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[int | None] = mapped_column(Snowflake)


class MentorFeedback(Base):
    """How a mentorship went, from one side; read by moderators only."""

    __tablename__ = "mentor_feedback"
    __table_args__ = (UniqueConstraint("mentorship_id", "author_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake, index=True)
    mentorship_id: Mapped[int] = mapped_column(ForeignKey("mentorships.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(Snowflake)
    rating: Mapped[int]
    comment: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime]


class Block(Base):
    __tablename__ = "member_blocks"
    __table_args__ = (Index("ix_member_blocks_guild_blocked", "guild_id", "blocked_id"),)

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    blocker_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    blocked_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    created_at: Mapped[datetime]


class Report(Base):
    __tablename__ = "member_reports"
    __table_args__ = (
        Index("ix_member_reports_guild_reporter", "guild_id", "reporter_id"),
        {"sqlite_autoincrement": True},  # buttons name a report by id: never reuse one
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    reporter_id: Mapped[int] = mapped_column(Snowflake)
    reported_id: Mapped[int] = mapped_column(Snowflake)
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime]
    handled_by: Mapped[int | None] = mapped_column(Snowflake)
    handled_at: Mapped[datetime | None]
    channel_id: Mapped[int | None] = mapped_column(Snowflake)
    message_id: Mapped[int | None] = mapped_column(Snowflake)
    """The report's card in the mod-log channel, once posted."""
    card_outdated: Mapped[bool] = mapped_column(default=False, server_default=false())
    """Handled away from the card (on the dashboard): the bot still has to show it there."""


class NetworkConfig(Base):
    """A guild's networking introductions: where, how often, on which weekday, group size.
    Rounds fall on ``first_round`` and every ``every_weeks`` weeks after it."""

    __tablename__ = "network_configs"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    channel_id: Mapped[int] = mapped_column(Snowflake)
    every_weeks: Mapped[int]
    weekday: Mapped[int]
    size: Mapped[int]
    first_round: Mapped[date] = mapped_column(Date)
    enabled: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime]


class NetworkMember(Base):
    __tablename__ = "network_members"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    ignored: Mapped[int] = mapped_column(default=0)
    """Introductions ignored in a row (no check-in answer); three pause the member."""
    joined_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class NetworkRound(Base):
    """One round, claimed once per guild and date; ``seed`` reproduces its pairing."""

    __tablename__ = "network_rounds"
    __table_args__ = (UniqueConstraint("guild_id", "round_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    round_on: Mapped[date] = mapped_column(Date)
    seed: Mapped[int] = mapped_column(Snowflake)
    channel_id: Mapped[int] = mapped_column(Snowflake)
    starts_at: Mapped[datetime]
    checkin_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class NetworkGroup(Base):
    """The members introduced to each other in a round, and the state of its posts."""

    __tablename__ = "network_groups"
    __table_args__ = (Index("ix_network_groups_guild_round", "guild_id", "round_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    round_id: Mapped[int] = mapped_column(ForeignKey("network_rounds.id", ondelete="CASCADE"))
    thread_id: Mapped[int | None] = mapped_column(Snowflake)
    intro_claimed_at: Mapped[datetime | None]
    checkin_claimed_at: Mapped[datetime | None]


class NetworkPlacement(Base):
    """Where a member landed in a round: a group (one per round, by the primary key), or
    left out with the reason. ``answer`` is their check-in (met, not-yet, skip)."""

    __tablename__ = "network_placements"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("network_rounds.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake, index=True)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("network_groups.id", ondelete="CASCADE")
    )
    left_out: Mapped[str | None] = mapped_column(String(16))
    answer: Mapped[str | None] = mapped_column(String(16))
    answered_at: Mapped[datetime | None]


class NetworkNotice(Base):
    """A note owed to a member: left out of a round (with the reason) or paused. Written in
    the transaction that decided it, claimed with a lease like the introductions, stamped
    once sent: a crash in between delays it, and loses none."""

    __tablename__ = "network_notices"
    __table_args__ = (Index("ix_network_notices_unsent", "sent_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake, index=True)
    user_id: Mapped[int] = mapped_column(Snowflake)
    channel_id: Mapped[int] = mapped_column(Snowflake)
    reason: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]


class Suggestion(Base):
    """An idea a member sent to the moderators with ``/suggest``."""

    __tablename__ = "suggestions"
    __table_args__ = (
        Index("ix_suggestions_guild_status", "guild_id", "status"),
        {"sqlite_autoincrement": True},  # buttons name a suggestion by id: never reuse one
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    author_id: Mapped[int] = mapped_column(Snowflake)
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    channel_id: Mapped[int | None] = mapped_column(Snowflake)
    message_id: Mapped[int | None] = mapped_column(Snowflake)
    created_at: Mapped[datetime]
    handled_by: Mapped[int | None] = mapped_column(Snowflake)
    handled_at: Mapped[datetime | None]
    card_outdated: Mapped[bool] = mapped_column(default=False, server_default=false())
    """Handled away from the card (on the dashboard): the bot still has to show it there."""


class WeeklyBoard(Base):
    """One guild's public leaderboard post for one week (its local Monday): claimed (unique
    guild and week) before sending, so a week posts once."""

    __tablename__ = "weekly_boards"
    __table_args__ = (UniqueConstraint("guild_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    week: Mapped[date] = mapped_column(Date)
    channel_id: Mapped[int] = mapped_column(Snowflake)
    message_id: Mapped[int | None] = mapped_column(Snowflake)
    claimed_at: Mapped[datetime]
