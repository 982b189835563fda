"""a member's answered questions (a new solo round picks the ones they have not answered
yet) and a round's answers are read from indexes, not from a scan of every answer the
guild ever gave

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 08:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_quiz_answers_guild_user_key", "quiz_answers", ["guild_id", "user_id", "question_key"]
    )
    op.create_index(
        "ix_quiz_answers_guild_round", "quiz_answers", ["guild_id", "round_id", "position"]
    )


def downgrade() -> None:
    op.drop_index("ix_quiz_answers_guild_round", table_name="quiz_answers")
    op.drop_index("ix_quiz_answers_guild_user_key", table_name="quiz_answers")
