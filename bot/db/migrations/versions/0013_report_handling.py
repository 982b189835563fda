"""moderators mark a member report handled, like a suggestion

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 23:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("member_reports") as batch:
        batch.add_column(sa.Column("handled_by", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("member_reports") as batch:
        batch.drop_column("handled_at")
        batch.drop_column("handled_by")
