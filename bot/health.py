"""How the process is doing, logged every interval: event-loop lag (how late a timer that
should fire every 50 ms actually fires) and resident memory. A lag of hundreds of
milliseconds means something blocks the loop and interactions wait."""

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

TICK = 0.05
STATM = Path("/proc/self/statm")


def resident_mb() -> float | None:
    """Resident memory of this process in MB (Linux; None elsewhere)."""
    try:
        pages = int(STATM.read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return pages * 4096 / 2**20


@dataclass(frozen=True, slots=True)
class LoopLag:
    """Event-loop lag over the latest interval, in milliseconds."""

    p99: float
    max: float


class HealthMonitor:
    def __init__(self, interval: float = 60.0) -> None:
        self._interval = interval
        self._task: asyncio.Task[None] | None = None
        self.latest: LoopLag | None = None
        """The latest interval's loop lag (None until one has passed), for the metrics."""

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="health")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        lags: list[float] = []
        window_end = time.monotonic() + self._interval
        while True:
            expected = time.monotonic() + TICK
            await asyncio.sleep(TICK)
            lags.append(max(0.0, time.monotonic() - expected) * 1000)
            if time.monotonic() >= window_end:
                lags.sort()
                memory = resident_mb()
                self.latest = LoopLag(p99=lags[int(0.99 * (len(lags) - 1))], max=lags[-1])
                log.info(
                    "health: loop lag p99=%.1f ms max=%.1f ms rss=%s MB",
                    self.latest.p99,
                    self.latest.max,
                    "?" if memory is None else f"{memory:.1f}",
                )
                lags.clear()
                window_end = time.monotonic() + self._interval
