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


async def test_stopping_lets_the_job_in_flight_finish_and_starts_no_other(
    clock: ManualClock,
) -> None:
    calls: list[str] = []
    started = asyncio.Event()

    async def sending(now: datetime) -> None:
        started.set()
        await asyncio.sleep(0.2)  # a send in flight when the stop comes
        calls.append("sent and recorded")

    async def next_job(now: datetime) -> None:
        calls.append("next job")

    scheduler = Scheduler(clock, interval=3600)
    scheduler.register("sending", sending)
    scheduler.register("next", next_job)
    scheduler.start()
    await asyncio.wait_for(started.wait(), 5)
    await scheduler.stop()
    assert calls == ["sent and recorded"]


async def test_a_job_overrunning_the_grace_period_is_cancelled(clock: ManualClock) -> None:
    started = asyncio.Event()
    cancelled = asyncio.Event()

    async def endless(now: datetime) -> None:
        started.set()
        try:
            await asyncio.sleep(3600)  # overruns any grace period
        finally:
            cancelled.set()

    scheduler = Scheduler(clock, interval=3600)
    scheduler.register("endless", endless)
    scheduler.start()
    await asyncio.wait_for(started.wait(), 5)
    await asyncio.wait_for(scheduler.stop(grace=0.1), 5)
    assert cancelled.is_set()


async def test_an_idle_scheduler_stops_at_once(clock: ManualClock) -> None:
    ran = asyncio.Event()

    async def job(now: datetime) -> None:
        ran.set()

    scheduler = Scheduler(clock, interval=3600)
    scheduler.register("job", job)
    scheduler.start()
    await asyncio.wait_for(ran.wait(), 5)
    await asyncio.wait_for(scheduler.stop(), 1)
