"""Help pages, built from the command tree so they never drift from the real commands."""

from collections.abc import Iterable
from typing import Any

import discord
from discord import app_commands

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


def usage(command: Invocable) -> str:
    parts = [f"/{command.qualified_name}"]
    for parameter in command.parameters:
        parts.append(f"<{parameter.name}>" if parameter.required else f"[{parameter.name}]")
    return " ".join(parts)


def _command_lines(commands: list[Invocable]) -> str:
    return "\n".join(f"`{usage(command)}`\n{command.description}" for command in commands)


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
            result.append(
                discord.Embed(title=title, colour=BRAND_COLOUR, description=_command_lines(chunk))
            )
    return result


def detail(command: Invocable) -> discord.Embed:
    embed = discord.Embed(
        title=usage(command), colour=BRAND_COLOUR, description=command.description
    )
    for parameter in command.parameters:
        requirement = "required" if parameter.required else "optional"
        embed.add_field(
            name=f"{parameter.name} ({requirement})",
            value=parameter.description or "—",
            inline=False,
        )
    return embed
