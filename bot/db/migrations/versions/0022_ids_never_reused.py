"""queued challenges, member reports and suggestions never reuse an id on SQLite: forms and
buttons name them by id, and a moderator's form opened for a removed challenge must not edit
the one added after it (PostgreSQL's sequences never reuse one)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 08:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("challenge_queue", "member_reports", "suggestions")


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass


def upgrade() -> None:
    _rebuild(True)


def downgrade() -> None:
    _rebuild(False)
