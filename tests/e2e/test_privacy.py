"""/privacy: a member gets a copy of their data, and can delete it; nothing personal of
theirs remains, and nobody else's data is touched."""

import json
from datetime import UTC, datetime

from sqlalchemy import BigInteger, select

from bot.client import ProducerBot
from bot.clock import ManualClock
from bot.db.base import Base
from bot.db.engine import Database
from bot.services.core.privacy import RETAINED
from bot.services.quiz.producer_type import TypeQuizService, TypeResult
from loopback.server import LoopbackDiscord
from tests.e2e.helpers import Server, set_up_challenges, thread_of, tick


async def leave_traces(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, clock: ManualClock
) -> None:
    """Alice (and Bob) use every feature a little."""
    for member in (server.alice, server.bob):
        tip = await discord.slash("career tip", member=member)
        await discord.click(tip.message, "Save", member=member)
        await discord.slash("career mark", member=member, skill="mastering", state="learning")
        types = TypeQuizService(bot.database, clock, bot.content.quiz)
        step = await types.start(server.guild.id, member.id)
        result = None
        while not isinstance(result, TypeResult):
            result = await types.answer(
                server.guild.id, step.session_id, member.id, step.position, 1
            )
            step = result if not isinstance(result, TypeResult) else step
    board = discord.add_channel(server.guild, "suggestions")
    await bot.services.guild_settings.set_channel(server.guild.id, "suggestions", board.id)
    form = await discord.slash("suggest", member=server.alice)
    await discord.submit(
        form, {"Title": "Listening party", "Your idea": "Fridays"}, member=server.alice
    )
    channel = await set_up_challenges(discord, server, bot)
    await tick(bot, clock, datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    [post] = discord.channel_messages(channel)
    for member in (server.alice, server.bob):
        await discord.slash("challenge submit", member=member, link=f"https://e.com/{member.id}")
    alice_entry, bob_entry = discord.channel_messages(thread_of(discord, post))
    await discord.click(bob_entry, "Vote", member=server.alice)
    await discord.click(alice_entry, "Vote", member=server.bob)


async def rows_naming(database: Database, guild_id: int, user_id: int) -> dict[str, int]:
    """How many rows of each table carry ``user_id`` in any 64-bit column, in this guild."""
    found: dict[str, int] = {}
    async with database.read() as session:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if not isinstance(column.type, BigInteger) or column.name == "guild_id":
                    continue
                if (table.name, column.name) in RETAINED:
                    continue
                rows = await session.execute(
                    select(table).where(table.c.guild_id == guild_id, column == user_id)
                )
                count = len(rows.all())
                if count:
                    found[f"{table.name}.{column.name}"] = count
    return found


async def test_export_then_delete_leaves_nothing_of_the_member(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, clock: ManualClock
) -> None:
    await leave_traces(discord, server, bot, clock)
    bob_before = await rows_naming(bot.database, server.guild.id, server.bob.id)

    export = await discord.slash("privacy export", member=server.alice)
    assert export.ephemeral
    [attachment] = export.message.attachments
    document = json.loads(attachment.data)
    assert document["user_id"] == server.alice.id
    for table in (
        "saved_tips",
        "skill_progress",
        "quiz_type_results",
        "suggestions",
        "challenge_submissions",
        "challenge_votes",
    ):
        assert document["tables"][table], table

    before = await rows_naming(bot.database, server.guild.id, server.alice.id)
    assert len(before) >= 8
    ask = await discord.slash("privacy delete", member=server.alice)
    assert ask.ephemeral and "cannot be undone" in ask.text
    refused = await discord.click(ask.message, "Delete my data", member=server.bob)
    assert "belong to someone else" in refused.text
    done = await discord.click(ask.message, "Delete my data", member=server.alice)
    assert "records deleted" in done.text

    assert await rows_naming(bot.database, server.guild.id, server.alice.id) == {}
    bob_after = await rows_naming(bot.database, server.guild.id, server.bob.id)
    bob_before.pop("challenge_votes.voter_id", None)  # votes stay; Alice's for Bob are gone
    bob_after.pop("challenge_votes.voter_id", None)
    assert bob_after == bob_before
    again = json.loads(
        (await discord.slash("privacy export", member=server.alice)).message.attachments[0].data
    )
    assert again["tables"] == {}


async def test_cancelling_deletes_nothing(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    await discord.slash("career mark", member=server.alice, skill="mastering", state="done")
    ask = await discord.slash("privacy delete", member=server.alice)
    cancelled = await discord.click(ask.message, "Cancel", member=server.alice)
    assert "Nothing was deleted" in cancelled.text
    assert await rows_naming(bot.database, server.guild.id, server.alice.id) == {
        "skill_progress.user_id": 1
    }
