"""the skill map is the one record of a member's skills; verifications need peer evidence

Profiles' "skills" and "goals" lists move into ``skill_progress`` (as done and learning, where
the map had nothing yet) and the columns go. A verification without evidence is cleared: an
entry nobody voted for or commented on, or a skill no longer marked done.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

profiles = sa.table(
    "profiles",
    sa.column("guild_id", sa.BigInteger()),
    sa.column("user_id", sa.BigInteger()),
    sa.column("skills", sa.JSON()),
    sa.column("goals", sa.JSON()),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
progress = sa.table(
    "skill_progress",
    sa.column("guild_id", sa.BigInteger()),
    sa.column("user_id", sa.BigInteger()),
    sa.column("skill_id", sa.String(40)),
    sa.column("state", sa.String(16)),
    sa.column("verified_by", sa.String(80)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)

UNEARNED = """
UPDATE skill_progress SET verified_by = NULL
WHERE verified_by = 'challenge entry' AND NOT EXISTS (
    SELECT 1 FROM challenge_submissions s
    JOIN challenge_posts p ON p.id = s.post_id
    WHERE s.guild_id = skill_progress.guild_id AND s.user_id = skill_progress.user_id
      AND p.skill = skill_progress.skill_id
      AND (EXISTS (SELECT 1 FROM challenge_votes v WHERE v.submission_id = s.id)
        OR EXISTS (SELECT 1 FROM challenge_feedback f WHERE f.submission_id = s.id))
)
"""


def upgrade() -> None:
    bind = op.get_bind()
    known = {
        (guild, user, skill)
        for guild, user, skill in bind.execute(
            sa.select(progress.c.guild_id, progress.c.user_id, progress.c.skill_id)
        )
    }
    rows = []
    for guild, user, skills, goals, updated in bind.execute(
        sa.select(
            profiles.c.guild_id,
            profiles.c.user_id,
            profiles.c.skills,
            profiles.c.goals,
            profiles.c.updated_at,
        )
    ):
        for state, listed in (("done", skills or []), ("learning", goals or [])):
            for skill in listed:
                if (guild, user, skill) not in known:
                    known.add((guild, user, skill))
                    rows.append(
                        {
                            "guild_id": guild,
                            "user_id": user,
                            "skill_id": skill,
                            "state": state,
                            "verified_by": None,
                            "updated_at": updated,
                        }
                    )
    if rows:
        op.bulk_insert(progress, rows)
    op.execute(UNEARNED)
    op.execute("UPDATE skill_progress SET verified_by = NULL WHERE state <> 'done'")
    with op.batch_alter_table("profiles") as batch:
        batch.drop_column("goals")
        batch.drop_column("skills")


def downgrade() -> None:
    with op.batch_alter_table("profiles") as batch:
        batch.add_column(sa.Column("skills", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("goals", sa.JSON(), nullable=False, server_default="[]"))
    bind = op.get_bind()
    lists: dict[tuple[int, int], dict[str, list[str]]] = {}
    for guild, user, skill, state in bind.execute(
        sa.select(progress.c.guild_id, progress.c.user_id, progress.c.skill_id, progress.c.state)
    ):
        key = "skills" if state == "done" else "goals" if state == "learning" else None
        if key is not None:
            lists.setdefault((guild, user), {"skills": [], "goals": []})[key].append(skill)
    for (guild, user), values in lists.items():
        bind.execute(
            profiles.update()
            .where(profiles.c.guild_id == guild, profiles.c.user_id == user)
            .values(**values)
        )
