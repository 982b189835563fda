"""Help pages, built from the command tree so they never drift from the real commands."""

from collections.abc import Iterable
from typing import Any

import discord
from discord import app_commands

from bot.checks import for_moderators
from bot.ui.embeds import BRAND_COLOUR

Command = app_commands.Command[Any, ..., Any] | app_commands.Group
Invocable = app_commands.Command[Any, ..., Any]


def walk(commands: Iterable[Command]) -> list[Invocable]:
    """Every invocable command, depth first, in a stable order."""
    found: list[Invocable] = []
    for command in sorted(commands, key=lambda c: c.name):
        if isinstance(command, app_commands.Group):
            found += walk(command.commands)
        else:
            found.append(command)
    return found


MODERATORS = "🛡️"
"""Marks a command only moderators may use."""


def groups(commands: Iterable[Command]) -> list[app_commands.Group]:
    """Every command group and subgroup, depth first."""
    found: list[app_commands.Group] = []
    for command in sorted(commands, key=lambda c: c.name):
        if isinstance(command, app_commands.Group):
            found += [command, *groups(command.commands)]
    return found


def usage(command: Invocable) -> str:
    """The command as Discord shows it: options by their shown names, ``<required>``,
    ``[optional]``."""
    parts = [f"/{command.qualified_name}"]
    for parameter in command.parameters:
        name = parameter.display_name
        parts.append(f"<{name}>" if parameter.required else f"[{name}]")
    return " ".join(parts)


def _mark(command: Invocable) -> str:
    return f" {MODERATORS}" if for_moderators(command) else ""


def _command_lines(commands: list[Invocable]) -> str:
    return "\n".join(
        f"`{usage(command)}`{_mark(command)}\n{command.description}" for command in commands
    )


def group_detail(group: app_commands.Group) -> discord.Embed:
    """A group's commands, as on its help page."""
    embed = discord.Embed(
        title=f"/{group.qualified_name}",
        colour=BRAND_COLOUR,
        description=f"{group.description}\n\n{_command_lines(walk(group.commands))}",
    )
    embed.set_footer(text=f"{MODERATORS} moderators only · /help command:<name> for one command")
    return embed


def overview(groups: list[Command]) -> discord.Embed:
    embed = discord.Embed(
        title="Producer bot: help",
        colour=BRAND_COLOUR,
        description=(
            "Career paths and tips, quizzes, daily skill challenges and mentoring for "
            "music producers. Use the buttons to page through every command, or "
            "`/help command:<name>` for one command in detail."
        ),
    )
    for group in sorted(groups, key=lambda c: c.name):
        embed.add_field(name=f"/{group.name}", value=group.description, inline=True)
    return embed


def pages(commands: list[Command], per_page: int = 10) -> list[discord.Embed]:
    """An overview page, then a page per command group (split when long), then the
    commands that stand alone."""
    result = [overview(commands)]
    groups = sorted(
        (c for c in commands if isinstance(c, app_commands.Group)), key=lambda c: c.name
    )
    singles = walk(c for c in commands if not isinstance(c, app_commands.Group))
    sections = [(f"/{group.name}: {group.description}", walk(group.commands)) for group in groups]
    if singles:
        sections.append(("More commands", singles))
    for title, members in sections:
        for start in range(0, len(members), per_page):
            chunk = members[start : start + per_page]
            lines = _command_lines(chunk)
            legend = f"\n\n{MODERATORS} moderators only" if MODERATORS in lines else ""
            result.append(
                discord.Embed(title=title, colour=BRAND_COLOUR, description=lines + legend)
            )
    return result


def detail(command: Invocable) -> discord.Embed:
    moderators = "\n\n🛡️ For moderators only." if for_moderators(command) else ""
    embed = discord.Embed(
        title=usage(command), colour=BRAND_COLOUR, description=command.description + moderators
    )
    for parameter in command.parameters:
        requirement = "required" if parameter.required else "optional"
        embed.add_field(
            name=f"{parameter.display_name} ({requirement})",
            value=parameter.description or "—",
            inline=False,
        )
    return embed
