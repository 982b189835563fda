"""quiz

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 15:16:41.389222
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "quiz_guild_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("difficulty", sa.String(length=16), nullable=False),
        sa.Column("prompt", sa.String(length=250), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("answer", sa.Integer(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_guild_questions")),
    )
    with op.batch_alter_table("quiz_guild_questions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_quiz_guild_questions_guild_topic", ["guild_id", "topic"], unique=False
        )

    op.create_table(
        "quiz_reviews",
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("question_key", sa.String(length=64), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("box", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "guild_id", "user_id", "question_key", name=op.f("pk_quiz_reviews")
        ),
    )
    op.create_table(
        "quiz_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("channel_id", sa.BigInteger(), nullable=True),
        sa.Column("topic", sa.String(length=64), nullable=True),
        sa.Column("question_keys", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("window_seconds", sa.Integer(), nullable=False),
        sa.Column("question_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("active_slot", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_rounds")),
        sa.UniqueConstraint("active_slot", name=op.f("uq_quiz_rounds_active_slot")),
    )
    with op.batch_alter_table("quiz_rounds", schema=None) as batch_op:
        batch_op.create_index("ix_quiz_rounds_status_kind", ["status", "kind"], unique=False)

    op.create_table(
        "quiz_type_roles",
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("type_id", sa.String(length=32), nullable=False),
        sa.Column("role_id", sa.BigInteger(), nullable=False),
        sa.Column("updated_by", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "type_id", name=op.f("pk_quiz_type_roles")),
    )
    op.create_table(
        "quiz_type_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("active_slot", sa.String(length=64), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_type_sessions")),
        sa.UniqueConstraint("active_slot", name=op.f("uq_quiz_type_sessions_active_slot")),
    )
    op.create_table(
        "quiz_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("question_key", sa.String(length=64), nullable=False),
        sa.Column("topic", sa.String(length=64), nullable=False),
        sa.Column("choice", sa.Integer(), nullable=True),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["quiz_rounds.id"],
            name=op.f("fk_quiz_answers_round_id_quiz_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_answers")),
        sa.UniqueConstraint(
            "round_id",
            "position",
            "user_id",
            name=op.f("uq_quiz_answers_round_id_position_user_id"),
        ),
    )
    with op.batch_alter_table("quiz_answers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_quiz_answers_guild_answered", ["guild_id", "answered_at"], unique=False
        )

    op.create_table(
        "quiz_type_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("primary_type", sa.String(length=32), nullable=False),
        sa.Column("secondary_type", sa.String(length=32), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["quiz_type_sessions.id"],
            name=op.f("fk_quiz_type_results_session_id_quiz_type_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_type_results")),
        sa.UniqueConstraint("session_id", name=op.f("uq_quiz_type_results_session_id")),
    )
    with op.batch_alter_table("quiz_type_results", schema=None) as batch_op:
        batch_op.create_index(
            "ix_quiz_type_results_guild_user", ["guild_id", "user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("quiz_type_results", schema=None) as batch_op:
        batch_op.drop_index("ix_quiz_type_results_guild_user")

    op.drop_table("quiz_type_results")
    with op.batch_alter_table("quiz_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_quiz_answers_guild_answered")

    op.drop_table("quiz_answers")
    op.drop_table("quiz_type_sessions")
    op.drop_table("quiz_type_roles")
    with op.batch_alter_table("quiz_rounds", schema=None) as batch_op:
        batch_op.drop_index("ix_quiz_rounds_status_kind")

    op.drop_table("quiz_rounds")
    op.drop_table("quiz_reviews")
    with op.batch_alter_table("quiz_guild_questions", schema=None) as batch_op:
        batch_op.drop_index("ix_quiz_guild_questions_guild_topic")

    op.drop_table("quiz_guild_questions")
