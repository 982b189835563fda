"""A soak: the real bot process under a steady mixed load for a while (10 minutes by
default), through the loopback Discord.

    .venv/bin/python -m bench.soak [--minutes 10] [--per-second 20]

Fires the latency benchmark's mix of interactions at a steady rate and reports: the
slowest acknowledgement (target: none later than 2.5 s), the bot's event-loop lag p99 and
its resident memory over time (from its health lines; targets: lag p99 under
50 ms, memory flat). Writes bench/results/soak-<time>.json.
"""

import argparse
import asyncio
import itertools
import re
import statistics
import time
from typing import Any

from bench.latency import Stage, open_lab, scenarios, start_process, stop_process
from bench.record import save

HEALTH = re.compile(r"health: loop lag p99=([\d.]+) ms max=([\d.]+) ms rss=([\d.]+) MB")
ACK_TARGET_MS = 2500


async def soak(minutes: float, per_second: float) -> dict[str, Any]:
    # About ten health lines over the run.
    lab = await open_lab(LOG_LEVEL="INFO", HEALTH_INTERVAL=str(max(5.0, min(60.0, minutes * 6))))
    discord, guild, members, log = lab.discord, lab.guild, lab.members, lab.workdir / "bot.log"
    process = await start_process(["-m", "bot", "run", "--migrate"], lab.env, discord, log)
    latencies: list[float] = []
    failures = 0
    try:
        stage = Stage(discord, lab.moderator, members)
        await stage.open_challenge(discord.add_channel(guild, "challenges"))
        mix = itertools.cycle(scenarios(stage).values())
        people = itertools.cycle(members)
        pending: set[asyncio.Task[None]] = set()

        async def one() -> None:
            nonlocal failures
            try:
                reply = await next(mix)(next(people))
            except AssertionError:
                failures += 1
                return
            if reply.record.answered_at is not None:
                latencies.append((reply.record.answered_at - reply.record.sent_at) * 1000)

        end = time.monotonic() + minutes * 60
        while time.monotonic() < end:
            task = asyncio.create_task(one())
            pending.add(task)
            task.add_done_callback(pending.discard)
            discord.requests.clear()  # the loopback's own record would grow without end
            await asyncio.sleep(1 / per_second)
        await asyncio.gather(*pending)
    finally:
        await stop_process(process)
        await discord.stop()
    health = [tuple(map(float, found)) for found in HEALTH.findall(log.read_text())]
    ordered = sorted(latencies)
    return {
        "minutes": minutes,
        "per_second": per_second,
        "interactions": len(latencies),
        "failed": failures,
        "ack_p50_ms": round(statistics.median(ordered), 1),
        "ack_p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))], 1),
        "ack_max_ms": round(ordered[-1], 1),
        "late_acks": sum(latency > ACK_TARGET_MS for latency in ordered),
        "loop_lag_p99_ms_by_interval": [lag for lag, _, _ in health],
        "rss_mb_by_interval": [rss for _, _, rss in health],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--per-second", type=float, default=20)
    options = parser.parse_args()
    row = asyncio.run(soak(options.minutes, options.per_second))
    for key, value in row.items():
        print(f"{key:28} {value}")
    save("soak", [row])


if __name__ == "__main__":
    main()
