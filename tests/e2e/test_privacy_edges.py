"""/privacy delete at the edges: a moderator who started a live round, and a member in the
middle of mentoring. Nobody else's data changes, and no column keeps the member's id."""

import asyncio

from sqlalchemy import BigInteger, String, Text, func, select

from bot.client import ProducerBot
from bot.clock import ManualClock
from bot.db.base import Base
from bot.db.engine import Database
from bot.models.quiz import QuizAnswer
from bot.services.core.cooldowns import REQUEST_COOLDOWN
from bot.services.core.privacy import RETAINED
from loopback.server import LoopbackDiscord
from loopback.world import Member
from tests.e2e.helpers import LETTERS, Server, eventually, offer, request_notice


async def delete_data(discord: LoopbackDiscord, member: Member) -> str:
    ask = await discord.slash("privacy delete", member=member)
    done = await discord.click(ask.message, "Delete my data", member=member)
    return done.text


async def columns_naming(database: Database, guild_id: int, user_id: int) -> list[str]:
    """Every column of every table, integer or text, that still holds ``user_id``."""
    found = []
    async with database.read() as session:
        for table in Base.metadata.sorted_tables:
            if "guild_id" not in table.c:
                continue
            for column in table.columns:
                if column.name == "guild_id" or (table.name, column.name) in RETAINED:
                    continue
                if isinstance(column.type, BigInteger):
                    holds = column == user_id
                elif isinstance(column.type, String | Text):
                    holds = column.contains(str(user_id))
                else:
                    continue
                query = select(func.count()).select_from(table)
                if await session.scalar(query.where(table.c.guild_id == guild_id, holds)):
                    found.append(f"{table.name}.{column.name}")
    return found


async def answers_of(database: Database, user_id: int) -> int:
    async with database.read() as session:
        query = select(func.count()).select_from(QuizAnswer)
        return int(await session.scalar(query.where(QuizAnswer.user_id == user_id)) or 0)


async def test_a_moderator_deleting_their_data_keeps_the_answers_of_their_live_round(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    channel = discord.default_channel(server.guild)
    await discord.slash("quiz live", member=server.moderator, questions=2)
    [question] = discord.channel_messages(channel)
    await asyncio.gather(
        *(discord.click(question, LETTERS[0], member=m) for m in (server.alice, server.bob))
    )
    before = {m.id: await answers_of(bot.database, m.id) for m in (server.alice, server.bob)}
    assert all(before.values())

    assert "records deleted" in await delete_data(discord, server.moderator)

    after = {m.id: await answers_of(bot.database, m.id) for m in (server.alice, server.bob)}
    assert after == before
    assert await columns_naming(bot.database, server.guild.id, server.moderator.id) == []


async def test_deleting_data_ends_mentoring_cleanly_and_tells_the_other_member(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, clock: ManualClock
) -> None:
    carol = discord.add_member(server.guild, "carol")
    await offer(discord, server.bob, ["mastering"])
    await offer(discord, carol, ["mastering"])
    await discord.slash("mentor request", member=server.alice, options={"mentor": server.bob})
    await discord.click(request_notice(discord, server.bob), "Accept", member=server.bob)
    clock.advance(REQUEST_COOLDOWN)
    await discord.slash("mentor request", member=server.alice, options={"mentor": carol})
    assert request_notice(discord, carol)
    dms_before = {m.id: len(discord.dms(m.user)) for m in (server.bob, carol)}

    await delete_data(discord, server.alice)

    assert await columns_naming(bot.database, server.guild.id, server.alice.id) == []
    for member in (server.bob, carol):

        def told(member: Member = member) -> bool:
            notices = discord.dms(member.user)[dms_before[member.id] :]
            return any("deleted their data" in notice.text for notice in notices)

        await eventually(told, f"member {member.id} was told the mentoring ended")
    mine = await discord.slash("mentor mine", member=server.bob)
    assert f"<@{server.alice.id}>" not in mine.text and "<@0>" not in mine.text
