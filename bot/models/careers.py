"""Members' career progress, tips they have seen or saved, guild tips and the daily tip."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, Snowflake


class SkillProgress(Base):
    """Where a member stands on one skill of the skill map."""

    __tablename__ = "skill_progress"
    __table_args__ = (
        # /career community counts members per skill and state: a covering index.
        Index("ix_skill_progress_guild_skill_state", "guild_id", "skill_id", "state"),
    )

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    skill_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))
    verified_by: Mapped[str | None] = mapped_column(String(80))
    updated_at: Mapped[datetime]


class SeenTip(Base):
    """A tip a member was shown; cleared per topic once they have seen them all."""

    __tablename__ = "seen_tips"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    tip_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    topic: Mapped[str] = mapped_column(String(40))
    seen_at: Mapped[datetime]


class SavedTip(Base):
    __tablename__ = "saved_tips"

    guild_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    user_id: Mapped[int] = mapped_column(Snowflake, primary_key=True)
    tip_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    saved_at: Mapped[datetime]


class GuildTip(Base):
    """A tip a guild's moderators wrote; shown in that guild only, beside the built-in ones."""

    __tablename__ = "guild_tips"
    __table_args__ = (Index("ix_guild_tips_guild_topic", "guild_id", "topic"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    topic: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(Snowflake)
    created_at: Mapped[datetime]


class DailyTipConfig(Base):
    __tablename__ = "daily_tip_config"

    guild_id: Mapped[int] = mapped_column(
        Snowflake, ForeignKey("guild_settings.guild_id", ondelete="CASCADE"), primary_key=True
    )
    channel_id: Mapped[int] = mapped_column(Snowflake)
    post_time: Mapped[str] = mapped_column(String(5))
    enabled: Mapped[bool] = mapped_column(default=True)


class DailyTipPost(Base):
    """One row per guild and local day: claimed before sending, so a day posts once."""

    __tablename__ = "daily_tip_posts"
    __table_args__ = (UniqueConstraint("guild_id", "local_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guild_id: Mapped[int] = mapped_column(Snowflake)
    local_date: Mapped[date] = mapped_column(Date)
    tip_id: Mapped[str] = mapped_column(String(40))
    channel_id: Mapped[int] = mapped_column(Snowflake)
    message_id: Mapped[int | None] = mapped_column(Snowflake)
    claimed_at: Mapped[datetime]
