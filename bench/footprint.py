"""Resident memory and start-up time of the real bot process by number of guilds, next to
bare discord.py bots with the same guilds, all against the loopback Discord.

    .venv/bin/python -m bench.footprint [--sizes 1 100 1000 2500] [--repeats 3] [--idle 35]
                                        [--variants producer-bot floor bare]
                                        [--out bench/results/footprint.json]

Each guild is of a typical size: five text channels, five roles (besides @everyone and the
bot's), 50 members, and the rows a configured guild has in the bot's database (settings
with a time zone and moderator role, two feature channels, the tip of the day with two
weeks of posts, today's sent, and ten members' seen and saved tips). The bot uses only the
``guilds`` intent, so a GUILD_CREATE carries the guild's channels and roles and, of its
members, only the bot.

Each run starts a process (``python -m bot run`` on a fresh copy of a migrated, seeded
SQLite database) and times it from process start to ready: the bot's "ready as ... in N
guilds" log line, which discord.py fires ``guild_ready_timeout`` (2 s) after the last
GUILD_CREATE; N must be every guild. "streamed" is when the loopback had sent READY and
every GUILD_CREATE. It reads the process's resident memory (VmRSS) at ready and ``--idle``
seconds later (35 s: past one 30 s tick of the bot's scheduler), its peak (VmHWM) and the
CPU time it used. Two floors run the same way:

* ``floor``: ``bench/floor_bot.py`` (the latency benchmark's floor), which imports
  ``bot.client`` for ``use_api_base`` and so loads much of the bot's code;
* ``bare``: the same client on discord.py alone.

Medians over ``--repeats`` runs are printed, and written to ``--out`` with every run and
the machine they ran on. A run that is not ready in every guild ends the benchmark with the
path of its log.
"""

import argparse
import asyncio
import itertools
import json
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import discord as discord_py

from bot.content import load_content
from bot.db.engine import Database
from bot.models.careers import DailyTipConfig, DailyTipPost, SavedTip, SeenTip
from bot.models.core import GuildChannel, GuildSettings
from bot.settings import Settings
from loopback.server import LoopbackDiscord
from loopback.world import MANAGE_GUILD, Guild

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results"
TARGET_MB = 150.0
TARGET_GUILDS = 1_000

EXTRA_CHANNELS = ("tips", "challenges", "suggestions", "mod-log")
"""Besides the "general" channel every loopback guild starts with: five text channels."""
ROLES = ("Mods", "Mentors", "Producers", "Beginners", "Listeners")
MEMBERS = 50
ZONES = (
    "UTC",
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Tokyo",
    "Australia/Sydney",
)
TIP_HISTORY_DAYS = 14
"""Days of tip-of-the-day posts per guild, today's included (already sent, so no tick of
the benchmark posts one)."""
ACTIVE_MEMBERS = 10
"""Members per guild who have seen three tips and saved one."""

FLOOR = """
import os
import discord
from bench.floor_bot import FloorBot
from bot.client import use_api_base

class Probe(FloorBot):
    async def on_ready(self) -> None:
        print(f"footprint: ready in {len(self.guilds)} guilds", flush=True)

use_api_base(os.environ["DISCORD_API_BASE"])
Probe(intents=discord.Intents(guilds=True)).run(os.environ["DISCORD_TOKEN"], log_handler=None)
"""

BARE = """
import os
import discord
import yarl

class Bare(discord.Client):
    async def login(self, token: str) -> None:
        await super().login(token)
        _shards, url, _limits = await self.http.get_bot_gateway()
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message("ok", ephemeral=True)

    async def on_ready(self) -> None:
        print(f"footprint: ready in {len(self.guilds)} guilds", flush=True)

discord.http.Route.BASE = os.environ["DISCORD_API_BASE"].rstrip("/") + "/api/v10"
Bare(intents=discord.Intents(guilds=True)).run(os.environ["DISCORD_TOKEN"], log_handler=None)
"""

VARIANTS: dict[str, list[str]] = {
    "producer-bot": ["-m", "bot", "run"],
    "floor": ["-c", FLOOR],
    "bare": ["-c", BARE],
}
READY = re.compile(r"(?:ready as .* in|footprint: ready in) (\d+) guilds")


@dataclass
class Run:
    variant: str
    guilds: int
    repeat: int
    startup_s: float
    """Process start to ready (includes discord.py's 2 s wait after the last guild)."""
    streamed_s: float
    """Process start to the loopback having sent READY and every GUILD_CREATE."""
    rss_ready_mb: float
    rss_idle_mb: float
    peak_mb: float
    cpu_ready_s: float
    """CPU time (user + system) the process used until ready."""
    cpu_idle_s: float
    """CPU time it used while idle after ready (a scheduler tick falls in 30 s)."""


