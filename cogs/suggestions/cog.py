import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import require_guild_id
from bot.client import ProducerBot
from bot.errors import NotFound
from bot.services.community.suggestions import SuggestionService
from cogs.suggestions.views import SuggestionModal


class SuggestionsCog(commands.Cog, name="Suggestions"):
    def __init__(self, bot: ProducerBot, service: SuggestionService) -> None:
        self.bot = bot
        self.service = service

    @app_commands.command(name="suggest", description="Send an idea to this server's moderators.")
    @app_commands.guild_only()
    async def suggest(self, interaction: discord.Interaction) -> None:
        config = await self.bot.services.guild_settings.get(require_guild_id(interaction))
        channel_id = config.channels.get("suggestions")
        channel = (
            interaction.guild.get_channel(channel_id) if interaction.guild and channel_id else None
        )
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            raise NotFound(
                "Suggestions are not set up here yet: a moderator can choose a channel "
                "with `/settings channel feature:suggestions`."
            )
        await interaction.response.send_modal(SuggestionModal(self.service, channel))
