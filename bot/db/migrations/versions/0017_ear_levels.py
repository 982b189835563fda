"""each member's ear-training staircase, one row per kind

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 00:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "quiz_ear_levels",
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("streak", sa.Integer(), nullable=False),
        sa.Column("best", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "user_id", "kind", name=op.f("pk_quiz_ear_levels")),
    )
    # Ear-training keys of the old form (ear:<kind>:<difficulty>:<seed>) can no longer be
    # asked: their reviews would wait forever.
    op.execute("DELETE FROM quiz_reviews WHERE question_key LIKE 'ear:%'")


def downgrade() -> None:
    op.drop_table("quiz_ear_levels")
