"""The one place where errors of slash commands, buttons, selects and modals end up.

The member gets a short ephemeral explanation; the operator gets a log line with the guild,
the member and the command, and for unexpected errors the traceback and a reference id
that the member can quote.
"""

import functools
import logging
import secrets
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.errors import DomainError
from bot.logs import interaction_failed
from bot.ui.embeds import truncate

log = logging.getLogger(__name__)
SelfT = TypeVar("SelfT")


def _describe(error: Exception) -> str | None:
    """The sentence for an error the member can act on, or None for a fault of ours."""
    if isinstance(error, DomainError):
        return str(error)
    if isinstance(error, app_commands.MissingPermissions):
        missing = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"You need the {missing} permission to do that."
    if isinstance(error, app_commands.BotMissingPermissions):
        missing = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"I need the {missing} permission here; ask a moderator to grant it."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command only works inside a server."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} seconds."
    if isinstance(error, app_commands.TransformerError):
        return f"I could not understand {error.value!r} there. Please check it and try again."
    if isinstance(error, app_commands.CheckFailure):
        return str(error) or "You are not allowed to use this command."
    return None


def _where(interaction: discord.Interaction) -> str:
    command = interaction.command.qualified_name if interaction.command else None
    data: dict[str, object] = dict(interaction.data or {})
    custom_id = data.get("custom_id")
    return (
        f"guild={interaction.guild_id} user={interaction.user.id} "
        f"command={command!r} component={custom_id!r}"
    )


async def report_error(interaction: discord.Interaction, error: Exception) -> None:
    """Answer the member and log for the operator. Shared by the tree, views and modals."""
    original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
    sentence = _describe(original)
    interaction_failed(interaction, refused=sentence is not None)
    if sentence is None:
        reference = secrets.token_hex(4)
        log.error("unexpected error ref=%s %s", reference, _where(interaction), exc_info=original)
        sentence = (
            "Sorry, something went wrong on our side. If it keeps happening, tell a moderator "
            f"and quote the reference `{reference}`."
        )
    else:
        log.info("refused %s: %s", _where(interaction), sentence)
        sentence = truncate(sentence, 2000)  # it may quote what the member typed
    try:
        if interaction.response.is_done():
            await interaction.followup.send(sentence, ephemeral=True)
        else:
            await interaction.response.send_message(sentence, ephemeral=True)
    except discord.HTTPException:
        log.warning("could not deliver an error message %s", _where(interaction), exc_info=True)


def reports_errors(
    callback: Callable[[SelfT, discord.Interaction], Coroutine[Any, Any, None]],
) -> Callable[[SelfT, discord.Interaction], Coroutine[Any, Any, None]]:
    """Wrap a component or modal callback so that its errors reach ``report_error``
    (discord.py would only log them, leaving the member with no answer)."""

    @functools.wraps(callback)
    async def wrapper(self: SelfT, interaction: discord.Interaction) -> None:
        try:
            await callback(self, interaction)
        except Exception as error:
            await report_error(interaction, error)

    return wrapper
