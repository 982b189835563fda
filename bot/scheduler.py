"""Background work, restart-safe.

Feature cogs register jobs. A job is an async function given the current time; it must
work out from the database what is due at that time and do it (claiming each item with a
unique key before acting), so nothing depends on timers held in memory: after a restart or
downtime the next tick finds what is due and does it once.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from bot.clock import Clock, ManualClock

log = logging.getLogger(__name__)

Job = Callable[[datetime], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class _Registered:
    name: str
    run: Job


@dataclass(slots=True)
class JobStats:
    """How one job has fared in this process, for the metrics."""

    runs: int = 0
    failures: int = 0
    seconds: float = 0.0
    """Time spent in the job, all runs together."""


class Scheduler:
    """Runs every registered job on each tick: every ``interval`` seconds, and right after
    a manual clock moves."""

    def __init__(self, clock: Clock, *, interval: float = 30.0) -> None:
        self._clock = clock
        self._interval = interval
        self._jobs: list[_Registered] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._tick_lock = asyncio.Lock()
        self._stopping = False
        self.last_tick: float | None = None
        """When (``time.monotonic()``) the latest tick ended; None before the first."""
        self.ticked = asyncio.Event()
        """Set once the first tick has ended."""
        self.lag = 0.0
        """How many seconds later than due the latest tick started (jobs of the tick before
        it ran long, or the event loop was blocked)."""
        self.stats: dict[str, JobStats] = {}
        if isinstance(clock, ManualClock):
            clock.on_change(self._wake.set)

    def register(self, name: str, job: Job) -> None:
        if any(registered.name == name for registered in self._jobs):
            raise ValueError(f"a job named {name!r} is already registered")
        self._jobs.append(_Registered(name, job))
        self.stats.setdefault(name, JobStats())

    @property
    def interval(self) -> float:
        return self._interval

    def unregister(self, name: str) -> None:
        self._jobs = [registered for registered in self._jobs if registered.name != name]

    async def run_due(self) -> None:
        """One tick: run every job once at the clock's current time. A failing job is
        logged and does not stop the others; once stopping, no further job starts."""
        async with self._tick_lock:
            now = self._clock.now()
            for registered in list(self._jobs):
                if self._stopping:
                    return
                stats = self.stats.setdefault(registered.name, JobStats())
                started = time.monotonic()
                try:
                    await registered.run(now)
                except Exception:
                    stats.failures += 1
                    log.exception("scheduled job %s failed at %s", registered.name, now)
                finally:
                    stats.runs += 1
                    stats.seconds += time.monotonic() - started
            self.last_tick = time.monotonic()
            self.ticked.set()

    def start(self, after: Callable[[], Awaitable[object]] | None = None) -> None:
        """Tick from now on, or once ``after`` has returned (the bot is ready: every shard's
        guilds are known, so no job mistakes a guild not loaded yet for a deleted one)."""
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._loop(after), name="scheduler")

    async def stop(self, grace: float = 8.0) -> None:
        """End the ticks. A job in flight may finish (up to ``grace`` seconds, inside
        Docker's default ten-second stop) so that what it sent is also recorded; no other
        job starts."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        self._wake.set()
        if not self._tick_lock.locked():
            task.cancel()  # idle: waiting for the next tick
        try:
            await asyncio.wait_for(task, grace)
        except TimeoutError:
            log.warning("scheduled work cancelled after %.0f s of shutdown", grace)
        except asyncio.CancelledError:
            if not task.cancelled():
                raise

    async def _loop(self, after: Callable[[], Awaitable[object]] | None) -> None:
        if after is not None:
            await after()
        due = time.monotonic()
        while not self._stopping:
            self._wake.clear()  # before the tick: a clock move during it triggers another
            self.lag = max(0.0, time.monotonic() - due)
            await self.run_due()
            due = time.monotonic() + self._interval
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._interval)
            due = min(due, time.monotonic())  # woken early by a clock move: not late
