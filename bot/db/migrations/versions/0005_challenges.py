"""challenges

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 15:19:14.878451
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "challenge_members",
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("risk_dm", sa.Boolean(), nullable=False),
        sa.Column("dm_closed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "user_id", name=op.f("pk_challenge_members")),
    )
    op.create_table(
        "challenge_points",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("awarded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_points")),
        sa.UniqueConstraint(
            "guild_id",
            "user_id",
            "source",
            name=op.f("uq_challenge_points_guild_id_user_id_source"),
        ),
    )
    with op.batch_alter_table("challenge_points", schema=None) as batch_op:
        batch_op.create_index(
            "ix_challenge_points_guild_awarded", ["guild_id", "awarded_at"], unique=False
        )

    op.create_table(
        "challenge_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("auto", sa.Boolean(), nullable=False),
        sa.Column("bank_id", sa.String(length=64), nullable=True),
        sa.Column("title", sa.String(length=80), nullable=False),
        sa.Column("brief", sa.Text(), nullable=False),
        sa.Column("skill", sa.String(length=40), nullable=False),
        sa.Column("difficulty", sa.String(length=16), nullable=False),
        sa.Column("constraints", sa.String(length=300), nullable=True),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("thread_id", sa.BigInteger(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reminder_claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminder_message_id", sa.BigInteger(), nullable=True),
        sa.Column("results_claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("results_message_id", sa.BigInteger(), nullable=True),
        sa.Column("nudged_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_posts")),
        sa.UniqueConstraint(
            "guild_id", "local_date", name=op.f("uq_challenge_posts_guild_id_local_date")
        ),
    )
    op.create_table(
        "challenge_queue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=True),
        sa.Column("bank_id", sa.String(length=64), nullable=True),
        sa.Column("title", sa.String(length=80), nullable=False),
        sa.Column("brief", sa.Text(), nullable=False),
        sa.Column("skill", sa.String(length=40), nullable=False),
        sa.Column("difficulty", sa.String(length=16), nullable=False),
        sa.Column("hours_to_submit", sa.Integer(), nullable=False),
        sa.Column("constraints", sa.String(length=300), nullable=True),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_queue")),
        sa.UniqueConstraint(
            "guild_id", "local_date", name=op.f("uq_challenge_queue_guild_id_local_date")
        ),
    )
    with op.batch_alter_table("challenge_queue", schema=None) as batch_op:
        batch_op.create_index(
            "ix_challenge_queue_guild_position", ["guild_id", "position"], unique=False
        )

    op.create_table(
        "challenge_config",
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("post_time", sa.String(length=5), nullable=False),
        sa.Column("weekdays", sa.Integer(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("reminder_hours", sa.Integer(), nullable=True),
        sa.Column("reminder_role_id", sa.BigInteger(), nullable=True),
        sa.Column("champion_role_id", sa.BigInteger(), nullable=True),
        sa.Column("champion_user_id", sa.BigInteger(), nullable=True),
        sa.Column("champion_month", sa.String(length=7), nullable=True),
        sa.Column("feedback_required", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["guild_id"],
            ["guild_settings.guild_id"],
            name=op.f("fk_challenge_config_guild_id_guild_settings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("guild_id", name=op.f("pk_challenge_config")),
    )
    op.create_table(
        "challenge_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column("file_name", sa.String(length=200), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["challenge_posts.id"],
            name=op.f("fk_challenge_submissions_post_id_challenge_posts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_submissions")),
        sa.UniqueConstraint(
            "post_id", "user_id", name=op.f("uq_challenge_submissions_post_id_user_id")
        ),
    )
    with op.batch_alter_table("challenge_submissions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_challenge_submissions_guild_user", ["guild_id", "user_id"], unique=False
        )

    op.create_table(
        "challenge_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["challenge_submissions.id"],
            name=op.f("fk_challenge_feedback_submission_id_challenge_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenge_feedback")),
        sa.UniqueConstraint(
            "submission_id", "author_id", name=op.f("uq_challenge_feedback_submission_id_author_id")
        ),
    )
    with op.batch_alter_table("challenge_feedback", schema=None) as batch_op:
        batch_op.create_index(
            "ix_challenge_feedback_guild_author", ["guild_id", "author_id"], unique=False
        )

    op.create_table(
        "challenge_votes",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("voter_id", sa.BigInteger(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("voted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["challenge_submissions.id"],
            name=op.f("fk_challenge_votes_submission_id_challenge_submissions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("submission_id", "voter_id", name=op.f("pk_challenge_votes")),
    )


def downgrade() -> None:
    op.drop_table("challenge_votes")
    with op.batch_alter_table("challenge_feedback", schema=None) as batch_op:
        batch_op.drop_index("ix_challenge_feedback_guild_author")

    op.drop_table("challenge_feedback")
    with op.batch_alter_table("challenge_submissions", schema=None) as batch_op:
        batch_op.drop_index("ix_challenge_submissions_guild_user")

    op.drop_table("challenge_submissions")
    op.drop_table("challenge_config")
    with op.batch_alter_table("challenge_queue", schema=None) as batch_op:
        batch_op.drop_index("ix_challenge_queue_guild_position")

    op.drop_table("challenge_queue")
    op.drop_table("challenge_posts")
    with op.batch_alter_table("challenge_points", schema=None) as batch_op:
        batch_op.drop_index("ix_challenge_points_guild_awarded")

    op.drop_table("challenge_points")
    op.drop_table("challenge_members")
