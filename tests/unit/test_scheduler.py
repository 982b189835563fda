import asyncio
from datetime import datetime, timedelta

import pytest

from bot.clock import ManualClock
from bot.scheduler import Scheduler


async def test_jobs_run_when_the_manual_clock_moves(clock: ManualClock) -> None:
    seen: list[datetime] = []
    ran = asyncio.Event()

    async def job(now: datetime) -> None:
        seen.append(now)
        ran.set()

    scheduler = Scheduler(clock, interval=3600)
    scheduler.register("collect", job)
    scheduler.start()
    try:
        await asyncio.wait_for(ran.wait(), 5)
        ran.clear()
        clock.advance(timedelta(days=1))
        await asyncio.wait_for(ran.wait(), 5)
    finally:
        await scheduler.stop()
    assert seen[-1] - seen[0] == timedelta(days=1)


async def test_a_failing_job_does_not_stop_the_others(clock: ManualClock) -> None:
    calls: list[str] = []

    async def broken(now: datetime) -> None:
        calls.append("broken")
        raise RuntimeError("disk full")

    async def healthy(now: datetime) -> None:
        calls.append("healthy")

    scheduler = Scheduler(clock)
    scheduler.register("broken", broken)
    scheduler.register("healthy", healthy)
    await scheduler.run_due()
    assert calls == ["broken", "healthy"]


async def test_job_names_are_unique(clock: ManualClock) -> None:
    async def job(now: datetime) -> None:
        return None

    scheduler = Scheduler(clock)
    scheduler.register("tips", job)
    with pytest.raises(ValueError, match="already registered"):
        scheduler.register("tips", job)
