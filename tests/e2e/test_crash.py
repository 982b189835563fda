"""The bot process is killed (SIGKILL) in the middle of a burst of votes: every vote it
acknowledged is in the database after a restart, none twice, and voting goes on."""

import asyncio
import contextlib
import signal
from pathlib import Path

from sqlalchemy import select

from bot.db.engine import Database
from bot.models.challenges import ChallengeVote
from bot.sandbox.interactions import Reply
from bot.sandbox.server import LoopbackDiscord
from bot.sandbox.world import MANAGE_GUILD
from tests.e2e.test_cli import cli, environment, start_run


async def test_acknowledged_votes_survive_a_kill(tmp_path: Path) -> None:
    discord = LoopbackDiscord()
    await discord.start()
    guild = discord.add_guild("Crash Lab")
    mods = discord.add_role(guild, "Mods", permissions=MANAGE_GUILD, position=1)
    moderator = discord.add_member(guild, "mona", roles=(mods,))
    members = [discord.add_member(guild, f"m{number}") for number in range(20)]
    channel = discord.add_channel(guild, "challenges")
    env = {"DISCORD_TOKEN": discord.token, "DISCORD_API_BASE": discord.base_url}
    process = None
    try:
        assert (await cli(tmp_path, "migrate"))[0] == 0
        assert (await cli(tmp_path, "sync", **env))[0] == 0
        process = await start_run(tmp_path, discord)
        await discord.slash(
            "challenge setup", member=moderator, channel=channel, time="00:00", timezone="UTC"
        )
        await discord.slash("challenge postnow", member=moderator)
        [post] = discord.channel_messages(channel)
        for member in members:
            await discord.slash("challenge submit", member=member, link="https://e.com/t")
        entries = discord.channel_messages(discord.channels[post.thread_id or 0])
        author = {
            entry.id: next(m for m in members if f"<@{m.id}>" in entry.text) for entry in entries
        }
        ballots = [
            (voter, entry)
            for voter in members
            for entry in entries[:8]
            if author[entry.id].id != voter.id
        ]

        async def vote(voter, entry) -> Reply:  # type: ignore[no-untyped-def]
            return await discord.click(entry, "Vote", member=voter, timeout=5)

        burst = [asyncio.create_task(vote(voter, entry)) for voter, entry in ballots]
        third_done = asyncio.Event()

        def count(_: object) -> None:
            if sum(task.done() for task in burst) >= len(burst) // 3:
                third_done.set()

        for task in burst:
            task.add_done_callback(count)
        await third_done.wait()
        process.send_signal(signal.SIGKILL)  # in the middle of the burst
        await process.wait()
        results = await asyncio.gather(*burst, return_exceptions=True)
        acknowledged = {
            (voter.id, int(str(entry.buttons()[0]["custom_id"]).split(":")[-1]))
            for (voter, entry), result in zip(ballots, results, strict=True)
            if isinstance(result, Reply) and "Vote counted" in result.text
        }
        assert 0 < len(acknowledged) < len(ballots)

        database = Database.from_url(environment(tmp_path)["DATABASE_URL"])
        try:
            async with database.read() as session:
                stored = {
                    (voter, submission)
                    for voter, submission in await session.execute(
                        select(ChallengeVote.voter_id, ChallengeVote.submission_id)
                    )
                }
        finally:
            await database.close()
        assert acknowledged <= stored

        process = await start_run(tmp_path, discord)
        voter, entry = next(
            (v, e)
            for (v, e), r in zip(ballots, results, strict=True)
            if isinstance(r, Reply) and "Vote counted" in r.text
        )
        again = await discord.click(entry, "Vote", member=voter)
        assert "already voted" in again.text
    finally:
        if process is not None and process.returncode is None:
            process.kill()
            with contextlib.suppress(ProcessLookupError):
                await process.wait()
        await discord.stop()
