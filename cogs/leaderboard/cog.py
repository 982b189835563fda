import logging
from datetime import datetime

import discord
from discord.ext import commands

from bot.client import ProducerBot
from bot.services.community.weekly_board import FEATURE, Board, WeeklyBoardService
from cogs.leaderboard import render

log = logging.getLogger(__name__)

JOB = "community:weekly-board"


class WeeklyBoardCog(commands.Cog, name="Leaderboard"):
    def __init__(self, bot: ProducerBot, service: WeeklyBoardService) -> None:
        self.bot = bot
        self.service = service

    async def cog_load(self) -> None:
        self.bot.scheduler.register(JOB, self.post_due)

    async def cog_unload(self) -> None:
        self.bot.scheduler.unregister(JOB)

    async def post_due(self, now: datetime) -> None:
        for board in await self.service.claim_due(now):
            if not board.empty:
                await self._post(board)

    async def _post(self, board: Board) -> None:
        guild = self.bot.get_guild(board.guild_id)
        channel = self.bot.get_channel(board.channel_id)
        if guild is None or not isinstance(channel, discord.TextChannel | discord.Thread):
            await self._tell(board.guild_id, board.channel_id)
            return

        def name_of(user_id: int) -> str:
            member = guild.get_member(user_id)
            return member.display_name if member else "a former member"

        png = await self.bot.renders.run(board.guild_id, render.board_picture, board, name_of)
        await self.bot.services.fanout.wait()
        try:
            message = await channel.send(
                embed=render.board_embed(board),
                file=render.board_file(png),
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.Forbidden:
            await self._tell(board.guild_id, board.channel_id)
            return
        except discord.HTTPException:
            log.warning("guild %s: weekly board not sent", board.guild_id, exc_info=True)
            return
        await self.service.attach(board.id, message.id)

    async def _tell(self, guild_id: int, channel_id: int) -> None:
        await self.bot.tell_moderators(
            guild_id,
            "leaderboard-channel",
            f"I couldn't post the weekly leaderboard in <#{channel_id}>: the channel is gone or "
            "I lack View Channel, Send Messages, Embed Links or Attach Files there. Choose "
            f"another with `/settings channel feature:{FEATURE}`.",
        )
