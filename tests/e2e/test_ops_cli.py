"""The command line run as a service: version, health server and JSON logs of a running
process, configuration mistakes in one line."""

import asyncio
import json
import re
import socket
import tomllib
from pathlib import Path

import aiohttp
import pytest

from loopback.server import LoopbackDiscord
from tests.e2e.helpers import REPO, cli, start_run


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def fetch(port: int, path: str) -> tuple[int, str]:
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{port}{path}") as answer,
        ):
            return answer.status, await answer.text()
    except aiohttp.ClientConnectionError:
        return 0, ""


async def test_version_is_the_package_version(tmp_path: Path) -> None:
    declared = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    code, out, _ = await cli(tmp_path, "--version")
    assert code == 0
    assert out.strip() == f"producer-bot {declared}"


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("HEALTH_PORT", "eighty", "HEALTH_PORT: 'eighty' is not a port"),
        ("HEALTH_PORT", "70000", "HEALTH_PORT: '70000' is not a port"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT: unknown log format 'xml'; use text or json"),
    ],
)
async def test_a_setting_mistake_ends_in_one_line(
    tmp_path: Path, variable: str, value: str, says: str
) -> None:
    code, out, err = await cli(tmp_path, "run", DISCORD_TOKEN="token", **{variable: value})
    assert code == 1 and out == ""
    assert err.strip().count("\n") == 0, err
    assert err.startswith("Invalid configuration: ") and says in err, err


async def test_a_health_port_in_use_ends_run_in_one_line(tmp_path: Path) -> None:
    assert (await cli(tmp_path, "migrate"))[0] == 0
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, err = await cli(tmp_path, "run", DISCORD_TOKEN="token", HEALTH_PORT=str(port))
    assert code == 1
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"HEALTH_PORT {port} on 127.0.0.1 cannot be used"), err
    assert "Traceback" not in err


@pytest.mark.slow
async def test_the_running_bot_serves_health_and_metrics_and_logs_json(tmp_path: Path) -> None:
    discord = LoopbackDiscord()
    await discord.start()
    guild = discord.add_guild("Beat Lab")
    alice = discord.add_member(guild, "alice")
    env = {"DISCORD_TOKEN": discord.token, "DISCORD_API_BASE": discord.base_url}
    port = free_port()
    process = None
    try:
        assert (await cli(tmp_path, "migrate"))[0] == 0
        assert (await cli(tmp_path, "sync", **env))[0] == 0
        process = await start_run(
            tmp_path, discord, HEALTH_PORT=str(port), LOG_FORMAT="json", SCHEDULER_INTERVAL="5"
        )

        async def ready() -> bool:
            return (await fetch(port, "/healthz"))[0] == 200

        for _ in range(100):
            if await ready():
                break
            await asyncio.sleep(0.1)
        status, text = await fetch(port, "/healthz")
        assert status == 200 and text.startswith("ready"), text

        await discord.slash("help", member=alice)
        status, metrics = await fetch(port, "/metrics")
        assert status == 200
        assert "producer_gateway_connected 1.0" in metrics
        assert "producer_scheduler_lag_seconds" in metrics
        assert 'producer_interactions_total{command="help",outcome="ok"} 1.0' in metrics
    finally:
        if process is not None:
            process.terminate()
            await process.wait()
        await discord.stop()
    lines = (tmp_path / "run.log").read_text().splitlines()
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    messages = [r["message"] for r in records]
    assert re.match(r"producer-bot \d+\.\d+\.\d+\S* starting", messages[0]), messages[0]
    assert not any("voice will NOT be supported" in m for m in messages)
    assert re.match(r"producer-bot \S+ stopped \(SIGTERM\) after ", messages[-1]), messages[-1]
