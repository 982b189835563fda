"""Plain facts about roles for ``bot.services.core.role_safety``, read from discord.py objects."""

import discord

from bot.services.core.role_safety import BotFacts, RoleFacts, beyond_setter, grant_blockers


def role_facts(role: discord.Role) -> RoleFacts:
    granted = frozenset(name for name, value in role.permissions if value)
    return RoleFacts(role.name, role.position, granted, role.managed, role.is_default())


def bot_facts(guild: discord.Guild) -> BotFacts:
    me = guild.me
    return BotFacts(me.guild_permissions.manage_roles, me.top_role.name, me.top_role.position)


def setter_top_position(member: discord.Member) -> int | None:
    """The position of a moderator's highest role; None for the server owner (no limit)."""
    return None if member.guild.owner_id == member.id else member.top_role.position


def grant_problems(role: discord.Role, guild: discord.Guild, setting: str) -> list[str]:
    """Why the bot can't (or mustn't) give ``role`` now, each with its fix."""
    return grant_blockers(role_facts(role), bot_facts(guild), setting)


def choice_problems(role: discord.Role, moderator: discord.Member, setting: str) -> list[str]:
    """Why ``moderator`` may not choose ``role`` for the bot to hand out with ``setting``."""
    problems = grant_problems(role, moderator.guild, setting)
    return problems + beyond_setter(role_facts(role), setter_top_position(moderator))
