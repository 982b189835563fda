"""/healthz and /metrics of the running bot, against the loopback Discord."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from bot.ops.metrics import Metrics
from bot.ops.server import HealthServer, database_answers
from loopback.server import LoopbackDiscord
from tests.e2e.helpers import Server, eventually, start_bot, stop_bot


@pytest.fixture
async def health() -> AsyncIterator[HealthServer]:
    server = HealthServer(Metrics(), "127.0.0.1", 0)
    await server.start()
    yield server
    await server.stop()


async def get(server: HealthServer, path: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{server.port}{path}") as answer,
    ):
        return answer.status, await answer.text()


def sample(metrics: str, name: str, **labels: str) -> float:
    """The value of one series in the Prometheus text ``metrics`` (0 when absent)."""
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    series = f"{name}{{{wanted}}}" if labels else name
    for line in metrics.splitlines():
        if line.startswith(series + " "):
            return float(line.split()[-1])
    return 0.0


async def test_ready_only_with_a_bot_and_metrics_count_its_interactions(
    discord: LoopbackDiscord,
    server: Server,
    database: Database,
    clock: ManualClock,
    content: Content,
    health: HealthServer,
) -> None:
    status, text = await get(health, "/healthz")
    assert status == 503 and "bot: FAIL (starting or restarting)" in text

    bot, task = await start_bot(
        discord,
        database,
        clock,
        content,
        extra_extensions=("tests.e2e.faulty",),
        http_trace=health.metrics.trace,
    )
    health.watch(bot)
    try:
        await eventually(lambda: bot.scheduler.last_tick is not None, "the first tick")
        status, text = await get(health, "/healthz")
        assert status == 200, text
        assert text.startswith("ready\n")
        assert "gateway: ok" in text and "database: ok" in text and "scheduler: ok" in text

        await discord.slash("help", member=server.alice)
        await discord.slash("explode", member=server.alice)
        status, metrics = await get(health, "/metrics")
        assert status == 200
        assert sample(metrics, "producer_interactions_total", command="help", outcome="ok") == 1
        assert (
            sample(metrics, "producer_interactions_total", command="explode", outcome="error") == 1
        )
        assert sample(metrics, "producer_interactions_received_total", kind="command") == 2
        assert sample(metrics, "producer_interaction_seconds_count", kind="command", outcome="ok")
        assert (
            sample(metrics, "producer_discord_requests_total", method="POST", status="204")
            + (sample(metrics, "producer_discord_requests_total", method="POST", status="200"))
            >= 2
        ), metrics
        assert sample(metrics, "producer_gateway_connected") == 1
        assert "producer_gateway_latency_seconds" in metrics
        assert sample(metrics, "producer_scheduled_job_runs_total", job="core:forget-left-guilds")
        assert sample(metrics, "producer_resident_memory_bytes") > 10 * 2**20
    finally:
        await stop_bot(bot, task)

    status, text = await get(health, "/healthz")
    assert status == 503
    assert "gateway: FAIL (not connected)" in text


async def test_a_stuck_scheduled_job_makes_the_bot_not_ready_until_it_ends(
    discord: LoopbackDiscord,
    server: Server,
    database: Database,
    clock: ManualClock,
    content: Content,
    health: HealthServer,
) -> None:
    bot, task = await start_bot(discord, database, clock, content, scheduler_interval=0.2)
    health.watch(bot)
    release = asyncio.Event()

    async def stuck(now: object) -> None:
        await release.wait()

    try:
        await eventually(lambda: bot.scheduler.last_tick is not None, "the first tick")
        bot.scheduler.register("test:stuck", stuck)
        await asyncio.sleep(1.0)  # more than three intervals without a tick's end
        status, text = await get(health, "/healthz")
        assert status == 503, text
        assert "scheduler: FAIL (last tick" in text and "gateway" not in text

        release.set()

        async def ready() -> bool:
            return (await get(health, "/healthz"))[0] == 200

        for _ in range(50):
            if await ready():
                break
            await asyncio.sleep(0.1)
        assert await ready()
    finally:
        release.set()
        await stop_bot(bot, task)


async def test_a_database_that_does_not_answer_fails_its_check(tmp_path: Path) -> None:
    unreachable = Database.from_url(f"sqlite+aiosqlite:///{tmp_path}")  # a folder, not a file
    try:
        check = await database_answers(unreachable)
    finally:
        await unreachable.close()
    assert not check.ok
    assert str(check).startswith("database: FAIL (")
