"""A test-only extension whose command fails, to prove the error path end to end."""

import discord
from discord import app_commands
from discord.ext import commands


class Faulty(commands.Cog):
    @app_commands.command(name="explode", description="Fails on purpose (test only).")
    async def explode(self, interaction: discord.Interaction) -> None:
        raise RuntimeError("boom: the amp caught fire")


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Faulty())
