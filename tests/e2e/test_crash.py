"""The bot process is killed (SIGKILL) in the middle of bursts of votes, entries and live
quiz answers: everything it acknowledged is in the database after a restart, nothing
twice, and voting and scheduled work go on."""

import asyncio
import contextlib
import signal
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.db.engine import Database
from bot.models.challenges import ChallengeSubmission, ChallengeVote
from bot.models.quiz import QuizAnswer
from loopback.interactions import Reply
from loopback.server import LoopbackDiscord
from loopback.world import MANAGE_GUILD, Channel, Member, Message
from tests.e2e.helpers import cli, environment, start_run


async def share_done(burst: list[asyncio.Task[Reply]], share: float = 1 / 3) -> None:
    """Wait until ``share`` of the burst's interactions were answered."""
    enough = asyncio.Event()

    def count(_: object) -> None:
        if sum(task.done() for task in burst) >= len(burst) * share:
            enough.set()

    for task in burst:
        task.add_done_callback(count)
    await enough.wait()


async def kill(
    process: asyncio.subprocess.Process, *bursts: list[asyncio.Task[Reply]]
) -> list[list[str]]:
    """SIGKILL the bot; what each task of each burst was told ("" if it was cut off)."""
    process.send_signal(signal.SIGKILL)
    await process.wait()
    told = []
    for burst in bursts:
        results = await asyncio.gather(*burst, return_exceptions=True)
        told.append([r.text if isinstance(r, Reply) else "" for r in results])
    return told


@dataclass
class CrashLab:
    discord: LoopbackDiscord
    moderator: Member
    members: list[Member]
    challenges: Channel
    processes: list[asyncio.subprocess.Process] = field(default_factory=list)

    async def start(self, tmp_path: Path, **settings: str) -> asyncio.subprocess.Process:
        self.processes.append(await start_run(tmp_path, self.discord, **settings))
        return self.processes[-1]


@pytest.fixture
async def lab(tmp_path: Path) -> AsyncIterator[CrashLab]:
    """A guild with a moderator and twenty members, a migrated database and published
    commands; bot processes started through it are killed at the end."""
    discord = LoopbackDiscord()
    await discord.start()
    guild = discord.add_guild("Crash Lab")
    mods = discord.add_role(guild, "Mods", permissions=MANAGE_GUILD, position=1)
    moderator = discord.add_member(guild, "mona", roles=(mods,))
    members = [discord.add_member(guild, f"m{number}") for number in range(20)]
    env = {"DISCORD_TOKEN": discord.token, "DISCORD_API_BASE": discord.base_url}
    assert (await cli(tmp_path, "migrate"))[0] == 0
    assert (await cli(tmp_path, "sync", **env))[0] == 0
    crash_lab = CrashLab(discord, moderator, members, discord.add_channel(guild, "challenges"))
    yield crash_lab
    for process in crash_lab.processes:
        if process.returncode is None:
            process.kill()
            with contextlib.suppress(ProcessLookupError):
                await process.wait()
    await discord.stop()


async def stored(tmp_path: Path, *columns: Any) -> list[Any]:
    """Rows of ``columns`` as the killed process left them in its database."""
    database = Database.from_url(environment(tmp_path)["DATABASE_URL"])
    try:
        async with database.read() as session:
            return list((await session.execute(select(*columns))).all())
    finally:
        await database.close()


