"""``/analyze file:``: the same technical report and picture a challenge entry gets, shown
only to the member who asked. The file is not kept: the temporary copy the analysis reads is
removed as soon as the report is made."""

import io
from datetime import timedelta

import discord
from discord import app_commands
from discord.ext import commands

from bot.audio.errors import TooLarge
from bot.audio.summary import card
from bot.checks import require_guild_id
from bot.client import ProducerBot
from bot.ui.embeds import BRAND_COLOUR, truncate
from bot.ui.text import member_text
from cogs.challenges.views import download

ANALYZE_COOLDOWN = timedelta(seconds=30)
PICTURE = "report.png"


def report_embed(name: str, text: str) -> discord.Embed:
    embed = discord.Embed(
        title=truncate(f"🎚️ {member_text(name)}", 256), description=text, colour=BRAND_COLOUR
    )
    embed.set_image(url=f"attachment://{PICTURE}")
    embed.set_footer(text="Only you see this report; your file was not kept.")
    return embed


class AnalyzeCog(commands.Cog, name="Analyze"):
    def __init__(self, bot: ProducerBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="analyze", description="A private technical report on a track: loudness, peaks…"
    )
    @app_commands.describe(file="The track (WAV, AIFF, FLAC, MP3, OGG/Opus or M4A/AAC)")
    @app_commands.guild_only()
    async def analyze(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        guild_id = require_guild_id(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        limit = interaction.filesize_limit
        if file.size > limit:
            raise TooLarge(file.filename, file.size, limit)
        cooldowns = self.bot.services.cooldowns
        async with cooldowns.hold(guild_id, interaction.user.id, "analyze", ANALYZE_COOLDOWN):
            track = await download(file)
            analysis = await self.bot.audio.analyse(
                interaction.user.id, track, file.filename, limit
            )
        await interaction.followup.send(
            embed=report_embed(file.filename, card(analysis.report)),
            file=discord.File(io.BytesIO(analysis.picture), PICTURE),
            ephemeral=True,
        )
