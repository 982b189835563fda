import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import require_guild_id
from bot.services.community.profiles import ProfileService
from cogs.profiles import render
from cogs.profiles.views import editor_card, panel


@app_commands.guild_only()
class ProfilesCog(
    commands.GroupCog,
    name="Profiles",
    group_name="profile",
    group_description="Your producer profile: what you do, know and look for.",
):
    def __init__(self, service: ProfileService) -> None:
        self.service = service
        super().__init__()

    @app_commands.command(name="edit", description="Edit your profile, section by section.")
    async def edit(self, interaction: discord.Interaction) -> None:
        profile = await self.service.get(require_guild_id(interaction), interaction.user.id)
        await interaction.response.send_message(
            "Pick a section to edit. 🔒 marks what only you can see.",
            embed=editor_card(self.service, profile),
            view=panel(interaction.user.id),
            ephemeral=True,
        )

    @app_commands.command(name="view", description="See a member's profile, or your own.")
    @app_commands.describe(member="Whose profile (you, if left empty)")
    async def view(
        self, interaction: discord.Interaction, member: discord.Member | None = None
    ) -> None:
        target = member or interaction.user
        card = await self.service.card(
            require_guild_id(interaction), target.id, interaction.user.id
        )
        await interaction.response.send_message(
            embed=render.card(card, self.service.skill_names), ephemeral=True
        )

    @app_commands.command(name="delete", description="Delete your profile from this server.")
    async def delete(self, interaction: discord.Interaction) -> None:
        await self.service.delete(require_guild_id(interaction), interaction.user.id)
        await interaction.response.send_message("Your profile is deleted.", ephemeral=True)
