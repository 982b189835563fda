"""Short units of work as the hot commands make them, timed one at a time and 20 at once,
each call by another member (members come back, as in a server, so histories grow):

- ``tip``: ``/career tip``'s write unit (pick an unseen tip, record it as seen);
- ``quiz``: a one-question round of ``/quiz skills`` and its answer (two write units);
- ``card``: ``/profile view``'s read unit.

    .venv/bin/python -m bench.units [--unit tip|quiz|card] [--calls 4000]
        [--database-url URL] [--on-thread]

The process sets its start-up objects aside from the garbage collector, as the bot does.
On a fresh SQLite file, or the PostgreSQL database given (emptied first). On SQLite write
units are group-committed on the event loop; ``--on-thread`` sends every batch to the
database thread instead, to compare. Prints the mean wall and CPU time per call and writes
bench/results/units-<unit>-<backend>-*.json.
"""

import argparse
import asyncio
import gc
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench.mentor_find import DATA, NOW, open_database
from bench.record import save
from bot.app import build_services
from bot.clock import ManualClock
from bot.content import load_content
from bot.db.group_commit import GroupCommit
from bot.services.quiz.rounds import RoundQuestion

GUILD = 1
WARM_UP = 200
MEMBERS = 500
"""Members taking turns: each comes back every 500 calls."""
Call = Callable[[int], Awaitable[object]]


async def timed(call: Call, calls: int, at_once: int) -> dict[str, Any]:
    gate = asyncio.Semaphore(at_once)

    async def one(n: int) -> None:
        async with gate:
            await call(100 + n % MEMBERS)

    cpu, started = time.process_time(), time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(calls)))
    return {
        "at_once": at_once,
        "calls": calls,
        "wall_ms": round((time.perf_counter() - started) * 1000 / calls, 3),
        "cpu_ms": round((time.process_time() - cpu) * 1000 / calls, 3),
    }


async def main(unit: str, calls: int, url: str | None) -> list[dict[str, Any]]:
    content = load_content(DATA)
    with tempfile.TemporaryDirectory() as folder:
        database = await open_database(url, Path(folder))
        services = build_services(database, ManualClock(NOW), content)
        solo = services.quiz.solo

        async def quiz(member: int) -> object:
            asked = await solo.start(GUILD, member, None, 1)
            assert isinstance(asked, RoundQuestion)  # the member's last round is finished
            return await solo.answer(GUILD, asked.round_id, 0, member, 0)

        chosen: Call = {
            "tip": lambda member: services.career.next_tip(GUILD, member),
            "quiz": quiz,
            "card": lambda member: services.profiles.card(GUILD, member, member),
        }[unit]
        try:
            await timed(chosen, WARM_UP, 1)
            gc.collect()
            gc.freeze()  # as the bot does once ready
            rows = [await timed(chosen, calls, n) for n in (1, 20)]
        finally:
            await database.close()
    return [{"backend": database.dialect, "unit": unit, **row} for row in rows]


def cli() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--unit", choices=("tip", "quiz", "card"), default="tip")
    parser.add_argument("--calls", type=int, default=4000)
    parser.add_argument("--database-url", help="a PostgreSQL database to empty and use")
    parser.add_argument("--on-thread", action="store_true")
    options = parser.parse_args()
    if options.on_thread:
        GroupCommit._write_here = lambda _self, _units: None  # type: ignore[method-assign]
    rows = asyncio.run(main(options.unit, options.calls, options.database_url))
    where = "on the database thread" if options.on_thread else "as the bot writes"
    for row in rows:
        print(
            f"{row['backend']}, {where}: {row['calls']} {row['unit']} calls, {row['at_once']} at "
            f"once: {row['wall_ms']} ms wall, {row['cpu_ms']} ms CPU per call"
        )
    save(
        f"units-{options.unit}-{rows[0]['backend']}",
        [{**row, "on_thread": options.on_thread} for row in rows],
    )


if __name__ == "__main__":
    cli()
