import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import moderator_only, require_guild_id
from bot.client import ProducerBot
from bot.errors import InvalidInput
from bot.services.community.weekly_board import FEATURE as BOARD_FEATURE
from bot.services.core.guild_settings import FEATURE_CHANNELS, search_timezones
from bot.services.core.overview import Overview
from bot.ui.embeds import BRAND_COLOUR

FEATURE_CHOICES = [app_commands.Choice(name=name, value=name) for name in FEATURE_CHANNELS]


DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _days(weekdays: int) -> str:
    days = [name for bit, name in enumerate(DAYS) if weekdays >> bit & 1]
    return "every day" if len(days) == 7 else "on " + ", ".join(days)


def _schedules(overview: Overview) -> list[tuple[str, str]]:
    zone = overview.config.timezone
    tip, challenge, network = overview.daily_tip, overview.challenges, overview.networking
    if tip is None:
        tip_text = "not set up (`/career daily`)"
    else:
        state = "" if tip.enabled else " · **off**"
        tip_text = f"<#{tip.channel_id}> every day at {tip.post_time} ({zone}){state}"
    if challenge is None:
        challenge_text = "not set up (`/challenge setup`)"
    else:
        extras = [f"<#{challenge.channel_id}> at {challenge.post_time} ({zone})"]
        extras[0] += f" {_days(challenge.weekdays)}"
        if challenge.paused:
            extras.append("**paused**")
        if challenge.reminder_hours:
            extras.append(f"reminder {challenge.reminder_hours} h before the deadline")
        if challenge.champion_role_id:
            extras.append(f"champion role <@&{challenge.champion_role_id}>")
        challenge_text = " · ".join(extras)
    if network is None or not network.enabled:
        network_text = "off (`/network setup`)"
    else:
        every = "every week" if network.every_weeks == 1 else f"every {network.every_weeks} weeks"
        network_text = (
            f"<#{network.channel_id}> {every} on {WEEKDAYS[network.weekday]}, groups of "
            f"{network.size}"
        )
    board = overview.config.channels.get(BOARD_FEATURE)
    board_text = (
        f"<#{board}> every Monday at 09:00 ({zone})"
        if board
        else f"off (`/settings channel feature:{BOARD_FEATURE}`)"
    )
    return [
        ("Tip of the day", tip_text),
        ("Challenges", challenge_text),
        ("Networking introductions", network_text),
        ("Weekly leaderboard", board_text),
    ]


def render(overview: Overview) -> discord.Embed:
    config = overview.config
    embed = discord.Embed(title="Server settings", colour=BRAND_COLOUR)
    embed.add_field(name="Time zone", value=config.timezone, inline=True)
    role = f"<@&{config.moderator_role_id}>" if config.moderator_role_id else "not set"
    embed.add_field(name="Moderator role", value=role, inline=True)
    embed.add_field(
        name="Schedules",
        value="\n".join(f"**{name}**: {text}" for name, text in _schedules(overview)),
        inline=False,
    )
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
        overview = await self.bot.services.overview.overview(require_guild_id(interaction))
        await interaction.response.send_message(embed=render(overview), ephemeral=True)

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
