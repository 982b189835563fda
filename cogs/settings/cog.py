import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import moderator_only, require_guild_id
from bot.client import ProducerBot
from bot.errors import InvalidInput
from bot.services.core.guild_settings import FEATURE_CHANNELS, GuildConfig, search_timezones
from bot.ui.embeds import BRAND_COLOUR

FEATURE_CHOICES = [app_commands.Choice(name=name, value=name) for name in FEATURE_CHANNELS]


def render(config: GuildConfig) -> discord.Embed:
    embed = discord.Embed(title="Server settings", colour=BRAND_COLOUR)
    embed.add_field(name="Time zone", value=config.timezone, inline=True)
    role = f"<@&{config.moderator_role_id}>" if config.moderator_role_id else "not set"
    embed.add_field(name="Moderator role", value=role, inline=True)
    for feature, purpose in FEATURE_CHANNELS.items():
        channel_id = config.channels.get(feature)
        where = f"<#{channel_id}>" if channel_id else "not set"
        embed.add_field(name=f"Channel: {feature}", value=f"{where}\n{purpose}", inline=False)
    embed.set_footer(text="Moderators: Manage Server, or the moderator role.")
    return embed


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class SettingsCog(
    commands.GroupCog,
    group_name="settings",
    group_description="Server settings for this bot (moderators).",
):
    def __init__(self, bot: ProducerBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="show", description="Show this server's settings.")
    @moderator_only
    async def show(self, interaction: discord.Interaction) -> None:
        config = await self.bot.services.guild_settings.get(require_guild_id(interaction))
        await interaction.response.send_message(embed=render(config), ephemeral=True)

    @app_commands.command(name="timezone", description="Set the time zone for schedules.")
    @app_commands.describe(zone="An IANA time zone such as Europe/Berlin (start typing)")
    @moderator_only
    async def timezone(self, interaction: discord.Interaction, zone: str) -> None:
        config = await self.bot.services.guild_settings.set_timezone(
            require_guild_id(interaction), zone
        )
        await interaction.response.send_message(
            f"Time zone set to **{config.timezone}**.", ephemeral=True
        )

    @timezone.autocomplete("zone")
    async def _zones(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in search_timezones(current)]

    @app_commands.command(name="modrole", description="Set or clear the moderator role.")
    @app_commands.describe(role="Members with this role moderate the bot; leave empty to clear")
    @moderator_only
    async def modrole(
        self, interaction: discord.Interaction, role: discord.Role | None = None
    ) -> None:
        if role is not None and (role.is_default() or role.managed):
            raise InvalidInput("Pick a normal role: not @everyone and not a bot's own role.")
        await self.bot.services.guild_settings.set_moderator_role(
            require_guild_id(interaction), role.id if role else None
        )
        text = f"Moderator role set to {role.mention}." if role else "Moderator role cleared."
        await interaction.response.send_message(text, ephemeral=True)

    @app_commands.command(name="channel", description="Choose the channel a feature posts in.")
    @app_commands.describe(
        feature="The feature that posts there", channel="The channel; leave empty to turn off"
    )
    @app_commands.choices(feature=FEATURE_CHOICES)
    @moderator_only
    async def channel(
        self,
        interaction: discord.Interaction,
        feature: str,
        channel: discord.TextChannel | None = None,
    ) -> None:
        await self.bot.services.guild_settings.set_channel(
            require_guild_id(interaction), feature, channel.id if channel else None
        )
        text = (
            f"**{feature}** will post in {channel.mention}."
            if channel
            else f"**{feature}** has no channel now."
        )
        await interaction.response.send_message(text, ephemeral=True)
