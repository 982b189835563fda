"""Interaction latency and throughput of the real bot process, next to a bare discord.py
bot (the floor), both driven through the loopback Discord.

    .venv/bin/python -m bench.latency [--rounds 2000] [--concurrency 20]
        [--backend sqlite|postgresql] [--only NAME ...]

Prints a table and writes bench/results/latency-<time>.json. Latency is measured from the
moment the loopback dispatches an interaction to the moment the bot's first response
reaches it. "per s" counts scenarios; "inter./s" counts every interaction they fire (a
button scenario first runs the command whose reply carries the button). Each row alternates
between the bot and the floor in chunks of ``CHUNK`` scenarios.
"""

import argparse
import asyncio
import gc
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.record import save
from bot.services.core.cooldowns import ENTRY_COOLDOWN
from loopback.interactions import MODAL, Reply
from loopback.server import LoopbackDiscord
from loopback.world import MANAGE_GUILD, Channel, Guild, Member, Message

Scenario = Callable[[Member], Awaitable[Reply]]


@dataclass
class Measured:
    name: str
    bot: str
    concurrency: int
    latencies_ms: list[float]
    seconds: float
    interactions_each: int = 1
    cpu_seconds: float = 0.0
    """CPU time the answering process spent during the row: unlike latency, it hardly
    depends on what else the machine is running."""

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    def row(self) -> dict[str, Any]:
        return {
            "scenario": self.name,
            "bot": self.bot,
            "concurrency": self.concurrency,
            "count": len(self.latencies_ms),
            "p50_ms": round(statistics.median(self.latencies_ms), 2),
            "p95_ms": round(self.percentile(0.95), 2),
            "p99_ms": round(self.percentile(0.99), 2),
            "per_second": round(len(self.latencies_ms) / self.seconds, 1),
            "interactions_per_second": round(
                len(self.latencies_ms) * self.interactions_each / self.seconds, 1
            ),
            "cpu_ms_per_interaction": round(
                1000 * self.cpu_seconds / (len(self.latencies_ms) * self.interactions_each), 3
            ),
        }


@dataclass
class Stage:
    """What the scenarios share: the members, and the challenge they enter and vote on."""

    discord: LoopbackDiscord
    moderator: Member
    members: list[Member]
    post: Message | None = None
    ready_forms: dict[int, Reply] = field(default_factory=dict)
    """Forms opened ahead of a timed run, each submitted once."""
    live: dict[int, Message] | None = None
    cooldown_ends: dict[int, float] = field(default_factory=dict)
    """When each row's members' latest entries (the challenge's opening, a timed row) stop
    holding them: the entry cooldown would refuse them before that."""
    votes: int = 0
    bot: str = "producer-bot"

    async def open_challenge(self, channel: Channel) -> None:
        """Post today's challenge and let every member enter it. The floor has no
        challenge: its constant reply carries the buttons pressed (Submit, Vote)."""
        if self.bot == "floor":
            self.post = (
                await self.discord.slash("challenge postnow", member=self.moderator)
            ).message
            self.live = dict.fromkeys((member.id for member in self.members), self.post)
            return
        await self.discord.slash(
            "challenge setup", member=self.moderator, channel=channel, time="00:00", timezone="UTC"
        )
        await self.discord.slash("challenge postnow", member=self.moderator)
        [self.post] = await self.discord.wait_for_messages(channel, 1, timeout=30)
        for member in self.members:
            await self.discord.slash("challenge submit", member=member, link="https://e.com/t")
        self.live = None
        self.cooldown_ends = dict.fromkeys((0, 1), time.monotonic() + ENTRY_COOLDOWN_SECONDS)

    async def open_form(self, member: Member, scenario: str = "") -> Reply:
        """Press the challenge's Submit button: the bot answers with its entry form. The
        floor's Post button opens a form it answers with an entry's requests."""
        assert self.post is not None
        button = "Post" if self.bot == "floor" and scenario == ENTRY_POSTING else "Submit"
        form = await self.discord.click(self.post, button, member=member)
        if form.record.callback_type != MODAL:
            raise AssertionError(f"the Submit button answered: {form.text}")
        return form

    def live_entries(self) -> dict[int, Message]:
        """Each member's current entry (a replaced one loses its buttons); read from the
        thread again only after new entries, so the driver stays cheap next to the bot."""
        if self.live is None:
            assert self.post is not None
            thread = self.discord.channels[self.post.thread_id or 0]
            self.live = {}
            for entry in self.discord.channel_messages(thread):
                author = MENTION.search(entry.text)
                if entry.buttons() and author is not None:
                    self.live[int(author[1])] = entry
        return self.live


