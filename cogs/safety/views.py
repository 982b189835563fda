"""The report card in the mod-log and its persistent "Mark handled" button."""

import discord

from bot.checks import ensure_moderator, producer_bot, require_guild_id
from bot.services.community.safety import ReportInfo
from bot.ui.buttons import IdButton
from bot.ui.errors import reports_errors
from bot.ui.text import member_text
from bot.ui.views import PersistentButtons, handled_view


def report_embed(report: ReportInfo) -> discord.Embed:
    handled = report.handled_by is not None
    embed = discord.Embed(
        title="Member report" + (" · handled" if handled else ""),
        colour=discord.Colour.green() if handled else discord.Colour.red(),
    )
    embed.description = member_text(report.reason)
    embed.add_field(name="Reported", value=f"<@{report.reported_id}>", inline=True)
    embed.add_field(name="By", value=f"<@{report.reporter_id}>", inline=True)
    if handled:
        embed.add_field(name="Handled by", value=f"<@{report.handled_by}>", inline=True)
    embed.set_footer(text=f"Report #{report.id} · {'handled' if handled else 'open'}")
    embed.timestamp = report.created_at
    return embed


class ReportHandledButton(IdButton, template="safety:handled:{report_id:id}"):
    """Moderators press it once a report is dealt with; it works across restarts."""

    def __init__(self, report_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Mark handled",
                style=discord.ButtonStyle.success,
                custom_id=self.custom_id_for(report_id=report_id),
            )
        )
        self.report_id = report_id

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        await ensure_moderator(interaction)
        report = await producer_bot(interaction).services.safety.mark_report_handled(
            require_guild_id(interaction), self.report_id, interaction.user.id, on_card=True
        )
        done = handled_view(f"Handled by {interaction.user.display_name}")
        await interaction.response.edit_message(embed=report_embed(report), view=done)


def report_view(report: ReportInfo) -> discord.ui.View:
    return PersistentButtons(ReportHandledButton(report.id))
