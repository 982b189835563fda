from datetime import datetime

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import ProducerBot
from bot.services.community.suggestions import SuggestionService
from bot.ui.delivery import update_card
from bot.ui.views import HANDLED_ELSEWHERE, handled_view
from cogs.suggestions.views import (
    SuggestionForm,
    announcement,
    author_on,
    suggestion_embed,
    suggestions_channel,
)


class SuggestionsCog(commands.Cog, name="Suggestions"):
    def __init__(self, bot: ProducerBot, service: SuggestionService) -> None:
        self.bot = bot
        self.service = service

    async def cog_load(self) -> None:
        self.bot.scheduler.register("suggestions:handled-cards", self.update_cards)

    async def cog_unload(self) -> None:
        self.bot.scheduler.unregister("suggestions:handled-cards")

    async def update_cards(self, now: datetime) -> None:
        """Show suggestions handled on the dashboard as handled on their cards too."""
        for suggestion, card in await self.service.outdated_cards(self.bot.owns_guild):
            message = self.bot.get_partial_messageable(card.channel_id).get_partial_message(
                card.message_id
            )
            try:
                shown: discord.Message | None = await message.fetch()
            except (discord.NotFound, discord.Forbidden):
                shown = None  # the card is gone or out of reach: nothing to update
            except discord.HTTPException:
                continue  # tried again on the next tick
            if shown is None or await update_card(
                message,
                content=announcement(suggestion),
                embed=suggestion_embed(suggestion, author_on(shown)),
                view=handled_view(HANDLED_ELSEWHERE),
            ):
                await self.service.card_updated(suggestion.guild_id, suggestion.id)

    @app_commands.command(name="suggest", description="Send an idea to this server's moderators.")
    @app_commands.guild_only()
    async def suggest(self, interaction: discord.Interaction) -> None:
        await suggestions_channel(interaction)  # refused now, not after the member has typed
        await interaction.response.send_modal(SuggestionForm.shown())
