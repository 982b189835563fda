"""network notices, mentor role, moderator alerts, the shared send budget, query indexes

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 17:35:16
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_skill_progress_guild_skill_state",
        "skill_progress",
        ["guild_id", "skill_id", "state"],
    )
    op.create_index(
        "ix_challenge_submissions_guild_post", "challenge_submissions", ["guild_id", "post_id"]
    )
    op.drop_index("ix_challenge_points_guild_awarded", table_name="challenge_points")
    op.create_index(
        "ix_challenge_points_period",
        "challenge_points",
        ["guild_id", "awarded_at", "user_id", "points"],
    )
    op.create_index(
        "ix_challenge_points_member", "challenge_points", ["guild_id", "user_id", "points"]
    )
    op.create_table(
        "send_budgets",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("next_at", sa.Double(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_send_budgets")),
    )
    op.create_table(
        "moderator_alerts",
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("told_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("repeats", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "topic", name=op.f("pk_moderator_alerts")),
    )
    op.create_table(
        "network_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_notices")),
    )
    with op.batch_alter_table("network_notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_network_notices_guild_id"), ["guild_id"], unique=False)
        batch_op.create_index("ix_network_notices_unsent", ["sent_at", "id"], unique=False)

    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mentor_role_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.drop_column("mentor_role_id")

    with op.batch_alter_table("network_notices", schema=None) as batch_op:
        batch_op.drop_index("ix_network_notices_unsent")
        batch_op.drop_index(batch_op.f("ix_network_notices_guild_id"))

    op.drop_table("network_notices")
    op.drop_table("moderator_alerts")
    op.drop_table("send_budgets")
    op.drop_index("ix_challenge_points_member", table_name="challenge_points")
    op.drop_index("ix_challenge_points_period", table_name="challenge_points")
    op.create_index(
        "ix_challenge_points_guild_awarded", "challenge_points", ["guild_id", "awarded_at"]
    )
    op.drop_index("ix_challenge_submissions_guild_post", table_name="challenge_submissions")
    op.drop_index("ix_skill_progress_guild_skill_state", table_name="skill_progress")
