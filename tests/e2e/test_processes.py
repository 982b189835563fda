"""Two real bot processes, shard 0 and shard 1 of 2, share one database and run a week of
schedules in time-lapse: every daily challenge, tip of the day and networking introduction
happens exactly once, and in the process whose shard holds the guild. Misconfigured to
overlap (both running both shards), the database still lets each happen once."""

import asyncio
import re
import signal
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import build_services
from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from loopback.server import LoopbackDiscord
from loopback.world import PRIVATE_THREAD, Guild
from tests.e2e.helpers import channel_named, start_run

START = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)  # a Monday: the first networking round
END = datetime(2026, 12, 8, 5, 0, tzinfo=UTC)  # hours after the last round: the processes lag
SPEED = 30_000.0  # a simulated week in about 22 seconds
DAYS = [date(2026, 11, 30) + timedelta(days=n) for n in range(8)]
JOB_LINE = re.compile(r"(challenge posted|tip of the day posted|network intro) guild=(\d+)(.*)")


async def set_up(discord: LoopbackDiscord, database: Database, content: Content) -> list[Guild]:
    """Guilds on both shards, each with daily challenges at 06:00, a tip at 07:00 and
    weekly networking rounds (Mondays) for four members."""
    clock = ManualClock(START - timedelta(days=14))  # before the processes' clocks begin
    guilds = [discord.add_guild(f"Studio {number}") for number in range(6)]
    assert {(guild.id >> 22) % 2 for guild in guilds} == {0, 1}
    services = build_services(database, clock, content)
    challenges, tips = services.challenges.settings, services.daily_tips
    network = services.networking
    for guild in guilds:
        channels = [discord.add_channel(guild, name) for name in ("challenges", "tips", "meet")]
        await challenges.setup(guild.id, channels[0].id, "06:00", "UTC")
        await tips.configure(guild.id, channels[1].id, "07:00")
        await network.setup(guild.id, channels[2].id, 1, 0, 2)
        for number in range(4):
            await network.join(guild.id, discord.add_member(guild, f"m{number}").id)
    return guilds


@pytest.mark.slow
@pytest.mark.parametrize("layout", ["split", "overlapping"])
async def test_a_week_on_two_processes_runs_every_job_once_in_the_right_one(
    layout: str, tmp_path: Path, database: Database, content: Content
) -> None:
    discord = LoopbackDiscord()
    await discord.start()
    processes: list[asyncio.subprocess.Process] = []
    try:
        guilds = await set_up(discord, database, content)
        anchor = time.time() + 25  # both processes are up before the week starts
        shard_sets = ["0", "1"] if layout == "split" else ["0,1", "0,1"]
        for number, shards in enumerate(shard_sets):
            env = {
                "DATABASE_URL": database.engine.url.render_as_string(hide_password=False),
                "SHARD_COUNT": "2",
                "SHARD_IDS": shards,
                "CLOCK_START": START.isoformat(),
                "CLOCK_SPEED": str(SPEED),
                "CLOCK_ANCHOR": str(anchor),
                "SCHEDULER_INTERVAL": "0.2",
            }
            processes.append(
                await start_run(tmp_path, discord, "--migrate", log_name=f"p{number}.log", **env)
            )
        assert time.time() < anchor, "the processes took too long to start"
        # The whole simulated week passes in real time: only then can a job done twice (or
        # skipped) show.
        await asyncio.sleep(anchor + (END - START).total_seconds() / SPEED - time.time())
        for process in processes:
            process.send_signal(signal.SIGTERM)
        assert [await asyncio.wait_for(p.wait(), 30) for p in processes] == [0, 0]
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
        await discord.stop()

    rounds_of: dict[int, Counter[str]] = {}
    for guild in guilds:
        posts = discord.channel_messages(channel_named(guild, "challenges"))
        footers = [m.embeds[0].get("footer", {}).get("text", "") for m in posts if m.embeds]
        days = Counter(f.split("Challenge of ")[1] for f in footers if "Challenge of " in f)
        assert set(days.values()) == {1}, f"a challenge was posted twice: {days}"
        assert {f"{day:%a %d %b %Y}" for day in DAYS} <= set(days), days
        meet = channel_named(guild, "meet").id
        threads = [c for c in guild.channels.values() if c.type == PRIVATE_THREAD]
        threads = [t for t in threads if t.parent_id == meet]
        rounds = Counter(thread.name for thread in threads)
        assert rounds["Round of 30 November"] == 2, rounds  # later, ignored intros pause people
        rounds_of[guild.id] = rounds
        for thread in threads:
            said = [m.text for m in discord.channel_messages(thread)]
            assert sum("meet each other" in text for text in said) == 1
            checkins = sum("did you meet?" in text for text in said)
            assert checkins == (thread.name != "Round of 07 December"), said

    done: Counter[tuple[str, int, str]] = Counter()
    for number, shards in enumerate(shard_sets):
        for job, guild_id, rest in JOB_LINE.findall((tmp_path / f"p{number}.log").read_text()):
            done[job, int(guild_id), rest] += 1
            assert str((int(guild_id) >> 22) % 2) in shards, f"{job} for {guild_id} in p{number}"
    assert set(done.values()) == {1}, "a job ran twice"
    for guild in guilds:
        for job, channel_name in (("challenge posted", "challenges"), ("tip", "tips")):
            dates = {r for j, g, r in done if j.startswith(job) and g == guild.id}
            assert {f" date={day}" for day in DAYS} <= dates
            channel = channel_named(guild, channel_name)
            assert len(discord.channel_messages(channel)) == len(dates)
        intros = sum(1 for j, g, _ in done if (j, g) == ("network intro", guild.id))
        assert intros == sum(rounds_of[guild.id].values())
