"""Per-guild configuration: time zone, moderator role, and the channel of each feature."""

from datetime import datetime

from sqlalchemy import Double, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, Snowflake


class GuildSettings(Base):
    __tablename__ = "guild_settings"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    moderator_role_id: Mapped[int | None] = mapped_column(Snowflake)
    mentor_role_id: Mapped[int | None] = mapped_column(Snowflake)
    """A role the bot gives members while they mentor someone (optional)."""
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    left_at: Mapped[datetime | None]
    """When the bot was removed from the guild; its data is deleted after a grace period."""
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    """Raised by every change of the settings or the guild's channels: caches compare it."""


class GuildChannel(Base):
    """Which channel a feature posts in (tips, challenges, introductions, feedback...)."""

    __tablename__ = "guild_channels"

    guild_id: Mapped[int] = mapped_column(
        Snowflake, ForeignKey("guild_settings.guild_id", ondelete="CASCADE"), primary_key=True
    )
    feature: Mapped[str] = mapped_column(String(32), primary_key=True)
    channel_id: Mapped[int] = mapped_column(Snowflake)


class Cooldown(Base):
    """When a member may next do an action that fans out (a request, a report, an entry).
    Kept in the database, so it holds across restarts and processes."""

    __tablename__ = "cooldowns"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    action: Mapped[str] = mapped_column(String(32), primary_key=True)
    until: Mapped[datetime]


class ModeratorAlert(Base):
    """Something the moderators must fix (a missing permission, a deleted channel, a role
    the bot may not give), told once in the mod-log channel, again only after a day."""

    __tablename__ = "moderator_alerts"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    topic: Mapped[str] = mapped_column(String(64), primary_key=True)
    told_at: Mapped[datetime]
    repeats: Mapped[int] = mapped_column(default=0)
    """How often the problem came back while the moderators had been told."""


class SendBudget(Base):
    """Discord's global rate limit is per bot, not per process: every process sending
    scheduled posts reserves its turn here (``bot.services.core.send_budget``)."""

    __tablename__ = "send_budgets"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    next_at: Mapped[float] = mapped_column(Double)
    """Wall-clock time (Unix seconds) of the next free slot."""


class AuditEntry(Base):
    """A change a moderator made from the web dashboard: who, what, when."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_guild_at", "guild_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    user_id: Mapped[int] = mapped_column(Snowflake)
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(String(500))
    at: Mapped[datetime]
