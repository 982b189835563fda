import io

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import require_guild_id
from bot.services.community.safety import SafetyService
from bot.services.core.privacy import PrivacyService
from bot.ui import delivery
from bot.ui.views import OwnedView

WHAT_STAYS = (
    "Blocks and reports other members made about you stay with them, and messages already "
    "posted in channels stay on Discord (delete those there)."
)


PARTNER_NOTICE = (
    "A member you were paired with for mentoring in **{guild}** deleted their data there, "
    "so your mentorship or request with them has ended. `/mentor find` suggests others."
)


class ConfirmDeletion(OwnedView):
    def __init__(self, owner_id: int, service: PrivacyService, safety: SafetyService) -> None:
        super().__init__(owner_id, timeout=120)
        self.service, self.safety = service, safety

    @discord.ui.button(label="Delete my data", style=discord.ButtonStyle.danger)
    async def confirm(
        self, interaction: discord.Interaction, _: discord.ui.Button["ConfirmDeletion"]
    ) -> None:
        guild_id = require_guild_id(interaction)
        report = await self.service.delete(guild_id, interaction.user.id)
        await interaction.response.edit_message(
            content=(
                f"Done: {report.deleted_rows} records deleted and your name cleared from "
                f"{report.anonymised_rows} more. {WHAT_STAYS}"
            ),
            view=None,
        )
        self.stop()
        name = interaction.guild.name if interaction.guild else "a server"
        for partner in report.partners:
            notice = PARTNER_NOTICE.format(guild=name)
            await delivery.send_dm(interaction.client, self.safety, guild_id, partner, notice)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(
        self, interaction: discord.Interaction, _: discord.ui.Button["ConfirmDeletion"]
    ) -> None:
        await interaction.response.edit_message(content="Nothing was deleted.", view=None)
        self.stop()


@app_commands.guild_only()
class PrivacyCog(
    commands.GroupCog,
    name="Privacy",
    group_name="privacy",
    group_description="Your data in this server: get a copy, or delete it.",
):
    def __init__(self, service: PrivacyService, safety: SafetyService) -> None:
        self.service, self.safety = service, safety
        super().__init__()

    @app_commands.command(
        name="export", description="Get everything this bot keeps about you here."
    )
    async def export(self, interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await self.service.export(require_guild_id(interaction), interaction.user.id)
        await interaction.followup.send(
            "Here is everything this bot keeps about you in this server.",
            file=discord.File(io.BytesIO(data), filename="my-data.json"),
            ephemeral=True,
        )

    @app_commands.command(name="delete", description="Delete your data in this server.")
    async def delete(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            "This deletes your profile, progress, quiz results, challenge entries, votes and "
            f"everything else the bot keeps about you in this server. {WHAT_STAYS} "
            "It cannot be undone.",
            view=ConfirmDeletion(interaction.user.id, self.service, self.safety),
            ephemeral=True,
        )
