"""The health server: ``/healthz`` for orchestrators, ``/metrics`` for Prometheus.

``/healthz`` answers 200 ``ready`` only when the gateway is connected, the database
answers a ``SELECT 1`` and the scheduler has ticked within three of its intervals;
otherwise 503 and one line per failed check. It is made once per process: after a crash
the bot restarts in the same process and the server reports on the new one.
"""

import asyncio
import logging
import time
from dataclasses import dataclass

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from bot.client import ProducerBot
from bot.db.engine import Database
from bot.ops.metrics import Metrics, gateway_connected

log = logging.getLogger(__name__)

DATABASE_TIMEOUT = 3.0
"""Seconds a ``SELECT 1`` may take before the database counts as not answering."""
TICKS_MISSED = 3
"""The scheduler is stuck when it has not ticked for this many intervals."""


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str

    def __str__(self) -> str:
        return f"{self.name}: {'ok' if self.ok else 'FAIL'} ({self.detail})"


async def database_answers(database: Database) -> Check:
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT), database.engine.connect() as link:
            await link.execute(text("SELECT 1"))
    except Exception as error:  # any driver error or a timeout means "not answering"
        return Check("database", False, f"{type(error).__name__}: {error}"[:200])
    return Check("database", True, database.dialect)


def scheduler_ticking(bot: ProducerBot) -> Check:
    scheduler = bot.scheduler
    if scheduler.last_tick is None:
        return Check("scheduler", False, "no tick yet")
    age, limit = time.monotonic() - scheduler.last_tick, TICKS_MISSED * scheduler.interval
    if age > limit:
        return Check("scheduler", False, f"last tick {age:.0f} s ago, limit {limit:.0f} s")
    return Check("scheduler", True, f"last tick {age:.0f} s ago")


async def readiness(bot: ProducerBot | None) -> list[Check]:
    """Every check, in the order they are reported."""
    if bot is None:
        return [Check("bot", False, "starting or restarting")]
    connected = gateway_connected(bot)
    gateway = Check("gateway", connected, "connected" if connected else "not connected")
    return [gateway, await database_answers(bot.database), scheduler_ticking(bot)]


class HealthServer:
    """Serves ``/healthz`` and ``/metrics`` on ``host``:``port`` while it is open."""

    def __init__(self, metrics: Metrics, host: str, port: int) -> None:
        self.metrics = metrics
        self._host, self._port = host, port
        self.bot: ProducerBot | None = None
        """The bot reported on; None while it starts or restarts."""
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)

    @property
    def port(self) -> int:
        """The port listened on (the one chosen by the system when asked for 0)."""
        for address in self._runner.addresses:
            return int(address[1])
        return self._port

    def watch(self, bot: ProducerBot | None) -> None:
        self.bot = bot
        if bot is None:
            self.metrics.detach()
        else:
            self.metrics.attach(bot)

    async def start(self) -> None:
        """Listen; ``OSError`` when the port is taken or the address is not this host's."""
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, self._host, self._port).start()
        except OSError:
            await self._runner.cleanup()
            raise
        log.info("health server on http://%s:%d (/healthz, /metrics)", self._host, self.port)

    async def stop(self) -> None:
        await self._runner.cleanup()

    async def _healthz(self, request: web.Request) -> web.Response:
        checks = await readiness(self.bot)
        if all(check.ok for check in checks):
            return web.Response(text="ready\n" + "".join(f"{c}\n" for c in checks))
        failed = [check for check in checks if not check.ok]
        body = "not ready\n" + "".join(f"{check}\n" for check in failed)
        return web.Response(status=503, text=body)

    async def _metrics(self, request: web.Request) -> web.Response:
        body = generate_latest(self.metrics.registry)  # reads the bot: on its loop
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
