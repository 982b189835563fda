"""guild lifecycle and cooldowns

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 16:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("left_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "cooldowns",
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "user_id", "action", name=op.f("pk_cooldowns")),
    )


def downgrade() -> None:
    op.drop_table("cooldowns")
    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.drop_column("left_at")
