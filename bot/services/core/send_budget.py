"""One budget of requests per second for scheduled fan-out (daily posts to many guilds),
shared by every process of the bot through the database, so that together they stay under
Discord's global rate limit however many processes run."""

import asyncio
import time
from collections.abc import Awaitable, Callable

from sqlalchemy.exc import IntegrityError

from bot.db.engine import Database
from bot.models.core import SendBudget

FANOUT_RATE = 44.0
"""Requests per second for scheduled sends, all processes together: below Discord's 50,
leaving room for the bot's other requests (interaction replies are not counted by Discord)."""


class SendThrottle:
    """Each caller reserves the next free slot (``cost`` requests long) in one row and sleeps
    until it comes: spacing is exact and nobody waits on a lock while sleeping."""

    def __init__(
        self,
        database: Database,
        rate: float = FANOUT_RATE,
        *,
        name: str = "fanout",
        wall: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("the rate must be positive")
        self._database, self._interval, self._name = database, 1.0 / rate, name
        self._wall, self._sleep = wall, sleep
        self._turn = asyncio.Lock()
        self._free_at = 0.0

    async def reserve(self, cost: int = 1) -> float:
        """Book ``cost`` requests; returns how many seconds to wait before sending."""
        now = self._wall()
        async with self._database.write() as session:
            row = await session.get(SendBudget, self._name, with_for_update=True)
            if row is None:
                try:
                    async with session.begin_nested():
                        session.add(
                            SendBudget(name=self._name, next_at=now + cost * self._interval)
                        )
                    return 0.0
                except IntegrityError:  # another process made the row first
                    row = await session.get(
                        SendBudget, self._name, with_for_update=True, populate_existing=True
                    )
                    assert row is not None
            slot = max(row.next_at, now)
            row.next_at = slot + cost * self._interval
            return slot - now

    async def wait(self, cost: int = 1) -> None:
        """Return when ``cost`` more requests may go out: at the slot booked, and never
        sooner after this process's previous send than the budget's spacing, so senders
        that wake late together (a busy event loop) go out one by one, not in a burst."""
        delay = await self.reserve(cost)
        at = self._wall() + delay  # measured after booking: never before the slot
        async with self._turn:
            at = max(at, self._free_at)
            delay = at - self._wall()
            if delay > 0:
                await self._sleep(delay)
            self._free_at = max(at, self._wall()) + cost * self._interval
