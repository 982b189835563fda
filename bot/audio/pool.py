"""Audio work in worker processes, off the event loop and off the bot's interpreter lock:
decoding, measuring and encoding hold a core for a second or more per track, and threads
would stall every other member's command. At most ``workers`` tracks are worked on at
once, at most ``waiting`` more wait their turn (beyond that the member is asked to try
again shortly), and each member has one track in the works at a time."""

import asyncio
import contextlib
import importlib
import multiprocessing
import signal
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.pool import Pool
from pathlib import Path
from typing import TypeVar

from bot.audio.summary import ListeningCopy, Report
from bot.errors import DomainError

T = TypeVar("T")
TASKS_PER_WORKER = 50
"""A worker is replaced after this many tracks, returning whatever memory it grew to."""
WORK_TIMEOUT = 300.0
"""Seconds a track may take in a worker before the member is told to try again."""


class AudioBusy(DomainError):
    """Too many tracks are waiting, or the member's previous one is not done."""


@dataclass(frozen=True, slots=True)
class Analysis:
    report: Report
    picture: bytes
    copy: ListeningCopy | None


def analyse(path: Path, name: str, max_bytes: int, copy_limit: int | None = None) -> Analysis:
    """The report and picture of the track in ``path``, and its listening copy if
    ``copy_limit`` (the most bytes the copy may take) is given. Runs in a worker process,
    which alone loads the numerical libraries."""
    from bot.audio.listening import listening_copy
    from bot.audio.picture import picture
    from bot.audio.report import measure

    measured = measure(path, name, max_bytes)
    title = f"{name[:40]} · {measured.report.integrated:.1f} LUFS"
    copy = listening_copy(path, name, measured.report, copy_limit) if copy_limit else None
    return Analysis(measured.report, picture(measured.sketch, title), copy)


class AudioPool:
    def __init__(self, workers: int = 1, waiting: int = 20) -> None:
        self._workers = workers
        self._slots = asyncio.Semaphore(workers)
        self._room = workers + waiting
        self._owners: set[int] = set()
        self._processes: Pool | None = None

    def _pool(self) -> Pool:
        if self._processes is None:
            self._processes = multiprocessing.get_context("spawn").Pool(
                self._workers, _ignore_interrupts, maxtasksperchild=TASKS_PER_WORKER
            )
        return self._processes

    async def analyse(
        self, owner: int, data: bytes, name: str, max_bytes: int, copy_limit: int | None = None
    ) -> Analysis:
        """``analyse`` for ``owner``'s track (a member id) in a worker process. The member is
        admitted first, then the worker reads the track from a private temporary file,
        removed afterwards, rather than getting a copy of the bytes through its pipe: a
        40 MB WAV would otherwise be held twice over in the worker."""
        with self._admitted(owner), tempfile.TemporaryDirectory(prefix="track-") as folder:
            path = Path(folder) / "track"
            await asyncio.to_thread(path.write_bytes, data)
            async with self._slots:
                loop = asyncio.get_running_loop()
                done: asyncio.Future[Analysis] = loop.create_future()
                self._pool().apply_async(
                    analyse,
                    (path, name, max_bytes, copy_limit),
                    callback=lambda result: loop.call_soon_threadsafe(_settle, done, result),
                    error_callback=lambda error: loop.call_soon_threadsafe(_fail, done, error),
                )
                try:
                    return await asyncio.wait_for(done, WORK_TIMEOUT)
                except TimeoutError:  # the worker died (its task is lost) or hung
                    raise AudioBusy(
                        "That track took too long to analyse: try again, or try a shorter file."
                    ) from None

    @contextlib.contextmanager
    def _admitted(self, owner: int) -> Iterator[None]:
        """One track per member, and at most ``workers + waiting`` in all."""
        if owner in self._owners:
            raise AudioBusy("Your last track is still being analysed: try again in a moment.")
        if len(self._owners) >= self._room:
            raise AudioBusy("Many tracks are being analysed right now: try again in a minute.")
        self._owners.add(owner)
        try:
            yield
        finally:
            self._owners.discard(owner)

    def warm(self) -> None:
        """Start the worker and load its libraries now, so the first track does not wait
        for them (several seconds)."""
        self._pool().apply_async(_warm)

    def close(self) -> None:
        """Stop the workers at once (a track in the works is dropped with them)."""
        if self._processes is not None:
            self._processes.terminate()
            self._processes = None


def _ignore_interrupts() -> None:
    """Ctrl-C in a terminal reaches the whole process group: the bot decides when workers
    stop (``close``), not the key press."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _settle(done: "asyncio.Future[T]", result: T) -> None:
    if not done.done():
        done.set_result(result)


def _fail(done: "asyncio.Future[T]", error: BaseException) -> None:
    if not done.done():
        done.set_exception(error)


def _warm() -> None:
    for module in ("bot.audio.listening", "bot.audio.picture", "matplotlib.figure"):
        importlib.import_module(module)