def scenarios(stage: Stage) -> dict[str, Scenario]:
    discord = stage.discord

    async def tip(member: Member) -> Reply:
        return await discord.slash("career tip", member=member, topic="networking")

    async def another(member: Member) -> Reply:
        first = await discord.slash("career tip", member=member)
        return await discord.click(first.message, "Another", member=member)

    async def quiz_answer(member: Member) -> Reply:
        round_ = await discord.slash("quiz skills", member=member, length=1)
        return await discord.click(round_.message, "A", member=member)

    async def vote(member: Member) -> Reply:
        stage.votes += 1
        live = stage.live_entries()
        others = [m for m in stage.members if m.id != member.id and m.id in live]
        entry = live[others[stage.votes // len(stage.members) % len(others)].id]
        return await discord.click(entry, "Vote", member=member)

    def entering(scenario: str) -> Scenario:
        async def submit_form(member: Member) -> Reply:
            form = stage.ready_forms.pop(member.id, None)
            if form is None:
                form = await stage.open_form(member, scenario)
                await asyncio.sleep(FILL_SECONDS)
            answers = {"Or a link to your track": "https://e.com/take", "Notes": "bench"}
            reply = await discord.submit(form, answers, member=member)
            if stage.bot != "floor" and "Your entry" not in reply.text:
                raise AssertionError(f"the entry was refused: {reply.text}")
            stage.live = None  # the member's earlier entry was replaced
            return reply

        return submit_form

    async def leaderboard(member: Member) -> Reply:
        return await discord.slash("challenge leaderboard", member=member)

    async def timezone(member: Member) -> Reply:
        return await discord.slash(
            "settings timezone", member=stage.moderator, zone="Europe/Berlin"
        )

    async def help_page(member: Member) -> Reply:
        return await discord.slash("help", member=member)

    async def mentor_find(member: Member) -> Reply:
        return await discord.slash("mentor find", member=member)

    async def profile_view(member: Member) -> Reply:
        return await discord.slash("profile view", member=member)

    async def refused(member: Member) -> Reply:
        return await discord.slash("challenge pause", member=member)

    async def gear(member: Member) -> Reply:
        return await discord.slash("career gear", member=member, category="daws")

    async def rules(member: Member) -> Reply:
        return await discord.slash("challenge rules", member=member)

    return {  # the latency is the last interaction's; the rate counts all of them
        "/career tip": tip,
        "Another tip (button)": another,
        "quiz answer (button)": quiz_answer,
        "challenge vote (button)": vote,
        ENTRY: entering(ENTRY),
        ENTRY_POSTING: entering(ENTRY_POSTING),
        "/challenge leaderboard": leaderboard,
        "/settings timezone": timezone,
        "/help": help_page,
        "/mentor find": mentor_find,
        "/profile view": profile_view,
        "/challenge pause (refused)": refused,
        "/career gear": gear,
        "/challenge rules": rules,
    }


ENTRY = "challenge entry (form)"
ENTRY_POSTING = "challenge entry, floor posting too"
"""Entries again, next to a floor that makes the same four requests to Discord (a
deferral, the post, an edit, a follow-up) and nothing else."""
ENTRY_COOLDOWN_SECONDS = ENTRY_COOLDOWN.total_seconds()
MENTION = re.compile(r"<@(\d+)>")
LEAD_INS = {"Another tip (button)": 1, "quiz answer (button)": 1}
"""Interactions a scenario fires before the one it times (the tip or quiz it answers)."""
FILL_SECONDS = 0.2
"""The least time a member takes to fill the entry form. discord.py keeps a form only once
its reply has gone out, so a submission sent the instant the form arrives (as no person
can) may overtake it. Timed runs open the forms beforehand instead."""


CHUNK = 500
"""Scenarios one bot runs before the other takes its turn: a row alternates between the
two bots in chunks, so a drift in this shared machine's speed (other work starting or
stopping) weighs on both alike instead of on whichever ran second."""


async def measure(
    measured: Measured,
    scenario: Scenario,
    members: list[Member],
    concurrency: int,
    pid: int | None = None,
) -> None:
    """Run ``scenario`` once per member, ``concurrency`` at once, into ``measured``."""
    gate = asyncio.Semaphore(concurrency)

    async def one(member: Member) -> None:
        async with gate:
            reply = await scenario(member)
            record = reply.record
            assert record.answered_at is not None
            measured.latencies_ms.append((record.answered_at - record.sent_at) * 1000)

    # The driver and the loopback share this process: its own garbage collection (it keeps
    # every message) would pause both bots at random for up to a few hundred milliseconds.
    gc.collect()
    gc.disable()
    try:
        cpu, started = cpu_seconds(pid), time.perf_counter()
        await asyncio.gather(*(one(member) for member in members))
        measured.seconds += time.perf_counter() - started
        measured.cpu_seconds += cpu_seconds(pid) - cpu
    finally:
        gc.enable()


def cpu_seconds(pid: int | None) -> float:
    """User and system CPU time of process ``pid`` so far (Linux; 0 elsewhere)."""
    stat = Path(f"/proc/{pid}/stat")
    if pid is None or not stat.exists():
        return 0.0
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def start_process(
    args: list[str], env: dict[str, str], discord: LoopbackDiscord, log: Path
) -> asyncio.subprocess.Process:
    discord.identified.clear()
    with log.open("ab") as sink:
        process = await asyncio.create_subprocess_exec(
            sys.executable, *args, env=env, stdout=asyncio.subprocess.DEVNULL, stderr=sink
        )
    await asyncio.wait_for(discord.identified.wait(), 60)
    await asyncio.sleep(0.5)
    return process


async def prepare(env: dict[str, str]) -> None:
    """Migrate the bot's database and publish its commands, as an operator would."""
    for step in ("migrate", "sync"):
        setup = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", step, env=env, stdout=asyncio.subprocess.DEVNULL
        )
        if await setup.wait() != 0:
            raise SystemExit(f"`python -m bot {step}` failed")


async def stop_process(process: asyncio.subprocess.Process) -> None:
    process.terminate()
    await process.wait()


@dataclass
class Lab:
    """A loopback Discord with one guild (a moderator and members) and the environment
    that points a bot process at it, its database migrated and its commands published."""

    discord: LoopbackDiscord
    guild: Guild
    moderator: Member
    members: list[Member]
    workdir: Path
    env: dict[str, str]


async def open_lab(member_count: int = 50, database_url: str | None = None, **settings: str) -> Lab:
    discord = LoopbackDiscord()
    await discord.start()
    guild = discord.add_guild("Bench Lab")
    mods = discord.add_role(guild, "Mods", permissions=MANAGE_GUILD)
    moderator = discord.add_member(guild, "mona", roles=(mods,))
    members = [discord.add_member(guild, f"member{number}") for number in range(member_count)]
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    env = dict(
        os.environ,
        DISCORD_TOKEN=discord.token,
        DISCORD_API_BASE=discord.base_url,
        DATABASE_URL=database_url or f"sqlite+aiosqlite:///{workdir / 'bench.sqlite3'}",
        **settings,
    )
    await prepare(env)
    return Lab(discord, guild, moderator, members, workdir, env)


async def fresh_postgres(url: str) -> str:
    """An empty database beside the one ``url`` names, for one run (dropped first if left
    over from an earlier one)."""
    import asyncpg
    from sqlalchemy.engine import make_url

    base = make_url(url)
    bench = base.set(database=f"{base.database}_latency")
    connection = await asyncpg.connect(
        user=base.username, password=base.password, host=base.host,
        port=base.port, database=base.database,
    )  # fmt: skip
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{bench.database}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{bench.database}"')
    finally:
        await connection.close()
    return bench.render_as_string(hide_password=False)


def shard_of(guild_id: int) -> int:
    return (guild_id >> 22) % 2


def floor_stage(lab: Lab) -> Stage:
    """A second guild, on the other of two shards, for the floor: both bots run at once
    on the one loopback, each answering its own guild, and every row is measured on both
    back to back, so a moment of load on this shared machine weighs on both alike."""
    discord = lab.discord
    guild = discord.add_guild("Floor Lab")
    while shard_of(guild.id) == shard_of(lab.guild.id):
        guild = discord.add_guild("Floor Lab")
    mods = discord.add_role(guild, "Mods", permissions=MANAGE_GUILD)
    moderator = discord.add_member(guild, "mona", roles=(mods,))
    members = [discord.add_member(guild, f"member{n}") for n in range(len(lab.members))]
    return Stage(discord, moderator, members, bot="floor")


async def main(
    rounds: int, concurrency: int, database_url: str | None = None, only: list[str] | None = None
) -> list[dict[str, Any]]:
    # Each member acts once per row, so the 10-second entry cooldown refuses nobody.
    if database_url is not None:
        database_url = await fresh_postgres(database_url)
    lab = await open_lab(member_count=2 * rounds, database_url=database_url, LOG_LEVEL="WARNING")
    discord = lab.discord
    stages = [Stage(discord, lab.moderator, lab.members), floor_stage(lab)]
    shards = {stage.bot: str(shard_of(stage.members[0].guild_id)) for stage in stages}
    env = lab.env | {"SHARD_COUNT": "2"}
    processes = [
        await start_process(
            ["-m", "bot", "run", "--migrate"],
            env | {"SHARD_IDS": shards["producer-bot"]},
            discord,
            lab.workdir / "producer-bot.log",
        ),
        await start_process(
            ["-m", "bench.floor_bot"],
            env | {"FLOOR_SHARD_ID": shards["floor"]},
            discord,
            lab.workdir / "floor.log",
        ),
    ]
    print(f"logs: {lab.workdir}", file=sys.stderr)
    rows: list[Measured] = []
    try:
        challenges = discord.add_channel(lab.guild, "challenges")
        mixes = []
        for stage in stages:
            await stage.open_challenge(challenges)
            mixes.append(scenarios(stage))
        for name in mixes[0]:
            if only and name not in only:
                continue
            print(name, file=sys.stderr)
            entries = name in (ENTRY, ENTRY_POSTING)
            each = 1 + LEAD_INS.get(name, 0)
            for row, level in enumerate((1, concurrency)):
                row_members = {
                    stage.bot: stage.members[row * rounds :][:rounds] for stage in stages
                }
                if entries:  # forms are opened first, untimed, as people do
                    for stage in stages:
                        ends = stage.cooldown_ends.get(row, 0.0)
                        await asyncio.sleep(max(0.0, ends - time.monotonic()))
                        for member in row_members[stage.bot]:
                            stage.ready_forms[member.id] = await stage.open_form(member, name)
                    await asyncio.sleep(FILL_SECONDS)
                pair = [Measured(name, stage.bot, level, [], 0.0, each) for stage in stages]
                for start in range(0, rounds, CHUNK):
                    for stage, mix, measured, process in zip(
                        stages, mixes, pair, processes, strict=True
                    ):
                        members = row_members[stage.bot][start : start + CHUNK]
                        await measure(measured, mix[name], members, level, process.pid)
                rows += pair
                if entries:
                    for stage in stages:
                        stage.cooldown_ends[row] = time.monotonic() + ENTRY_COOLDOWN_SECONDS
    finally:
        for process in processes:
            await stop_process(process)
    await discord.stop()
    return [row.row() for row in rows]


def report(rows: list[dict[str, Any]]) -> None:
    floors = {(r["scenario"], r["concurrency"]): r for r in rows if r["bot"] == "floor"}
    print(
        f"{'scenario':22} {'conc':>4} {'p50':>8} {'p95':>8} {'p99':>8} "
        f"{'p99/floor':>9} {'per s':>8} {'/floor':>7} {'inter./s':>8} {'CPU ms':>7} {'/floor':>7}"
    )
    for row in rows:
        if row["bot"] != "producer-bot":
            continue
        floor = floors[(row["scenario"], row["concurrency"])]
        print(
            f"{row['scenario']:22} {row['concurrency']:>4} {row['p50_ms']:>8} {row['p95_ms']:>8} "
            f"{row['p99_ms']:>8} {row['p99_ms'] / floor['p99_ms']:>9.2f} {row['per_second']:>8} "
            f"{row['per_second'] / floor['per_second']:>7.2f} {row['interactions_per_second']:>8} "
            f"{row['cpu_ms_per_interaction']:>7} "
            f"{row['cpu_ms_per_interaction'] / max(floor['cpu_ms_per_interaction'], 0.001):>7.2f}"
        )
    print("floor (bare discord.py):")
    for row in floors.values():
        print(
            f"  {row['scenario']:22} {row['concurrency']:>4} "
            f"p99 {row['p99_ms']} ms, {row['per_second']}/s, "
            f"{row['cpu_ms_per_interaction']} CPU ms per interaction"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=2000,
        help="interactions per row; at 20 at once a row of 2,000 lasts about a second, long "
        "enough for its p99 to hold the pauses of both processes",
    )
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument(
        "--backend",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="postgresql: a fresh database beside the one TEST_POSTGRES_URL names",
    )
    parser.add_argument("--only", nargs="*", help="only these scenarios (their names above)")
    options = parser.parse_args()
    url = os.environ["TEST_POSTGRES_URL"] if options.backend == "postgresql" else None
    results = asyncio.run(main(options.rounds, options.concurrency, url, options.only))
    report(results)
    save(f"latency-{options.backend}", results)
