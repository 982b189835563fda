"""The shared send budget: two processes (two engines on one database) reserving at once
get distinct, evenly spaced slots, so together they keep the rate."""

import asyncio
import itertools
import time

import pytest

from bot.db.engine import Database
from bot.services.core.send_budget import SendThrottle

RATE = 40.0


class Wall:
    """A wall clock that stands still unless moved: the slots alone decide the waits."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_two_processes_share_one_budget(any_database: Database) -> None:
    wall = Wall()
    other_process = Database.from_url(any_database.engine.url.render_as_string(False))
    try:
        throttles = [
            SendThrottle(database, RATE, wall=wall) for database in (any_database, other_process)
        ]
        delays = await asyncio.gather(*(throttles[n % 2].reserve() for n in range(60)))
    finally:
        await other_process.close()
    slots = sorted(round(delay * RATE, 3) for delay in delays)  # Unix seconds: µs precision
    assert slots == list(range(60)), "two sends were given the same slot, or a slot was skipped"


async def test_a_send_costing_several_requests_books_that_many_slots(
    any_database: Database,
) -> None:
    wall = Wall()
    throttle = SendThrottle(any_database, RATE, wall=wall)
    assert await throttle.reserve(3) == 0.0
    assert await throttle.reserve() == pytest.approx(3 / RATE, abs=1e-6)
    wall.now += 10  # idle for a while: no debt carried over, and no burst saved up
    assert await throttle.reserve() == 0.0
    assert await throttle.reserve() == pytest.approx(1 / RATE, abs=1e-6)


async def test_wait_sleeps_until_the_slot(any_database: Database) -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    throttle = SendThrottle(any_database, RATE, wall=Wall(), sleep=sleep)
    for _ in range(3):
        await throttle.wait()
    assert slept == pytest.approx([1 / RATE, 2 / RATE], abs=1e-6)


class CountingThrottle(SendThrottle):
    """Tells when ``expected`` slots have been booked."""

    expected = 5
    reserved = 0
    all_booked: asyncio.Event

    async def reserve(self, cost: int = 1) -> float:
        delay = await super().reserve(cost)
        self.reserved += 1
        if self.reserved == self.expected:
            self.all_booked.set()
        return delay


async def test_senders_that_wake_late_together_leave_one_by_one(any_database: Database) -> None:
    """The event loop is busy past five senders' slots (real time): they go out spaced by
    the budget, not in a burst."""
    throttle = CountingThrottle(any_database, RATE)
    released: list[float] = []

    async def send() -> None:
        await throttle.wait()
        released.append(time.monotonic())

    throttle.all_booked = asyncio.Event()
    senders = [asyncio.create_task(send()) for _ in range(throttle.expected)]
    await asyncio.wait_for(throttle.all_booked.wait(), 10)
    time.sleep(0.4)  # noqa: ASYNC251  (the point: a stall, every booked slot passes)
    await asyncio.gather(*senders)
    gaps = [later - earlier for earlier, later in itertools.pairwise(released)]
    assert min(gaps) >= 0.9 / RATE, gaps
