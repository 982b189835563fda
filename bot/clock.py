"""The bot's one source of "now". Everything time-dependent asks a ``Clock``."""

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...

    def span(self, wall: timedelta) -> timedelta:
        """How much time passes on this clock during ``wall`` of real time: a claim's
        lease is as long as sending really takes, however fast the clock runs."""
        ...


class SystemClock:
    """Wall-clock time."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def span(self, wall: timedelta) -> timedelta:
        return wall


class ScaledClock:
    """Time-lapse for rehearsals: ``start`` at the wall-clock instant ``anchor`` (Unix
    seconds), then ``speed`` times faster than real time. Processes given the same three
    values agree on the time, so a week of schedules can run on several of them in a
    minute."""

    def __init__(self, start: datetime, speed: float, anchor: float) -> None:
        if start.tzinfo is None:
            raise ValueError("ScaledClock needs a timezone-aware start time")
        self._start, self._speed, self._anchor = start.astimezone(UTC), speed, anchor

    def now(self) -> datetime:
        return self._start + timedelta(seconds=(time.time() - self._anchor) * self._speed)

    def span(self, wall: timedelta) -> timedelta:
        return wall * self._speed


class ManualClock:
    """A clock that only moves when told to: for tests and the try-it sandbox.

    Listeners are called after every move, so the scheduler can run what became due.
    """

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start time")
        self._now = start.astimezone(UTC)
        self._listeners: list[Callable[[], None]] = []

    def now(self) -> datetime:
        return self._now

    def span(self, wall: timedelta) -> timedelta:
        return wall  # it moves only when told: tests advance it past a lease themselves

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("ManualClock.set needs a timezone-aware time")
        self._now = when.astimezone(UTC)
        for listener in self._listeners:
            listener()

    def advance(self, delta: timedelta) -> None:
        self.set(self._now + delta)

    def on_change(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)
