import functools

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import producer_bot
from bot.client import ProducerBot
from bot.errors import NotFound
from bot.ui.buttons import IdButton
from bot.ui.errors import reports_errors
from bot.ui.views import PersistentButtons, numbered
from cogs.help import render


class HelpPageButton(IdButton, template="help:page:{index:index}"):
    """Turns the overview to page ``index``. Persistent: the buttons answer for as long as
    the message is there (also after a restart), and no view is kept per answer."""

    def __init__(self, index: int, *, back: bool = False, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="Previous" if back else "Next",
                emoji="◀️" if back else "▶️",
                style=discord.ButtonStyle.secondary,
                custom_id=self.custom_id_for(index=index),
                disabled=disabled,
            )
        )
        self.index = index

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        cog = producer_bot(interaction).get_cog(HelpCog.__cog_name__)
        assert isinstance(cog, HelpCog)
        if self.index >= len(cog.pages):
            raise NotFound("That page is gone: run `/help` again.")
        await interaction.response.edit_message(
            embed=numbered(cog.pages, self.index), view=page_turns(self.index, len(cog.pages))
        )


def page_turns(index: int, count: int) -> discord.ui.View:
    """Previous and Next for page ``index`` of ``count`` (none for a single page)."""
    if count == 1:
        return PersistentButtons()
    return PersistentButtons(
        HelpPageButton(max(index - 1, 0), back=True, disabled=index == 0),
        HelpPageButton(min(index + 1, count - 1), disabled=index == count - 1),
    )


class HelpCog(commands.Cog):
    def __init__(self, bot: ProducerBot) -> None:
        self.bot = bot

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
            await interaction.response.send_message(
                embed=numbered(self.pages, 0), view=page_turns(0, len(self.pages)), ephemeral=True
            )
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
