"""The sandbox's clock: the bot's time moves when the person says so (by steps down to a
second, or to a date), or runs on by itself; what became due then happens."""

import asyncio
import contextlib
import re
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from bot.tryit.commandline import InputError
from bot.tryit.demo import Sandbox

_STEP = re.compile(r"(\d+)([wdhms])")
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
TICK = 0.25
"""Real seconds between the moves of a running clock."""
FASTEST = 3600
"""A running clock goes at most an hour per second."""


class Timekeeper:
    """Moves the bot's clock and runs what is due; ``after_tick`` is awaited after each
    move of a running clock, to tell the person what the bot posted."""

    def __init__(self, sandbox: Sandbox, after_tick: Callable[[], Awaitable[None]]) -> None:
        self.sandbox = sandbox
        self._after_tick = after_tick
        self._running: asyncio.Task[None] | None = None
        self.speed = 0.0

    @property
    def running(self) -> bool:
        return self._running is not None and not self._running.done()

    async def when(self, text: str) -> datetime:
        """``+30s``, ``+1d12h`` (from now) or ``YYYY-MM-DD [HH:MM[:SS]]`` in the server's
        time zone."""
        now = self.sandbox.clock.now()
        if text.startswith("+"):
            steps = _STEP.findall(text[1:])
            if not steps or "".join(n + u for n, u in steps) != text[1:]:
                raise InputError("Move the clock by +30s, +5m, +3h, +1d, +2w (or +1d12h).")
            return now + sum(
                (timedelta(**{_UNITS[unit]: int(n)}) for n, unit in steps), timedelta()
            )
        zone = (await self.sandbox.bot.services.guild_settings.get(self.sandbox.demo.guild.id)).zone
        for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
            try:
                return datetime.strptime(text, pattern).replace(tzinfo=zone)
            except ValueError:
                continue
        raise InputError("Give a time like 2026-12-24 19:00 (the server's time zone) or +1d.")

    async def local(self, moment: datetime) -> str:
        settings = self.sandbox.bot.services.guild_settings
        config = await settings.get(self.sandbox.demo.guild.id)
        seconds = ":%S" if moment.second else ""
        local = moment.astimezone(config.zone).strftime(f"%a %Y-%m-%d %H:%M{seconds}")
        utc = "" if config.timezone == "UTC" else f" ({moment.strftime('%H:%M')} UTC)"
        return f"{local} {config.timezone}{utc}"

    async def move_to(self, target: datetime) -> None:
        clock = self.sandbox.clock
        if target < clock.now():
            raise InputError(
                f"The clock only moves forward; it is {await self.local(clock.now())}."
            )
        clock.set(target)
        await self.sandbox.bot.scheduler.run_due()

    def start(self, speed: float) -> None:
        """Let time run ``speed`` times as fast as real time, until ``stop``."""
        if not 0 < speed <= FASTEST:
            raise InputError(f"Run the clock at 1 to {FASTEST} times real time: clock run 60")
        self.speed = speed
        if not self.running:
            self._running = asyncio.create_task(self._run(), name="sandbox-clock")

    async def stop(self) -> None:
        if self._running is not None:
            self._running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._running
            self._running = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        last = loop.time()
        while True:
            await asyncio.sleep(TICK)
            now = loop.time()
            clock = self.sandbox.clock
            clock.set(clock.now() + timedelta(seconds=(now - last) * self.speed))
            last = now
            await self.sandbox.bot.scheduler.run_due()
            await self._after_tick()
