"""``/challenge`` for members (the moderators' subcommands are mixed in from ``admin``)."""

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import ChallengeServices
from bot.checks import require_guild_id
from bot.client import ProducerBot
from bot.services.core.periods import PERIODS, Period
from bot.ui.pages import PageSource, key_among, key_id, send_pages
from cogs.challenges import render
from cogs.challenges.admin import ModeratorCommands
from cogs.challenges.jobs import ChallengeJobs
from cogs.challenges.views import deliver_entry

BOARD, HISTORY = "challenge-board", "challenge-history"
"""The page sources of the leaderboard (by period) and of a member's history (by member)."""


class ChallengesCog(
    ModeratorCommands,
    commands.GroupCog,
    name="Challenges",
    group_name="challenge",
    group_description="Daily skill challenges: submit, vote, give feedback, build streaks.",
):
    def __init__(self, bot: ProducerBot, services: ChallengeServices) -> None:
        self.bot = bot
        self.services = services
        self.jobs = ChallengeJobs(bot, services)
        bot.page_sources[BOARD] = PageSource(self._board)
        bot.page_sources[HISTORY] = PageSource(self._history)
        super().__init__()

    async def cog_load(self) -> None:
        self.jobs.register()

    async def cog_unload(self) -> None:
        self.jobs.unregister()

    @app_commands.command(
        name="submit", description="Enter the open challenge (or replace your take)."
    )
    @app_commands.describe(
        file="Your track as an audio file",
        link="Or a link to your track (https://…)",
        notes="What you tried, what you'd like feedback on",
    )
    @app_commands.guild_only()
    async def submit(
        self,
        interaction: discord.Interaction,
        file: discord.Attachment | None = None,
        link: str | None = None,
        notes: app_commands.Range[str, 1, 1000] | None = None,
    ) -> None:
        post = await self.services.entries.open_post(require_guild_id(interaction))
        await deliver_entry(interaction, post.id, link, notes, file)

    @app_commands.command(name="leaderboard", description="Challenge points, and your rank.")
    @app_commands.describe(period="This week, this month, or all time")
    @app_commands.guild_only()
    async def leaderboard(self, interaction: discord.Interaction, period: Period = "week") -> None:
        await send_pages(interaction, BOARD, period)

    async def _board(self, interaction: discord.Interaction, period: str) -> list[discord.Embed]:
        board = await self.services.scores.leaderboard(
            require_guild_id(interaction), key_among(period, PERIODS), interaction.user.id
        )
        return render.leaderboard(board)

    @app_commands.command(name="history", description="A member's challenge entries.")
    @app_commands.describe(member="Whose history (yours if left empty)")
    @app_commands.guild_only()
    async def history(
        self, interaction: discord.Interaction, member: discord.Member | None = None
    ) -> None:
        who = (member or interaction.user).id
        await send_pages(interaction, HISTORY, str(who))

    async def _history(self, interaction: discord.Interaction, who: str) -> list[discord.Embed]:
        user_id = key_id(who)
        entries = await self.services.scores.history(require_guild_id(interaction), user_id)
        return render.history(user_id, entries)

    @app_commands.command(name="streak", description="A member's challenge streak and freezes.")
    @app_commands.describe(member="Whose streak (yours if left empty)")
    @app_commands.guild_only()
    async def streak(
        self, interaction: discord.Interaction, member: discord.Member | None = None
    ) -> None:
        who = member or interaction.user
        value = await self.services.scores.streak(require_guild_id(interaction), who.id)
        await interaction.response.send_message(
            embed=render.streak(who.display_name, value), ephemeral=True
        )

    @app_commands.command(name="rules", description="How points, votes and streaks work.")
    async def rules(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=render.rules(), ephemeral=True)

    @app_commands.command(
        name="streakdm", description="Get a DM when your streak is at risk (or stop them)."
    )
    @app_commands.describe(enabled="True to get the DM a few hours before a deadline")
    @app_commands.guild_only()
    async def streakdm(self, interaction: discord.Interaction, enabled: bool) -> None:
        await self.services.entries.set_nudges(
            require_guild_id(interaction), interaction.user.id, enabled
        )
        text = (
            "I'll DM you a few hours before a deadline when your streak is at risk. Keep your "
            "DMs from server members open for that."
            if enabled
            else "No more streak DMs."
        )
        await interaction.response.send_message(text, ephemeral=True)
