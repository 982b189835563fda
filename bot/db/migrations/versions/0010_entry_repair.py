"""entries remember the re-post of an earlier take until it is struck through

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 21:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("challenge_submissions") as batch:
        batch.add_column(sa.Column("stale_message_id", sa.BigInteger(), nullable=True))
        batch.create_index(
            "ix_challenge_submissions_unshown", ["message_id", "submitted_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("challenge_submissions") as batch:
        batch.drop_index("ix_challenge_submissions_unshown")
        batch.drop_column("stale_message_id")