def proc_status(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of ``pid`` in MB (MiB), and the CPU seconds it used, from /proc."""
    values: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    values["cpu"] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return values


# -- the world -------------------------------------------------------------------------------


def add_guilds(discord: LoopbackDiscord, guilds: list[Guild], total: int) -> None:
    """Grow the loopback world to ``total`` typical guilds."""
    for number in range(len(guilds), total):
        guild = discord.add_guild(f"Studio {number}")
        roles = [discord.add_role(guild, name) for name in ROLES]
        roles[0].permissions = MANAGE_GUILD
        for name in EXTRA_CHANNELS:
            discord.add_channel(guild, name)
        for member in range(MEMBERS):
            discord.add_member(guild, f"producer{member}", roles=(roles[2 + member % 3],))
        guilds.append(guild)


def channel_of(guild: Guild, name: str) -> int:
    return next(channel.id for channel in guild.channels.values() if channel.name == name)


async def seed(url: str, guilds: list[Guild]) -> None:
    """The rows configured guilds have: settings, feature channels, the tip of the day and
    its history (today's sent), members' seen and saved tips."""
    tips = load_content(Settings().data_dir).career.tips
    now = datetime.now(UTC)
    database = Database.from_url(url)
    try:
        async with database.write() as session:
            session.add_all(
                GuildSettings(
                    guild_id=guild.id,
                    timezone=ZONES[number % len(ZONES)],
                    moderator_role_id=next(
                        role.id for role in guild.roles.values() if role.name == "Mods"
                    ),
                    created_at=now,
                    updated_at=now,
                )
                for number, guild in enumerate(guilds)
            )
            await session.flush()  # the rows below refer to these
            for number, guild in enumerate(guilds):
                today = now.astimezone(ZoneInfo(ZONES[number % len(ZONES)])).date()
                tips_channel = channel_of(guild, "tips")
                session.add_all(
                    GuildChannel(
                        guild_id=guild.id, feature=feature, channel_id=channel_of(guild, feature)
                    )
                    for feature in ("suggestions", "mod-log")
                )
                session.add(
                    DailyTipConfig(guild_id=guild.id, channel_id=tips_channel, post_time="09:00")
                )
                session.add_all(
                    DailyTipPost(
                        guild_id=guild.id,
                        local_date=today - timedelta(days=day),
                        tip_id=tips[(number + day) % len(tips)].id,
                        channel_id=tips_channel,
                        message_id=guild.id + 1 + day,  # stands in for the posted message's id
                        claimed_at=now - timedelta(days=day),
                    )
                    for day in range(TIP_HISTORY_DAYS)
                )
                members = [m for m in guild.members.values() if not m.user.bot]
                for index, member in enumerate(members[:ACTIVE_MEMBERS]):
                    shown = [tips[(number + index + k) % len(tips)] for k in range(3)]
                    session.add_all(
                        SeenTip(
                            guild_id=guild.id,
                            user_id=member.id,
                            tip_id=tip.id,
                            topic=tip.topic,
                            seen_at=now,
                        )
                        for tip in shown
                    )
                    session.add(
                        SavedTip(
                            guild_id=guild.id, user_id=member.id, tip_id=shown[0].id, saved_at=now
                        )
                    )
    finally:
        await database.close()


def fresh_copy(template: Path, database: Path) -> None:
    """``database`` as ``template`` holds it, without the last run's WAL files."""
    for stale in database.parent.glob(f"{database.name}*"):
        stale.unlink()
    shutil.copyfile(template, database)


def remove_databases(workdir: Path) -> None:
    """The SQLite files of a finished benchmark (its logs stay)."""
    for database_file in workdir.glob("*.sqlite3*"):
        database_file.unlink()


async def prepare_database(template: Path, env: dict[str, str], guilds: list[Guild]) -> None:
    """A migrated database (``python -m bot migrate``) holding the rows of ``guilds``."""
    url = f"sqlite+aiosqlite:///{template}"
    migrate = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "migrate",
        cwd=template.parent,
        env={**env, "DATABASE_URL": url},
        stdout=asyncio.subprocess.DEVNULL,
    )
    if await migrate.wait() != 0:
        raise SystemExit("`python -m bot migrate` failed")
    await seed(url, guilds)


# -- one process -----------------------------------------------------------------------------


async def follow(
    stream: asyncio.StreamReader, sink: Any, ready: asyncio.Future[int], at: list[float]
) -> None:
    """Copy ``stream`` to ``sink``; resolve ``ready`` with the guild count of the ready line."""
    while line := await stream.readline():
        sink.write(line)
        match = READY.search(line.decode(errors="replace"))
        if match and not ready.done():
            at.append(time.perf_counter())
            ready.set_result(int(match.group(1)))


async def run_once(
    variant: str,
    discord: LoopbackDiscord,
    env: dict[str, str],
    workdir: Path,
    guilds: int,
    repeat: int,
    idle: float,
) -> Run:
    """Start ``variant``, wait until it is ready in every guild, sample its memory, stop it."""
    discord.identified.clear()
    log_path = workdir / f"{variant}-{guilds}-{repeat}.log"
    ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    ready_at: list[float] = []
    streamed_at: list[float] = []

    async def streamed() -> None:
        await discord.identified.wait()
        streamed_at.append(time.perf_counter())

    watcher = asyncio.create_task(streamed())
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *VARIANTS[variant],
        cwd=workdir,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    assert process.stderr is not None
    with log_path.open("wb") as sink:
        readers = [
            asyncio.create_task(follow(stream, sink, ready, ready_at))
            for stream in (process.stdout, process.stderr)
        ]
        exited = asyncio.create_task(process.wait())
        try:
            deadline = 120 + guilds * 0.05
            done, _ = await asyncio.wait(
                {ready, exited}, timeout=deadline, return_when=asyncio.FIRST_COMPLETED
            )
            if ready not in done:
                why = "exited" if exited in done else f"was not ready after {deadline:.0f} s"
                raise SystemExit(f"{variant} with {guilds} guilds {why}: see {log_path}")
            if ready.result() != guilds:
                raise SystemExit(f"{variant} was ready in {ready.result()} of {guilds} guilds")
            at_ready = proc_status(process.pid)
            await asyncio.sleep(idle)
            after_idle = proc_status(process.pid)
            return Run(
                variant=variant,
                guilds=guilds,
                repeat=repeat,
                startup_s=round(ready_at[0] - started, 3),
                streamed_s=round(streamed_at[0] - started, 3),
                rss_ready_mb=round(at_ready["VmRSS"], 1),
                rss_idle_mb=round(after_idle["VmRSS"], 1),
                peak_mb=round(after_idle["VmHWM"], 1),
                cpu_ready_s=round(at_ready["cpu"], 2),
                cpu_idle_s=round(after_idle["cpu"] - at_ready["cpu"], 2),
            )
        finally:
            watcher.cancel()
            if process.returncode is None:
                process.terminate()
            await exited
            await asyncio.gather(*readers)


# -- the benchmark ---------------------------------------------------------------------------


def median_row(runs: list[Run]) -> dict[str, Any]:
    first = runs[0]
    row: dict[str, Any] = {"variant": first.variant, "guilds": first.guilds, "runs": len(runs)}
    for key in (
        "startup_s",
        "streamed_s",
        "rss_ready_mb",
        "rss_idle_mb",
        "peak_mb",
        "cpu_ready_s",
        "cpu_idle_s",
    ):
        values = [getattr(run, key) for run in runs]
        row[key] = round(statistics.median(values), 3 if key.endswith("_s") else 1)
        row[f"{key}_range"] = [min(values), max(values)]
    return row


async def main(sizes: list[int], repeats: int, idle: float, variants: list[str]) -> dict[str, Any]:
    discord = LoopbackDiscord()
    await discord.start()
    workdir = Path(tempfile.mkdtemp(prefix="footprint-"))
    print(f"logs in {workdir}", file=sys.stderr)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DISCORD_", "DATABASE_", "DEV_GUILD", "LOG_LEVEL", "SHARD_"))
    }
    env.update(
        PYTHONPATH=str(REPO),
        DISCORD_TOKEN=discord.token,
        DISCORD_API_BASE=discord.base_url,
        LOG_LEVEL="INFO",
    )
    guilds: list[Guild] = []
    runs: list[Run] = []
    load_before = os.getloadavg()
    try:
        for size in sorted(set(sizes)):
            started = time.perf_counter()
            add_guilds(discord, guilds, size)
            template = workdir / f"seeded-{size}.sqlite3"
            await prepare_database(template, env, guilds)
            print(
                f"{size} guilds: world and database ready in {time.perf_counter() - started:.1f} s",
                file=sys.stderr,
            )
            database = workdir / "bench.sqlite3"
            run_env = {**env, "DATABASE_URL": f"sqlite+aiosqlite:///{database}"}
            for repeat in range(repeats):
                for variant in variants:
                    fresh_copy(template, database)
                    run = await run_once(variant, discord, run_env, workdir, size, repeat, idle)
                    print(
                        f"  {variant:12} #{repeat + 1}: ready in {run.startup_s:6.2f} s, "
                        f"RSS {run.rss_ready_mb:6.1f} MB at ready, {run.rss_idle_mb:6.1f} MB "
                        f"after {idle:g} s, peak {run.peak_mb:6.1f} MB",
                        file=sys.stderr,
                    )
                    runs.append(run)
    finally:
        await discord.stop()
        remove_databases(workdir)
    groups: dict[tuple[str, int], list[Run]] = {}
    for run in runs:
        groups.setdefault((run.variant, run.guilds), []).append(run)
    rows = [median_row(group) for group in groups.values()]
    return {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "discord.py": discord_py.__version__,
            "memory_mb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**20),
            # Other work on the machine slows start-up (wall time), not memory or CPU time.
            "load_average_1_5_15_min": {"before": load_before, "after": os.getloadavg()},
        },
        "world": {
            "text_channels": 1 + len(EXTRA_CHANNELS),
            "roles": len(ROLES),
            "members": MEMBERS,
            "intents": "guilds",
            "stored": (
                "guild settings (time zone, moderator role), 2 feature channels, tip of the "
                f"day config with {TIP_HISTORY_DAYS} days of posts, {ACTIVE_MEMBERS} members "
                "with 3 seen and 1 saved tip"
            ),
        },
        "idle_s": idle,
        "repeats": repeats,
        "target": target(rows),
        "rows": rows,
        "runs": [asdict(run) for run in runs],
    }


