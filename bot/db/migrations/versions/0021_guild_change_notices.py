"""on PostgreSQL, a notice on the channel ``guild_changes`` with the guild's id whenever a
guild's settings row is added, has its version raised or is deleted: processes keep guild
data in memory and learn of changes from it instead of asking on every interaction
(``bot.db.changes``); nothing on SQLite

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 06:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION notify_guild_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                PERFORM pg_notify('guild_changes', OLD.guild_id::text);
            ELSE
                PERFORM pg_notify('guild_changes', NEW.guild_id::text);
            END IF;
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER guild_settings_changed
        AFTER INSERT OR DELETE OR UPDATE OF version ON guild_settings
        FOR EACH ROW EXECUTE FUNCTION notify_guild_change()
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER guild_settings_changed ON guild_settings")
    op.execute("DROP FUNCTION notify_guild_change()")
