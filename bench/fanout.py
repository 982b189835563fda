"""Scheduling fan-out: many guilds whose daily challenge falls in the same minute, posted
by the real bot through the loopback Discord, which enforces Discord's global rate limit
(50 requests a second) and answers 429 beyond it.

    .venv/bin/python -m bench.fanout [--guilds 5000] [--rate 42]

Each post is two requests (the message and its discussion thread), so the floor is
2 x guilds / 50 seconds. Prints the time until every guild has its post, the ratio to that
floor and the number of 429s, and writes bench/results/fanout-<time>.json.
"""

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.record import save
from bot.app import assemble
from bot.client import ProducerBot, use_api_base
from bot.clock import ManualClock
from bot.content import load_content
from bot.db.engine import Database
from bot.db.migrate import upgrade_to_head
from bot.services.challenges.settings import ChallengeSettingsService
from bot.services.core.send_budget import FANOUT_RATE
from loopback.server import LoopbackDiscord

DATA = Path(__file__).resolve().parent.parent / "data"
DISCORD_GLOBAL_LIMIT = 50
REQUESTS_PER_POST = 2


async def fan_out(guild_count: int, rate: float, folder: Path) -> dict[str, Any]:
    discord = LoopbackDiscord()
    await discord.start()
    discord.global_rate_limit = DISCORD_GLOBAL_LIMIT
    database = Database.from_url(f"sqlite+aiosqlite:///{folder / 'fanout.sqlite3'}")
    await upgrade_to_head(database)
    clock = ManualClock(datetime(2026, 11, 23, 8, 0, tzinfo=UTC))
    settings = ChallengeSettingsService(database, clock)
    channels = []
    for number in range(guild_count):
        guild = discord.add_guild(f"Studio {number}")
        channels.append(discord.add_channel(guild, "challenges"))
        await settings.setup(guild.id, channels[-1].id, "09:00", "UTC")
    use_api_base(discord.base_url)
    bot = ProducerBot(
        assemble(database, clock, load_content(DATA), fanout_rate=rate),
        api_base=discord.base_url,
    )
    runner = asyncio.create_task(bot.start(discord.token))
    try:
        await asyncio.wait_for(bot.wait_until_ready(), 600)
        start = time.monotonic()
        clock.set(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
        waiting = {channel.id for channel in channels}
        while waiting:
            await asyncio.sleep(0.25)
            waiting -= {m.channel_id for m in discord.messages.values() if m.channel_id in waiting}
        elapsed = time.monotonic() - start
    finally:
        await bot.close()
        runner.cancel()
        await database.close()
        await discord.stop()
    floor = guild_count * REQUESTS_PER_POST / DISCORD_GLOBAL_LIMIT
    return {
        "guilds": guild_count,
        "rate": rate,
        "seconds": round(elapsed, 1),
        "floor_seconds": round(floor, 1),
        "ratio_to_floor": round(elapsed / floor, 3),
        "rate_limited": sum(r.status == 429 for r in discord.requests),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--guilds", type=int, default=5000)
    parser.add_argument("--rate", type=float, default=FANOUT_RATE, help="FANOUT_RATE")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        row = asyncio.run(fan_out(options.guilds, options.rate, Path(folder)))
    print(f"{'guilds':>8} {'rate/s':>7} {'seconds':>8} {'floor s':>8} {'ratio':>6} {'429s':>5}")
    print(
        f"{row['guilds']:>8} {row['rate']:>7g} {row['seconds']:>8} {row['floor_seconds']:>8} "
        f"{row['ratio_to_floor']:>6} {row['rate_limited']:>5}"
    )
    save("fanout", [row])


if __name__ == "__main__":
    main()
