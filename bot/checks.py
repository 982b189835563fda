"""Permission checks that run when a command or button is used (a registered default
permission is only a hint to Discord's client and does not cover subcommands)."""

from typing import TYPE_CHECKING, Any, cast

import discord
from discord import app_commands

from bot.errors import NotAllowed
from bot.services.core.guild_settings import GuildConfig
from bot.services.core.moderators import moderates

if TYPE_CHECKING:
    from bot.client import ProducerBot


class NotModerator(app_commands.CheckFailure):
    def __init__(self) -> None:
        super().__init__(
            "Only moderators can do that: members with the Manage Server permission, or "
            "with the moderator role set in `/settings modrole`."
        )


def producer_bot(interaction: discord.Interaction) -> "ProducerBot":
    return cast("ProducerBot", interaction.client)


def is_moderator(member: discord.Member, config: GuildConfig) -> bool:
    return moderates(member.guild_permissions.manage_guild, (r.id for r in member.roles), config)


async def ensure_moderator(interaction: discord.Interaction) -> None:
    """Raise ``NotModerator`` unless the member moderates this guild."""
    if interaction.guild_id is None or not isinstance(interaction.user, discord.Member):
        raise app_commands.NoPrivateMessage()
    config = await producer_bot(interaction).services.guild_settings.get(interaction.guild_id)
    if not is_moderator(interaction.user, config):
        raise NotModerator()


async def _moderator_predicate(interaction: discord.Interaction) -> bool:
    try:
        await ensure_moderator(interaction)
    except app_commands.AppCommandError:
        raise
    except Exception as error:
        # discord.py only routes AppCommandError from checks to the tree's error handler.
        raise app_commands.CommandInvokeError(interaction.command, error) from error  # type: ignore[arg-type]
    return True


moderator_only = app_commands.check(_moderator_predicate)
"""Decorator for moderator commands and subcommands."""


def require_guild_id(interaction: discord.Interaction) -> int:
    """The guild the interaction happened in; refuses direct messages."""
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return interaction.guild_id


def button_of_this_guild(interaction: discord.Interaction, guild_id: int) -> None:
    """Refuse a persistent button pressed inside another guild than the one its custom id
    names (only a forged interaction can do that). Pressed in a DM, it acts on its guild."""
    if interaction.guild_id is not None and interaction.guild_id != guild_id:
        raise NotAllowed("This button belongs to another server: use it where it was posted.")


def for_moderators(command: app_commands.Command[Any, ..., Any]) -> bool:
    """Whether only moderators may use ``command`` (it, or its group, checks for them)."""
    owner: app_commands.Command[Any, ..., Any] | app_commands.Group | None = command
    while owner is not None:
        if _moderator_predicate in getattr(owner, "checks", ()):
            return True
        owner = owner.parent
    return False
