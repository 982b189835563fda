"""The read behind almost every interaction: a guild's settings version (``Database.peek``),
timed one call after another.

    .venv/bin/python -m bench.settings_read [--calls 3000] [--database-url URL]
        [--ping-every-checkout]

On a fresh SQLite file, or the PostgreSQL database given (emptied first). On PostgreSQL a
pooled connection is pinged only after idling; ``--ping-every-checkout`` pings it on every
checkout instead, as before, to compare. Prints the mean wall and CPU time per read and
writes bench/results/settings-read-<backend>-*.json.
"""

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.mentor_find import open_database
from bench.record import save
from bot.db import engine
from bot.services.core.guild_settings import GUILD_VERSION, ensure_guild_now

GUILD = 1
WARM_UP = 200


async def main(calls: int, url: str | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        database = await open_database(url, Path(folder))
        try:
            now = datetime.now(UTC)
            await database.run(lambda c: ensure_guild_now(c, GUILD, now), write=True)
            for _ in range(WARM_UP):
                await database.peek(GUILD_VERSION, guild_id=GUILD)
            cpu, started = time.process_time(), time.perf_counter()
            for _ in range(calls):
                await database.peek(GUILD_VERSION, guild_id=GUILD)
            wall = (time.perf_counter() - started) * 1000 / calls
            cpu = (time.process_time() - cpu) * 1000 / calls
        finally:
            await database.close()
    return {
        "backend": database.dialect,
        "ping_after_idle_seconds": engine.PING_AFTER_IDLE_SECONDS,
        "calls": calls,
        "wall_ms": round(wall, 3),
        "cpu_ms": round(cpu, 3),
    }


def cli() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--database-url", help="a PostgreSQL database to empty and use")
    parser.add_argument("--ping-every-checkout", action="store_true")
    options = parser.parse_args()
    if options.ping_every_checkout:
        engine.PING_AFTER_IDLE_SECONDS = 0.0
    result = asyncio.run(main(options.calls, options.database_url))
    print(
        f"{result['backend']}: settings version, {result['calls']} reads, pinged after "
        f"{result['ping_after_idle_seconds']} s idle: {result['wall_ms']} ms wall, "
        f"{result['cpu_ms']} ms CPU per read"
    )
    save(f"settings-read-{result['backend']}", [result])


if __name__ == "__main__":
    cli()
