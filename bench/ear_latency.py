"""Latency of ear-training rounds in the real bot process, driven through the loopback
Discord: members start `/quiz skills topic:ear-training`, one alone and then many at once.

    .venv/bin/python -m bench.ear_latency [--rounds 60] [--concurrency 20]

"first response" runs from the moment the loopback dispatches the command to the bot's
first answer to it (what Discord's 3-second deadline is about); "question" runs until the
first question, with its audio, has reached the member. Each member starts one round.
Prints a table and writes bench/results/ear-latency-<time>.json.
"""

import argparse
import asyncio
import statistics
import sys
import time
from typing import Any

from bench.latency import open_lab, start_process, stop_process
from bench.record import save
from loopback.server import LoopbackDiscord
from loopback.world import Member


def percentiles(name: str, values: list[float]) -> dict[str, Any]:
    ordered = sorted(values)
    return {
        "measure": name,
        "p50_ms": round(statistics.median(ordered), 1),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))], 1),
        "max_ms": round(ordered[-1], 1),
    }


async def start_rounds(
    discord: LoopbackDiscord, members: list[Member], level: int
) -> list[dict[str, Any]]:
    """Every member of ``members`` starts a round, ``level`` at a time."""
    gate = asyncio.Semaphore(level)
    first: list[float] = []
    question: list[float] = []
    sizes: list[int] = []

    async def one(member: Member) -> None:
        async with gate:
            started = time.perf_counter()
            reply = await discord.slash(
                "quiz skills", member=member, topic="ear-training", length=5
            )
            question.append((time.perf_counter() - started) * 1000)
            record = reply.record
            assert record.answered_at is not None
            first.append((record.answered_at - record.sent_at) * 1000)
            [audio] = reply.message.attachments
            sizes.append(len(audio.data))

    started = time.perf_counter()
    await asyncio.gather(*(one(member) for member in members))
    seconds = time.perf_counter() - started
    return [
        {
            "concurrency": level,
            "count": len(values),
            "rounds_per_second": round(len(values) / seconds, 1),
            "audio_kb_median": round(statistics.median(sizes) / 1024, 1),
            **percentiles(name, values),
        }
        for name, values in (("first response", first), ("question", question))
    ]


async def main(rounds: int, concurrency: int) -> list[dict[str, Any]]:
    lab = await open_lab(member_count=2 * rounds, LOG_LEVEL="WARNING")
    process = await start_process(
        ["-m", "bot", "run", "--migrate"], lab.env, lab.discord, lab.workdir / "bot.log"
    )
    rows: list[dict[str, Any]] = []
    try:
        for row, level in enumerate((1, concurrency)):
            members = lab.members[row * rounds : (row + 1) * rounds]
            rows += await start_rounds(lab.discord, members, level)
            print(f"concurrency {level}: done", file=sys.stderr)
    finally:
        await stop_process(process)
        await lab.discord.stop()
    return rows


def report(rows: list[dict[str, Any]]) -> None:
    print(f"{'measure':16} {'conc':>4} {'p50':>8} {'p99':>8} {'max':>8} {'per s':>6} {'KB':>6}")
    for row in rows:
        print(
            f"{row['measure']:16} {row['concurrency']:>4} {row['p50_ms']:>8} {row['p99_ms']:>8} "
            f"{row['max_ms']:>8} {row['rounds_per_second']:>6} {row['audio_kb_median']:>6}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--concurrency", type=int, default=20)
    options = parser.parse_args()
    results = asyncio.run(main(options.rounds, options.concurrency))
    report(results)
    save("ear-latency", results)
