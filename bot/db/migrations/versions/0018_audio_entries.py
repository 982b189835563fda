"""blind voting per guild and per challenge; each entry's label and analysis summary

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 01:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("challenge_config") as batch:
        batch.add_column(
            sa.Column("blind_voting", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("challenge_posts") as batch:
        batch.add_column(
            sa.Column("blind", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("challenge_submissions") as batch:
        batch.add_column(sa.Column("blind_label", sa.String(length=4), nullable=True))
        batch.add_column(sa.Column("analysis", sa.Text(), nullable=True))
        batch.create_unique_constraint(
            "uq_challenge_submissions_post_id_blind_label", ["post_id", "blind_label"]
        )


def downgrade() -> None:
    with op.batch_alter_table("challenge_submissions") as batch:
        batch.drop_constraint("uq_challenge_submissions_post_id_blind_label", type_="unique")
        batch.drop_column("analysis")
        batch.drop_column("blind_label")
    with op.batch_alter_table("challenge_posts") as batch:
        batch.drop_column("blind")
    with op.batch_alter_table("challenge_config") as batch:
        batch.drop_column("blind_voting")
