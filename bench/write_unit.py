"""A short write unit of work (``/career tip``'s: pick an unseen tip, record it as seen),
timed one at a time and 20 at once, each call by another member.

    .venv/bin/python -m bench.write_unit [--calls 4000] [--database-url URL] [--on-thread]

On a fresh SQLite file, or the PostgreSQL database given (emptied first). On SQLite write
units are group-committed on the event loop; ``--on-thread`` sends every batch to the
database thread instead, as before, to compare. Prints the mean wall and CPU time per call
and writes bench/results/write-unit-<backend>-*.json.
"""

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.mentor_find import DATA, NOW, open_database
from bench.record import save
from bot.clock import ManualClock
from bot.content import load_content
from bot.db.group_commit import GroupCommit
from bot.services.careers.guidance import CareerService

GUILD = 1
WARM_UP = 200


async def timed(service: CareerService, calls: int, at_once: int, first: int) -> dict[str, Any]:
    gate = asyncio.Semaphore(at_once)

    async def one(member: int) -> None:
        async with gate:
            await service.next_tip(GUILD, member)

    cpu, started = time.process_time(), time.perf_counter()
    await asyncio.gather(*(one(first + n) for n in range(calls)))
    return {
        "at_once": at_once,
        "calls": calls,
        "wall_ms": round((time.perf_counter() - started) * 1000 / calls, 3),
        "cpu_ms": round((time.process_time() - cpu) * 1000 / calls, 3),
    }


async def main(calls: int, url: str | None) -> list[dict[str, Any]]:
    content = load_content(DATA)
    with tempfile.TemporaryDirectory() as folder:
        database = await open_database(url, Path(folder))
        try:
            service = CareerService(database, ManualClock(NOW), content)
            await timed(service, WARM_UP, 1, 10**6)
            rows = [await timed(service, calls, n, n * 10**7) for n in (1, 20)]
        finally:
            await database.close()
    return [{"backend": database.dialect, **row} for row in rows]


def cli() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=4000)
    parser.add_argument("--database-url", help="a PostgreSQL database to empty and use")
    parser.add_argument("--on-thread", action="store_true")
    options = parser.parse_args()
    if options.on_thread:
        GroupCommit._write_here = lambda _self, _units: None  # type: ignore[method-assign]
    rows = asyncio.run(main(options.calls, options.database_url))
    where = "on the database thread" if options.on_thread else "as the bot writes"
    for row in rows:
        print(
            f"{row['backend']}, {where}: {row['calls']} tip picks, {row['at_once']} at once: "
            f"{row['wall_ms']} ms wall, {row['cpu_ms']} ms CPU per call"
        )
    save(
        f"write-unit-{rows[0]['backend']}",
        [{**row, "on_thread": options.on_thread} for row in rows],
    )


if __name__ == "__main__":
    cli()