def target(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The issue's target: at most 150 MB resident with 1,000 guilds."""
    for row in rows:
        if row["variant"] == "producer-bot" and row["guilds"] == TARGET_GUILDS:
            worst = max(row["rss_ready_mb"], row["rss_idle_mb"])
            return {
                "guilds": TARGET_GUILDS,
                "max_mb": TARGET_MB,
                "rss_mb": worst,
                "peak_mb": row["peak_mb"],
                "met": worst <= TARGET_MB,
            }
    return {
        "guilds": TARGET_GUILDS,
        "max_mb": TARGET_MB,
        "rss_mb": None,
        "peak_mb": None,
        "met": None,
    }


def report(record: dict[str, Any]) -> None:
    rows = record["rows"]
    idle = f"RSS +{record['idle_s']:g}s"
    print(
        f"{'variant':12} {'guilds':>6} {'ready s':>8} {'streamed s':>10} {'RSS ready':>10} "
        f"{idle:>10} {'peak':>9} {'CPU ready':>9} {'CPU idle':>9}"
    )
    for row in sorted(rows, key=lambda r: (list(VARIANTS).index(r["variant"]), r["guilds"])):
        print(
            f"{row['variant']:12} {row['guilds']:>6} {row['startup_s']:>8.2f} "
            f"{row['streamed_s']:>10.2f} {row['rss_ready_mb']:>7.1f} MB "
            f"{row['rss_idle_mb']:>7.1f} MB {row['peak_mb']:>6.1f} MB "
            f"{row['cpu_ready_s']:>7.2f} s {row['cpu_idle_s']:>7.2f} s"
        )
    for variant in VARIANTS:
        sized = {r["guilds"]: r for r in rows if r["variant"] == variant}
        steps = []
        for smaller, larger in itertools.pairwise(sorted(sized)):
            growth = sized[larger]["rss_idle_mb"] - sized[smaller]["rss_idle_mb"]
            steps.append(f"{smaller}->{larger}: {growth * 1024 / (larger - smaller):.1f}")
        if steps:
            print(f"{variant} idle RSS per added guild (KB): {', '.join(steps)}")
    goal = record["target"]
    if goal["met"] is not None:
        verdict = "met" if goal["met"] else "NOT met"
        print(
            f"target: at most {goal['max_mb']:g} MB with {goal['guilds']} guilds: {verdict} "
            f"({goal['rss_mb']} MB resident, peak {goal['peak_mb']} MB)"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 100, 1_000, 2_500])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--idle", type=float, default=35.0, help="seconds idle after ready before sampling again"
    )
    parser.add_argument("--variants", nargs="+", choices=list(VARIANTS), default=list(VARIANTS))
    parser.add_argument("--out", type=Path, default=RESULTS / "footprint.json")
    options = parser.parse_args()
    result = asyncio.run(main(options.sizes, options.repeats, options.idle, options.variants))
    report(result)
    options.out.parent.mkdir(parents=True, exist_ok=True)
    options.out.write_text(json.dumps(result, indent=2))
