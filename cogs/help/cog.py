import functools

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ProducerBot
from bot.errors import NotFound
from bot.ui.pages import PageSource, send_pages
from cogs.help import render

PAGES = "help"
"""The overview's page source: its Previous and Next answer after a restart too."""


class HelpCog(commands.Cog):
    def __init__(self, bot: ProducerBot) -> None:
        self.bot = bot
        bot.page_sources[PAGES] = PageSource(self._pages)

    async def _pages(self, _interaction: discord.Interaction, _key: str) -> list[discord.Embed]:
        return self.pages

    @functools.cached_property
    def pages(self) -> list[discord.Embed]:
        """The overview, built at its first use: the command tree does not change while the
        bot runs. Every answer shares it and is sent numbered copies."""
        return render.pages(self._commands())

    def _commands(self) -> list[render.Command]:
        commands = self.bot.tree.get_commands()
        return [c for c in commands if isinstance(c, app_commands.Command | app_commands.Group)]

    @app_commands.command(name="help", description="What this bot does, and every command.")
    @app_commands.describe(command="Show one command in detail, for example: career tip")
    async def help(self, interaction: discord.Interaction, command: str | None = None) -> None:
        if command is None:
            await send_pages(interaction, PAGES)
            return
        wanted = " ".join(command.strip().lstrip("/").lower().split())
        for group in render.groups(self._commands()):
            if group.qualified_name == wanted:
                await interaction.response.send_message(
                    embed=render.group_detail(group), ephemeral=True
                )
                return
        for candidate in render.walk(self._commands()):
            if candidate.qualified_name == wanted:
                await interaction.response.send_message(
                    embed=render.detail(candidate), ephemeral=True
                )
                return
        raise NotFound(f"There is no command called `/{wanted}`. Try `/help` for the list.")

    @help.autocomplete("command")
    async def _command_names(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        needle = current.lower().lstrip("/")
        commands = self._commands()
        names = sorted(
            [g.qualified_name for g in render.groups(commands)]
            + [c.qualified_name for c in render.walk(commands)]
        )
        return [app_commands.Choice(name=f"/{n}", value=n) for n in names if needle in n][:25]
