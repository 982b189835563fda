"""The command tree: every error of a slash command goes to ``bot.ui.errors``."""

import discord
from discord import app_commands

from bot.ui.errors import report_error


class ProducerTree(app_commands.CommandTree["discord.Client"]):
    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        await report_error(interaction, error)
