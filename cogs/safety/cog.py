import logging
from datetime import datetime

import discord
from discord import AllowedMentions, app_commands
from discord.ext import commands

from bot.checks import require_guild_id
from bot.client import ProducerBot
from bot.errors import NotFound
from bot.services.community.safety import REASON_MAX, REASON_MIN, SafetyService
from bot.services.core.cooldowns import REPORT_COOLDOWN
from bot.ui.delivery import text_channel, update_card
from bot.ui.views import HANDLED_ELSEWHERE, handled_view
from cogs.safety.views import report_embed, report_view

log = logging.getLogger(__name__)


@app_commands.guild_only()
class SafetyCog(commands.Cog, name="Safety"):
    def __init__(self, bot: ProducerBot, service: SafetyService) -> None:
        self.bot, self.service = bot, service

    async def cog_load(self) -> None:
        self.bot.scheduler.register("safety:handled-cards", self.update_cards)

    async def cog_unload(self) -> None:
        self.bot.scheduler.unregister("safety:handled-cards")

    async def update_cards(self, now: datetime) -> None:
        """Show reports handled on the dashboard as handled on their cards too."""
        for report, card in await self.service.outdated_cards(self.bot.owns_guild):
            message = self.bot.get_partial_messageable(card.channel_id).get_partial_message(
                card.message_id
            )
            if await update_card(
                message, embed=report_embed(report), view=handled_view(HANDLED_ELSEWHERE)
            ):
                await self.service.card_updated(report.guild_id, report.id)

    @app_commands.command(name="block", description="Never be matched with or asked by a member.")
    @app_commands.describe(member="The member to block")
    async def block(self, interaction: discord.Interaction, member: discord.Member) -> None:
        await self.service.block(require_guild_id(interaction), interaction.user.id, member.id)
        await interaction.response.send_message(
            f"Blocked {member.mention}: you won't be suggested, matched or asked by each other. "
            "They are not told.",
            ephemeral=True,
        )

    @app_commands.command(name="unblock", description="Lift a block you set.")
    @app_commands.describe(member="The member to unblock")
    async def unblock(self, interaction: discord.Interaction, member: discord.Member) -> None:
        await self.service.unblock(require_guild_id(interaction), interaction.user.id, member.id)
        await interaction.response.send_message(f"Unblocked {member.mention}.", ephemeral=True)

    @app_commands.command(name="report", description="Report a member to the moderators.")
    @app_commands.describe(
        member="Who you are reporting",
        reason=f"What happened ({REASON_MIN} to {REASON_MAX} characters)",
    )
    async def report(
        self,
        interaction: discord.Interaction,
        member: discord.Member,
        reason: app_commands.Range[str, REASON_MIN, REASON_MAX],
    ) -> None:
        guild_id = require_guild_id(interaction)
        config = await self.bot.services.guild_settings.get(guild_id)
        channel = text_channel(interaction.guild, config.channels.get("mod-log"))
        if channel is None:
            raise NotFound(
                "This server has no channel for reports yet; please contact a moderator directly "
                "(moderators: `/settings channel feature:mod-log`)."
            )
        async with self.bot.services.cooldowns.hold(
            guild_id, interaction.user.id, "report", REPORT_COOLDOWN
        ):
            report = await self.service.report(guild_id, interaction.user.id, member.id, reason)
        await interaction.response.send_message(
            "Thank you. Your report went to the moderators; only they can see it.", ephemeral=True
        )
        try:  # after the answer: a slow or failing mod-log never leaves the member waiting
            card = await channel.send(
                embed=report_embed(report),
                view=report_view(report),
                allowed_mentions=AllowedMentions.none(),
            )
            await self.service.attach_card(guild_id, report.id, channel.id, card.id)
        except discord.HTTPException as error:
            log.warning(
                "guild %s: report #%s not posted to mod-log: %s", guild_id, report.id, error
            )
