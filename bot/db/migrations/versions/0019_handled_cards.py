"""a report or suggestion marked handled away from its card (on the dashboard) has the card
brought up to date by the bot: reports remember their card, both remember an owed update

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 02:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("member_reports") as batch:
        batch.add_column(sa.Column("channel_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("message_id", sa.BigInteger(), nullable=True))
        batch.add_column(
            sa.Column("card_outdated", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("suggestions") as batch:
        batch.add_column(
            sa.Column("card_outdated", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("suggestions") as batch:
        batch.drop_column("card_outdated")
    with op.batch_alter_table("member_reports") as batch:
        batch.drop_column("card_outdated")
        batch.drop_column("message_id")
        batch.drop_column("channel_id")
