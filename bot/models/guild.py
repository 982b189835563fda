"""Per-guild configuration: time zone, moderator role, and the channel of each feature."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, Snowflake


class GuildSettings(Base):
    __tablename__ = "guild_settings"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True, autoincrement=False)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    moderator_role_id: Mapped[int | None] = mapped_column(Snowflake)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    left_at: Mapped[datetime | None]
    """When the bot was removed from the guild; its data is deleted after a grace period."""


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
