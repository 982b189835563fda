"""a challenge remembers whether it was daily or weekly (its post says so)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 23:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("challenge_posts") as batch:
        batch.add_column(
            sa.Column("cadence", sa.String(length=8), nullable=False, server_default="daily")
        )


def downgrade() -> None:
    with op.batch_alter_table("challenge_posts") as batch:
        batch.drop_column("cadence")
