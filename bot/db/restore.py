"""Putting a backup of the SQLite database back, and knowing whether the bot uses it.

A running bot holds a shared ``flock`` on ``<database>.lock`` (``in_use``); ``restore``
takes it exclusively and refuses when it cannot. The kernel drops the lock when the
process ends, however it ends, so there is no stale pid file to clean after a crash, and
it works across containers that share the volume. SQLite's own locks cannot tell: an idle
bot holds none of them.

A backup is checked on a private copy first (``PRAGMA integrity_check``, and a schema
revision this code knows). The database it replaces is moved aside with its ``-wal`` and
``-shm`` files, as a set: a write-ahead log left beside the restored file would be
replayed over it (it belongs to the old file) and silently undo the restore.
"""

import contextlib
import fcntl
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError

from bot.db.migrate import alembic_config, head_revision

COMPANIONS = ("-wal", "-shm", "-journal")
"""Files SQLite keeps beside a database, named after it."""


class RestoreError(Exception):
    """The restore did not happen; ``str`` says why, in one sentence."""


class InUse(RestoreError):
    pass


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


@contextlib.contextmanager
def in_use(database: Path, *, exclusive: bool = False) -> Iterator[None]:
    """Hold the database's lock file: shared by every running bot, exclusive for a
    restore. ``InUse`` when it is held the other way."""
    database.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(lock_path(database), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InUse(
                f"the bot is running on {database}: stop it first"
                if exclusive
                else f"a restore of {database} is under way: start the bot when it has ended"
            ) from None
        yield
    finally:
        os.close(descriptor)


@dataclass(frozen=True, slots=True)
class Restored:
    revision: str
    set_aside: Path | None
    """Where the database it replaced now is (None if there was none)."""

    @property
    def needs_migration(self) -> bool:
        return self.revision != head_revision()


def _revision(connection: sqlite3.Connection, source: Path) -> str:
    try:
        [row] = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except (sqlite3.DatabaseError, ValueError):
        raise RestoreError(f"{source} is not a database of this bot (no schema revision)") from None
    revision = str(row[0])
    try:
        known = ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    except CommandError:
        known = None
    if known is None:
        raise RestoreError(
            f"{source} is at schema {revision}, which this version of the bot does not know: "
            "restore it with the version that wrote it"
        )
    return revision


def _stage(source: Path, staging: Path) -> str:
    """Copy ``source`` to ``staging`` as one self-contained file, check it, and return its
    schema revision."""
    if not source.is_file():
        raise RestoreError(f"there is no file at {source}")
    try:
        with (
            contextlib.closing(sqlite3.connect(source)) as original,
            contextlib.closing(sqlite3.connect(staging)) as copy,
        ):
            original.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one file: no log of its own
            [[verdict], *_] = copy.execute("PRAGMA integrity_check").fetchall()
            if verdict != "ok":
                raise RestoreError(f"{source} is damaged: {verdict}")
            revision = _revision(copy, source)
    except sqlite3.DatabaseError as error:
        raise RestoreError(f"{source} is not a readable SQLite database ({error})") from None
    with staging.open("rb+") as written:
        os.fsync(written.fileno())
    return revision


def _set_aside(target: Path) -> Path | None:
    """Move the database and its companions to ``<name>.before-restore`` (replacing an
    earlier one), keeping the set together so the old one still opens."""
    aside = target.with_name(target.name + ".before-restore")
    for suffix in ("", *COMPANIONS):
        Path(f"{aside}{suffix}").unlink(missing_ok=True)
    if not target.exists():
        for suffix in COMPANIONS:  # a log without its database would be replayed later
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        return None
    for suffix in COMPANIONS:
        companion = Path(f"{target}{suffix}")
        if companion.exists():
            companion.rename(f"{aside}{suffix}")
    target.rename(aside)
    return aside


def restore_sqlite(source: Path, target: Path) -> Restored:
    """Replace the database at ``target`` with the backup ``source``. Blocking: call it in
    a thread. ``RestoreError`` (and nothing changed) when it cannot."""
    staging = target.with_name(target.name + ".restoring")
    staging.unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        revision = _stage(source, staging)
        with in_use(target, exclusive=True):
            set_aside = _set_aside(target)
            staging.rename(target)
            directory = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
    finally:
        for suffix in ("", *COMPANIONS):
            Path(f"{staging}{suffix}").unlink(missing_ok=True)
    return Restored(revision, set_aside)
