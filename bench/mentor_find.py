"""`/mentor find` in a guild of 10,200 members and 510 mentors: the service call the command
makes, timed one call at a time, each by a different member.

    .venv/bin/python -m bench.mentor_find [--calls 300] [--database-url URL]

The schema comes from the migrations, on a fresh SQLite file (or the PostgreSQL database
given: emptied, filled, then analysed); profiles, skill maps and offers are inserted in
bulk. Prints p50 / p95 / max wall time and this process's CPU time per call (on SQLite that
includes the database's own work), and writes bench/results/mentor-find-<backend>-*.json.
"""

import argparse
import asyncio
import gc
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

import bot.models  # noqa: F401  (registers every table)
from bench.record import save
from bot.clock import ManualClock
from bot.content import load_content
from bot.db.base import Base
from bot.db.engine import Database
from bot.db.migrate import upgrade_to_head
from bot.models.careers import SkillProgress
from bot.models.community import MentorOffer, Profile
from bot.services.careers.guidance import CareerService
from bot.services.community.mentoring import MentoringService
from bot.services.community.profiles import DAWS, EXPERIENCE, GENRES, ProfileService
from bot.services.community.safety import SafetyService
from bot.services.core.guild_settings import ensure_guild

GUILD, MEMBERS, MENTORS = 1, 10_200, 510
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ZONES = ("America/New_York", "Europe/Berlin", "Asia/Tokyo", "Australia/Sydney", None)
DATA = Path(__file__).resolve().parents[1] / "data"


async def seed(database: Database, skills: list[str]) -> list[int]:
    """Insert the guild; returns the members who are not mentors."""
    rng, users = random.Random(21), list(range(1_000, 1_000 + MEMBERS))
    mentors = set(rng.sample(users, MENTORS))
    profiles, progress, offers = [], [], []
    for user in users:
        profiles.append(
            {
                "guild_id": GUILD,
                "user_id": user,
                "roles": [],
                "genres": rng.sample(sorted(GENRES), rng.randint(1, 3)),
                "daws": rng.sample(sorted(DAWS), rng.randint(1, 2)),
                "experience": rng.choice(sorted(EXPERIENCE)),
                "timezone": rng.choice(ZONES),
                "looking_for": [],
                "bio": "",
                "links": [],
                "private_fields": ["timezone"] if user % 5 == 0 else [],
                "hidden": False,
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
        for index, skill in enumerate(rng.sample(skills, rng.randint(0, 6))):
            state = "done" if index % 2 or user in mentors else "learning"
            progress.append(
                {"guild_id": GUILD, "user_id": user, "skill_id": skill, "state": state}
                | {"updated_at": NOW}
            )
        if user in mentors:
            offers.append(
                {
                    "guild_id": GUILD,
                    "user_id": user,
                    "topics": rng.sample(skills, rng.randint(1, 4)),
                    "capacity": rng.randint(1, 5),
                    "availability": "weekday evenings",
                    "dm_requests": True,
                    "paused": rng.random() < 0.1,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            )
    async with database.engine.begin() as connection:
        for table, rows in (
            (Profile, profiles),
            (SkillProgress, progress),
            (MentorOffer, offers),
        ):
            await connection.execute(insert(table), rows)
    async with database.write() as session:  # as every change to offers or profiles does
        await ensure_guild(session, GUILD, NOW)
    if database.dialect == "postgresql":  # as autovacuum would after such a load
        async with database.engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text("ANALYZE"))
    return [user for user in users if user not in mentors]


async def open_database(url: str | None, folder: Path) -> Database:
    if url is None:
        database = Database.from_url(f"sqlite+aiosqlite:///{folder / 'bot.sqlite3'}")
        await upgrade_to_head(database)
        return database
    database = Database.from_url(url)
    await upgrade_to_head(database)
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    async with database.engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return database


async def main(calls: int, url: str | None) -> dict[str, Any]:
    content, clock = load_content(DATA), ManualClock(NOW)
    with tempfile.TemporaryDirectory() as folder:
        database = await open_database(url, Path(folder))
        try:
            mentees = await seed(database, [skill.id for skill in content.career.skills])
            profiles = ProfileService(database, clock, content)
            career = CareerService(database, clock, content)
            service = MentoringService(
                database, clock, profiles, career, SafetyService(database, clock)
            )
            await service.find(GUILD, mentees[0])  # warm up: statements, caches
            gc.collect()
            gc.freeze()  # as the bot does once ready: start-up objects leave the collector
            times, cpu = [], time.process_time()
            for mentee in mentees[1 : calls + 1]:
                started = time.perf_counter()
                await service.find(GUILD, mentee)
                times.append((time.perf_counter() - started) * 1000)
            cpu = (time.process_time() - cpu) * 1000 / len(times)
        finally:
            await database.close()
    times.sort()
    return {
        "backend": database.dialect,
        "mentors": MENTORS,
        "calls": len(times),
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 2),
        "max_ms": round(times[-1], 2),
        "cpu_ms": round(cpu, 2),
    }


def cli() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--database-url", help="a PostgreSQL database to empty and use")
    options = parser.parse_args()
    result = asyncio.run(main(options.calls, options.database_url))
    print(
        f"{result['backend']}: /mentor find, {MENTORS} mentors, {result['calls']} calls: "
        f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, max {result['max_ms']} ms, "
        f"CPU {result['cpu_ms']} ms per call"
    )
    save(f"mentor-find-{result['backend']}", [result])


if __name__ == "__main__":
    cli()
