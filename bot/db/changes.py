"""Guilds whose cached data changed, told by PostgreSQL (LISTEN/NOTIFY) instead of asked.

Guild settings and the pool of open mentors are kept in memory and stamped with the guild's
version (``bot.services.core.guild_settings``). On SQLite reading the version costs
microseconds; on PostgreSQL it is a round trip through the pool on every interaction. So
on PostgreSQL a trigger (migration 0021) sends a notice on ``CHANNEL`` with the guild's id
whenever its settings row is written, and a ``ChangeFeed`` listens on a connection of its
own: while it listens, a copy is stamped with the feed's count of notices for its guild,
and checking it costs no query.

- This process's own writes are counted when their unit of work commits (``mark_changed``,
  collected by ``Database``), before any other task runs: a member's next interaction never
  sees a copy older than their own change. The server's notice for it follows and only
  makes the next read load the data once more.
- Another process's change is seen once its notice arrives (PostgreSQL sends it when the
  change commits; on one machine, within milliseconds). A guild's interactions all reach
  the one process that holds its shard, so only a change from the dashboard waits for it.
- A stamp is taken before the data is read, so a notice that arrives during the read
  leaves the copy stale-stamped, and the next read loads it again.
- Without a live connection (before it is up, after it is lost, if the server refuses it)
  ``stamp`` gives None and readers ask the database for the version, as on SQLite. Each
  new connection starts a new epoch, so nothing stamped before a gap is trusted after it.
  A connection that dies without the socket closing is found by a ping every
  ``PING_SECONDS``; notices lost meanwhile are covered by the new epoch.
"""

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

log = logging.getLogger(__name__)

CHANNEL = "guild_changes"
"""The notification channel migration 0021's trigger sends guild ids on."""
PING_SECONDS = 30.0
RETRY_SECONDS = (1.0, 2.0, 5.0, 15.0, 30.0)
"""Waits between attempts to connect again, the last one repeated."""

_touched: ContextVar[set[int] | None] = ContextVar("touched_guilds", default=None)


def mark_changed(guild_id: int) -> None:
    """Note, inside a unit of work, that it changes the guild's cached data: this process's
    copies go stale when it commits. Outside a collecting unit (SQLite) it does nothing."""
    touched = _touched.get()
    if touched is not None:
        touched.add(guild_id)


class ChangeFeed:
    """The notices of ``CHANNEL`` on the PostgreSQL database at ``dsn`` (see the module)."""

    def __init__(self, dsn: str) -> None:
        self._dsn = dsn
        self._epoch = 0
        self._counts: dict[int, int] = {}
        self._live: Any = None  # the listening asyncpg connection, while it listens
        self._task: asyncio.Task[None] | None = None

    def stamp(self, guild_id: int) -> tuple[int, int] | None:
        """What a copy of the guild's data read now is stamped with, or None when the feed
        does not listen (it starts listening at the first call)."""
        if self._live is None:
            if self._task is None:
                self._task = asyncio.get_running_loop().create_task(self._listen())
            return None
        return self._epoch, self._counts.get(guild_id, 0)

    @contextlib.contextmanager
    def collecting(self) -> Iterator[None]:
        """Around a unit of work: the guilds it marks changed count as changed once the
        block ends without an error (after its commit)."""
        touched: set[int] = set()
        token = _touched.set(touched)
        try:
            yield
        finally:
            _touched.reset(token)
        for guild_id in touched:
            self._count(guild_id)

    def _count(self, guild_id: int) -> None:
        self._counts[guild_id] = self._counts.get(guild_id, 0) + 1

    def _told(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        try:
            self._count(int(payload))
        except ValueError:
            log.warning("ignored a notice on %s that names no guild: %r", CHANNEL, payload)

    async def _listen(self) -> None:
        import asyncpg  # the PostgreSQL driver, installed with the postgres extra

        failures = 0
        while True:
            try:
                connection = await asyncpg.connect(self._dsn)
            except (OSError, asyncpg.PostgresError) as error:
                wait = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
                log.warning("change feed: cannot connect (%s); retrying in %g s", error, wait)
                failures += 1
                await asyncio.sleep(wait)
                continue
            failures = 0
            try:
                await self._serve(connection)
            except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                log.warning("change feed: connection failed (%s)", error)
            finally:
                self._live = None
                self._epoch += 1
                connection.terminate()
            log.warning("change feed: connection lost; guild data is checked by query meanwhile")

    async def _serve(self, connection: Any) -> None:
        """Listen on ``connection`` until it closes or stops answering pings."""
        lost = asyncio.Event()
        connection.add_termination_listener(lambda _connection: lost.set())
        await connection.add_listener(CHANNEL, self._told)
        self._epoch += 1
        self._live = connection
        while not lost.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(lost.wait(), PING_SECONDS)
                return
            await asyncio.wait_for(connection.execute("SELECT 1"), PING_SECONDS)

    async def close(self) -> None:
        """Stop listening."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
