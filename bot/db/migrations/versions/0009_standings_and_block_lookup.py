"""running leaderboard totals per member and period, filled from the points ledger;
blocks looked up by the blocked member

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22 21:05:00
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROWS_PER_INSERT = 1_000

points_ledger = sa.table(
    "challenge_points",
    sa.column("guild_id", sa.BigInteger()),
    sa.column("user_id", sa.BigInteger()),
    sa.column("points", sa.Integer()),
    sa.column("awarded_at", sa.DateTime(timezone=True)),
)
guild_settings = sa.table(
    "guild_settings", sa.column("guild_id", sa.BigInteger()), sa.column("timezone", sa.String())
)


def periods(day: date) -> tuple[str, str, str]:
    """The period keys of this revision: all time, the local week (its Monday), the month."""
    return "all", f"week:{day - timedelta(days=day.weekday())}", f"month:{day:%Y-%m}"


def upgrade() -> None:
    standings = op.create_table(
        "challenge_standings",
        sa.Column("guild_id", sa.BigInteger(), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "guild_id", "period", "user_id", name=op.f("pk_challenge_standings")
        ),
    )
    op.create_index(
        "ix_challenge_standings_rank", "challenge_standings", ["guild_id", "period", "points"]
    )
    op.drop_index("ix_challenge_points_period", table_name="challenge_points")
    op.drop_index("ix_challenge_points_member", table_name="challenge_points")
    op.create_index("ix_member_blocks_guild_blocked", "member_blocks", ["guild_id", "blocked_id"])

    bind = op.get_bind()
    settings = sa.select(guild_settings.c.guild_id, guild_settings.c.timezone)
    zones = {guild: ZoneInfo(zone or "UTC") for guild, zone in bind.execute(settings)}
    totals: dict[tuple[int, str, int], int] = defaultdict(int)
    ledger = sa.select(
        points_ledger.c.guild_id,
        points_ledger.c.user_id,
        points_ledger.c.points,
        points_ledger.c.awarded_at,
    )
    for guild, user, points, at in bind.execute(ledger):
        aware = at if at.tzinfo else at.replace(tzinfo=UTC)
        for period in periods(aware.astimezone(zones.get(guild, UTC)).date()):
            totals[guild, period, user] += points
    rows = [
        {"guild_id": guild, "period": period, "user_id": user, "points": points}
        for (guild, period, user), points in totals.items()
    ]
    for start in range(0, len(rows), ROWS_PER_INSERT):
        bind.execute(sa.insert(standings), rows[start : start + ROWS_PER_INSERT])


def downgrade() -> None:
    op.drop_index("ix_member_blocks_guild_blocked", table_name="member_blocks")
    op.create_index(
        "ix_challenge_points_member", "challenge_points", ["guild_id", "user_id", "points"]
    )
    op.create_index(
        "ix_challenge_points_period",
        "challenge_points",
        ["guild_id", "awarded_at", "user_id", "points"],
    )
    op.drop_index("ix_challenge_standings_rank", table_name="challenge_standings")
    op.drop_table("challenge_standings")
