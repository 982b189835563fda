"""A consistent copy of a live SQLite database (SQLite's online backup API)."""

import asyncio
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


def sqlite_path(url: str) -> Path:
    """The file behind a SQLite URL; ``ValueError`` for any other database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        raise ValueError("only a SQLite file can be backed up this way; use pg_dump for PostgreSQL")
    return Path(parsed.database)


def _copy(source: Path, target: Path) -> None:
    if not source.exists():
        raise FileNotFoundError(f"there is no database at {source}")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as live, sqlite3.connect(target) as copy:
        live.backup(copy)  # page by page, consistent even while the bot writes
    sqlite3.connect(target).close()


async def backup_sqlite(url: str, target: Path) -> Path:
    """Copy the database at ``url`` into ``target`` without stopping the bot."""
    source = sqlite_path(url)
    await asyncio.to_thread(_copy, source, target)
    return target
