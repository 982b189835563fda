"""Fifty members submitting and fifty voting at the same moment, through the loopback
Discord: every acknowledged entry and vote is in the database, none twice."""

import asyncio

from sqlalchemy import func, select

from bot.client import ProducerBot
from bot.db.engine import Database
from bot.models.challenges import ChallengeSubmission, ChallengeVote
from loopback.server import LoopbackDiscord
from tests.e2e.helpers import Server

MEMBERS = 50


async def test_fifty_entries_and_fifty_votes_at_once(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, database: Database
) -> None:
    channel = discord.add_channel(server.guild, "challenges")
    await discord.dispatch("CHANNEL_CREATE", channel.to_json(), server.guild.id)
    await discord.slash("challenge setup", member=server.moderator, channel=channel, time="23:59")
    await discord.slash("challenge postnow", member=server.moderator)
    [post] = discord.channel_messages(channel)
    assert post.thread_id is not None
    thread = discord.channels[post.thread_id]
    members = [discord.add_member(server.guild, f"producer{n}") for n in range(MEMBERS)]

    replies = await asyncio.gather(
        *(
            discord.slash("challenge submit", member=m, link=f"https://e.com/{m.id}")
            for m in members
        )
    )
    assert all(reply.ephemeral and "is in" in reply.text for reply in replies)
    entries = {m.content.split("<@")[1].split(">")[0]: m for m in discord.channel_messages(thread)}
    assert len(entries) == MEMBERS

    # Each member votes for the next member's entry, clicking twice at once.
    def target(index: int) -> int:
        return (index + 1) % MEMBERS

    clicks = [
        discord.click(entries[str(members[target(i)].id)], "Vote", member=member)
        for i, member in enumerate(members)
        for _ in range(2)
    ]
    answers = [reply.message.text for reply in await asyncio.gather(*clicks)]
    assert sum("Vote counted" in text for text in answers) == MEMBERS
    assert sum("already voted" in text for text in answers) == MEMBERS

    async with database.read() as session:
        stored = await session.scalar(select(func.count()).select_from(ChallengeSubmission))
        votes = (
            await session.execute(
                select(ChallengeSubmission.user_id, ChallengeVote.voter_id).join(
                    ChallengeSubmission, ChallengeSubmission.id == ChallengeVote.submission_id
                )
            )
        ).all()
    assert stored == MEMBERS
    expected = {(members[target(i)].id, member.id) for i, member in enumerate(members)}
    assert sorted(votes) == sorted(expected)
