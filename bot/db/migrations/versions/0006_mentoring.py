"""mentoring

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 15:58:58.066597
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "closed_dms",
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "user_id", name=op.f("pk_closed_dms")),
    )
    op.create_table(
        "member_blocks",
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("blocker_id", sa.BigInteger(), nullable=False),
        sa.Column("blocked_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "guild_id", "blocker_id", "blocked_id", name=op.f("pk_member_blocks")
        ),
    )
    op.create_table(
        "member_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("reporter_id", sa.BigInteger(), nullable=False),
        sa.Column("reported_id", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_reports")),
    )
    with op.batch_alter_table("member_reports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_member_reports_guild_reporter", ["guild_id", "reporter_id"], unique=False
        )

    op.create_table(
        "mentor_offers",
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("availability", sa.String(length=200), nullable=False),
        sa.Column("dm_requests", sa.Boolean(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "user_id", name=op.f("pk_mentor_offers")),
    )
    op.create_table(
        "mentor_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("mentee_id", sa.BigInteger(), nullable=False),
        sa.Column("mentor_id", sa.BigInteger(), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("pending_slot", sa.Integer(), nullable=True),
        sa.Column("open_pair", sa.String(length=48), nullable=True),
        sa.Column("origin_channel_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentor_requests")),
        sa.UniqueConstraint(
            "guild_id",
            "mentee_id",
            "pending_slot",
            name=op.f("uq_mentor_requests_guild_id_mentee_id_pending_slot"),
        ),
        sa.UniqueConstraint(
            "guild_id", "open_pair", name=op.f("uq_mentor_requests_guild_id_open_pair")
        ),
    )
    with op.batch_alter_table("mentor_requests", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mentor_requests_guild_pair", ["guild_id", "mentee_id", "mentor_id"], unique=False
        )

    op.create_table(
        "network_configs",
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("every_weeks", sa.Integer(), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("first_round", sa.Date(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", name=op.f("pk_network_configs")),
    )
    op.create_table(
        "network_members",
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("ignored", sa.Integer(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "user_id", name=op.f("pk_network_members")),
    )
    op.create_table(
        "network_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("round_on", sa.Date(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checkin_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_rounds")),
        sa.UniqueConstraint(
            "guild_id", "round_on", name=op.f("uq_network_rounds_guild_id_round_on")
        ),
    )
    op.create_table(
        "profiles",
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("goals", sa.JSON(), nullable=False),
        sa.Column("genres", sa.JSON(), nullable=False),
        sa.Column("daws", sa.JSON(), nullable=False),
        sa.Column("experience", sa.String(length=16), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=True),
        sa.Column("looking_for", sa.JSON(), nullable=False),
        sa.Column("bio", sa.Text(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("private_fields", sa.JSON(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "user_id", name=op.f("pk_profiles")),
    )
    op.create_table(
        "mentorships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("mentor_id", sa.BigInteger(), nullable=False),
        sa.Column("mentee_id", sa.BigInteger(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("active_pair", sa.String(length=48), nullable=True),
        sa.Column("thread_id", sa.BigInteger(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["mentor_requests.id"],
            name=op.f("fk_mentorships_request_id_mentor_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentorships")),
        sa.UniqueConstraint(
            "guild_id", "active_pair", name=op.f("uq_mentorships_guild_id_active_pair")
        ),
        sa.UniqueConstraint("request_id", name=op.f("uq_mentorships_request_id")),
    )
    with op.batch_alter_table("mentorships", schema=None) as batch_op:
        batch_op.create_index(
            "ix_mentorships_guild_mentee", ["guild_id", "mentee_id"], unique=False
        )
        batch_op.create_index(
            "ix_mentorships_guild_mentor", ["guild_id", "mentor_id"], unique=False
        )

    op.create_table(
        "network_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.BigInteger(), nullable=True),
        sa.Column("intro_claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checkin_claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["network_rounds.id"],
            name=op.f("fk_network_groups_round_id_network_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_groups")),
    )
    with op.batch_alter_table("network_groups", schema=None) as batch_op:
        batch_op.create_index(
            "ix_network_groups_guild_round", ["guild_id", "round_id"], unique=False
        )

    op.create_table(
        "mentor_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("mentorship_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["mentorship_id"],
            ["mentorships.id"],
            name=op.f("fk_mentor_feedback_mentorship_id_mentorships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentor_feedback")),
        sa.UniqueConstraint(
            "mentorship_id", "author_id", name=op.f("uq_mentor_feedback_mentorship_id_author_id")
        ),
    )
    with op.batch_alter_table("mentor_feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mentor_feedback_guild_id"), ["guild_id"], unique=False)

    op.create_table(
        "network_placements",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("left_out", sa.String(length=16), nullable=True),
        sa.Column("answer", sa.String(length=16), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["network_groups.id"],
            name=op.f("fk_network_placements_group_id_network_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["network_rounds.id"],
            name=op.f("fk_network_placements_round_id_network_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", "user_id", name=op.f("pk_network_placements")),
    )
    with op.batch_alter_table("network_placements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_network_placements_guild_id"), ["guild_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("network_placements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_placements_guild_id"))

    op.drop_table("network_placements")
    with op.batch_alter_table("mentor_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentor_feedback_guild_id"))

    op.drop_table("mentor_feedback")
    with op.batch_alter_table("network_groups", schema=None) as batch_op:
        batch_op.drop_index("ix_network_groups_guild_round")

    op.drop_table("network_groups")
    with op.batch_alter_table("mentorships", schema=None) as batch_op:
        batch_op.drop_index("ix_mentorships_guild_mentor")
        batch_op.drop_index("ix_mentorships_guild_mentee")

    op.drop_table("mentorships")
    op.drop_table("profiles")
    op.drop_table("network_rounds")
    op.drop_table("network_members")
    op.drop_table("network_configs")
    with op.batch_alter_table("mentor_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_mentor_requests_guild_pair")

    op.drop_table("mentor_requests")
    op.drop_table("mentor_offers")
    with op.batch_alter_table("member_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_member_reports_guild_reporter")

    op.drop_table("member_reports")
    op.drop_table("member_blocks")
    op.drop_table("closed_dms")