@pytest.mark.slow
async def test_acknowledged_votes_survive_a_kill(tmp_path: Path, lab: CrashLab) -> None:
    discord, moderator, members = lab.discord, lab.moderator, lab.members
    process = await lab.start(tmp_path)
    await discord.slash(
        "challenge setup", member=moderator, channel=lab.challenges, time="00:00", timezone="UTC"
    )
    await discord.slash("challenge postnow", member=moderator)
    [post] = discord.channel_messages(lab.challenges)
    for member in members:
        await discord.slash("challenge submit", member=member, link="https://e.com/t")
    entries = discord.channel_messages(discord.channels[post.thread_id or 0])
    author = {entry.id: next(m for m in members if f"<@{m.id}>" in entry.text) for entry in entries}
    ballots = [
        (voter, entry) for voter in members for entry in entries if author[entry.id].id != voter.id
    ]

    async def vote(voter: Member, entry: Message) -> Reply:
        return await discord.click(entry, "Vote", member=voter, timeout=5)

    burst = [asyncio.create_task(vote(voter, entry)) for voter, entry in ballots]
    await share_done(burst, 1 / len(burst))  # at the first answer: most are still in flight
    [told] = await kill(process, burst)
    acknowledged = {
        (voter.id, int(str(entry.buttons()[0]["custom_id"]).split(":")[-1]))
        for (voter, entry), text in zip(ballots, told, strict=True)
        if "Vote counted" in text
    }
    assert 0 < len(acknowledged) < len(ballots)
    votes = await stored(tmp_path, ChallengeVote.voter_id, ChallengeVote.submission_id)
    assert acknowledged <= set(votes)

    await lab.start(tmp_path)
    voter, entry = next(
        (v, e) for (v, e), text in zip(ballots, told, strict=True) if "Vote counted" in text
    )
    again = await discord.click(entry, "Vote", member=voter)
    assert "already voted" in again.text


@pytest.mark.slow
async def test_acknowledged_entries_and_live_answers_survive_a_kill_and_the_round_goes_on(
    tmp_path: Path, lab: CrashLab
) -> None:
    """Twenty members enter today's challenge while twenty answer a live quiz question; the
    process dies once each burst has an acknowledged interaction. After a restart every
    acknowledged entry and answer is stored once, and the live round still closes on time
    (its schedule continues). The process runs on a 6x clock so the 30-second answer
    window is short."""
    discord, moderator, members = lab.discord, lab.moderator, lab.members
    quiz = discord.default_channel(discord.guilds[moderator.guild_id])
    clock = {"CLOCK_START": datetime.now(UTC).isoformat(), "CLOCK_ANCHOR": str(time.time())}
    clock["CLOCK_SPEED"], clock["SCHEDULER_INTERVAL"] = "6", "0.5"
    process = await lab.start(tmp_path, **clock)
    await discord.slash(
        "challenge setup", member=moderator, channel=lab.challenges, time="00:00", timezone="UTC"
    )
    await discord.slash("challenge postnow", member=moderator)
    await discord.slash("quiz live", member=moderator, in_channel=quiz, questions=1)
    [question] = discord.channel_messages(quiz)

    async def enter(member: Member) -> Reply:
        link = f"https://e.com/{member.id}"
        return await discord.slash("challenge submit", member=member, link=link, timeout=5)

    async def answer(member: Member) -> Reply:
        return await discord.click(question, "A", member=member, timeout=5)

    entries = [asyncio.create_task(enter(member)) for member in members]
    answers = [asyncio.create_task(answer(member)) for member in members]
    # Answers share group commits and can all be acknowledged at once: the kill comes as
    # soon as each burst has an acknowledged interaction, while entries are still going.
    await asyncio.gather(
        share_done(entries, 1 / len(entries)), share_done(answers, 1 / len(answers))
    )
    on_entries, on_answers = await kill(process, entries, answers)
    entered = {m.id for m, text in zip(members, on_entries, strict=True) if "is in" in text}
    answered = {m.id for m, text in zip(members, on_answers, strict=True) if "Locked in" in text}
    assert entered and answered and len(entered) + len(answered) < 2 * len(members)
    for acknowledged, column in (
        (entered, ChallengeSubmission.user_id),
        (answered, QuizAnswer.user_id),
    ):
        rows = [user_id for (user_id,) in await stored(tmp_path, column)]
        assert acknowledged <= set(rows) and len(rows) == len(set(rows))

    await lab.start(tmp_path, **clock)
    await discord.wait_for_messages(quiz, 3, timeout=30)  # closed, results, podium
    assert "final podium" in discord.channel_messages(quiz)[-1].text
    again = (await enter(members[0])).text  # entering works on
    assert "is in" in again or "replaced your earlier take" in again
