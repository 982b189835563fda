"""CPU work for pictures (charts), shared fairly between members.

Drawing runs in threads, off the event loop, but it holds the interpreter's lock most of
the time: one member asking for chart after chart would queue dozens of drawings and slow
everybody's. So at most ``workers`` drawings run at once, waiting ones go first come, first
served, and each member has at most one drawing waiting or running.
"""

import asyncio
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from bot.errors import DomainError

P = ParamSpec("P")
T = TypeVar("T")


class StillDrawing(DomainError):
    """The member's previous picture is not finished yet."""


class RenderPool:
    def __init__(self, workers: int = 2) -> None:
        self._slots = asyncio.Semaphore(workers)
        self._owners: set[int] = set()

    async def run(self, owner: int, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``work(*args, **kwargs)`` in a thread for ``owner`` (a member id), in turn."""
        if owner in self._owners:
            raise StillDrawing("Your last picture is still being drawn: try again in a moment.")
        self._owners.add(owner)
        try:
            async with self._slots:
                return await asyncio.to_thread(work, *args, **kwargs)
        finally:
            self._owners.discard(owner)
