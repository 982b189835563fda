"""Moderators' ``/challenge`` subcommands. Each is checked at run time (``moderator_only``):
a registered default permission can't protect a subcommand of a group members use."""

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import ChallengeServices
from bot.checks import moderator_only, require_guild_id
from bot.client import ProducerBot
from bot.errors import InvalidInput
from bot.services.challenges.schedule import parse_date
from bot.services.challenges.settings import Cadence
from bot.services.core.guild_settings import search_timezones
from bot.ui.embeds import truncate
from bot.ui.roles import choice_problems
from cogs.challenges import render
from cogs.challenges.jobs import ChallengeJobs
from cogs.challenges.queue import ChallengeForm, QueueView


class ModeratorCommands(commands.Cog):
    """Mixed into ``ChallengesCog``: discord.py collects these commands into its group."""

    bot: ProducerBot
    services: ChallengeServices
    jobs: ChallengeJobs

    @app_commands.command(name="setup", description="Moderators: where and when to post.")
    @app_commands.describe(
        channel="The channel for the challenges",
        time="Local time of day, HH:MM",
        timezone="The server's time zone (start typing a city); kept if left empty",
        blind="Blind voting: entries shown as Entry A, B, C… until the results; kept if empty",
    )
    @app_commands.guild_only()
    @moderator_only
    async def setup(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel,
        time: str,
        timezone: str | None = None,
        blind: bool | None = None,
    ) -> None:
        settings = await self.services.settings.setup(
            require_guild_id(interaction), channel.id, time, timezone, blind
        )
        await interaction.response.send_message(render.settings(settings), ephemeral=True)

    @setup.autocomplete("timezone")
    async def _zones(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=zone, value=zone) for zone in search_timezones(current)]

    @app_commands.command(name="pause", description="Moderators: stop posting challenges.")
    @app_commands.guild_only()
    @moderator_only
    async def pause(self, interaction: discord.Interaction) -> None:
        settings = await self.services.settings.set_paused(require_guild_id(interaction), True)
        await interaction.response.send_message(render.settings(settings), ephemeral=True)

    @app_commands.command(name="resume", description="Moderators: post challenges again.")
    @app_commands.guild_only()
    @moderator_only
    async def resume(self, interaction: discord.Interaction) -> None:
        settings = await self.services.settings.set_paused(require_guild_id(interaction), False)
        await interaction.response.send_message(render.settings(settings), ephemeral=True)

    @app_commands.command(name="postnow", description="Moderators: post today's challenge now.")
    @app_commands.guild_only()
    @moderator_only
    async def postnow(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        post = await self.services.posting.post_now(require_guild_id(interaction))
        message = await self.jobs.send_post(post)
        if message is None:
            raise InvalidInput(
                f"I could not post in <#{post.channel_id}>: check my permissions there "
                "(challenges are paused until `/challenge resume`)."
            )
        await interaction.followup.send(f"Posted: {message.jump_url}", ephemeral=True)

    @app_commands.command(name="cadence", description="Moderators: daily, weekdays or weekly.")
    @app_commands.describe(
        every="How often", days="The days, like `mon, wed, fri` (weekdays) or `fri` (weekly)"
    )
    @app_commands.guild_only()
    @moderator_only
    async def cadence(
        self, interaction: discord.Interaction, every: Cadence, days: str | None = None
    ) -> None:
        settings = await self.services.settings.set_cadence(
            require_guild_id(interaction), every, days
        )
        await interaction.response.send_message(render.settings(settings), ephemeral=True)

    @app_commands.command(
        name="reminder", description="Moderators: a reminder before the deadline, or none."
    )
    @app_commands.describe(
        hours="Hours before the deadline (leave empty to turn the reminder off)",
        role="The one role the reminder may mention (optional)",
    )
    @app_commands.guild_only()
    @moderator_only
    async def reminder(
        self,
        interaction: discord.Interaction,
        hours: app_commands.Range[int, 1, 48] | None = None,
        role: discord.Role | None = None,
    ) -> None:
        if role is not None and (role.is_default() or role.managed):
            raise InvalidInput("Pick a normal role for the reminder (not @everyone).")
        settings = await self.services.settings.set_reminder(
            require_guild_id(interaction), hours, role.id if role else None
        )
        await interaction.response.send_message(render.settings(settings), ephemeral=True)

    @app_commands.command(
        name="champion", description="Moderators: a role for the month's top member, or none."
    )
    @app_commands.describe(role="The champion role (leave empty to stop handing one out)")
    @app_commands.guild_only()
    @moderator_only
    async def champion(
        self, interaction: discord.Interaction, role: discord.Role | None = None
    ) -> None:
        if role is not None and isinstance(interaction.user, discord.Member):
            problems = choice_problems(role, interaction.user, "/challenge champion")
            if problems:
                raise InvalidInput("\n".join(problems))
        settings = await self.services.settings.set_champion_role(
            require_guild_id(interaction), role.id if role else None
        )
        await interaction.response.send_message(render.settings(settings), ephemeral=True)

    @app_commands.command(
        name="feedback", description="Moderators: feedback a member gives before placing."
    )
    @app_commands.describe(required="Pieces of feedback on others' entries (0 to turn off)")
    @app_commands.guild_only()
    @moderator_only
    async def feedback(
        self, interaction: discord.Interaction, required: app_commands.Range[int, 0, 10]
    ) -> None:
        settings = await self.services.settings.set_feedback_required(
            require_guild_id(interaction), required
        )
        await interaction.response.send_message(render.settings(settings), ephemeral=True)

    @app_commands.command(name="add", description="Moderators: write a challenge and schedule it.")
    @app_commands.describe(date="A date, YYYY-MM-DD (leave empty for the end of the queue)")
    @app_commands.guild_only()
    @moderator_only
    async def add(self, interaction: discord.Interaction, date: str | None = None) -> None:
        day = parse_date(date) if date else None  # refused now, not after the form is written
        await interaction.response.send_modal(ChallengeForm.opened(self.bot.content.career, day))

    @app_commands.command(
        name="schedule", description="Moderators: schedule a challenge from the built-in bank."
    )
    @app_commands.describe(
        challenge="A built-in challenge (start typing)",
        date="A date, YYYY-MM-DD (leave empty for the end of the queue)",
    )
    @app_commands.guild_only()
    @moderator_only
    async def schedule(
        self, interaction: discord.Interaction, challenge: str, date: str | None = None
    ) -> None:
        card = self.services.schedule.bank_card(challenge)
        added = await self.services.schedule.add(
            require_guild_id(interaction), interaction.user.id, card, date
        )
        where = f"for {added.local_date}" if added.local_date else "at the end of the queue"
        await interaction.response.send_message(
            f"Scheduled **{card.title}** {where}.", ephemeral=True
        )

    @schedule.autocomplete("challenge")
    async def _bank(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=truncate(card.title, 100), value=card.bank_id or "")
            for card in self.services.schedule.search_bank(current)
        ]

    @app_commands.command(
        name="queue", description="Moderators: the next 14 days; edit, move or remove."
    )
    @app_commands.guild_only()
    @moderator_only
    async def queue(self, interaction: discord.Interaction) -> None:
        view = await QueueView.build(
            interaction.user.id,
            require_guild_id(interaction),
            self.services,
            self.bot.content.career,
        )
        await view.send(interaction)
