"""Plain facts about roles for ``bot.services.role_rewards``, read from discord.py objects."""

import discord

from bot.services.role_rewards import BotFacts, RoleFacts


def role_facts(role: discord.Role) -> RoleFacts:
    granted = frozenset(name for name, value in role.permissions if value)
    return RoleFacts(role.name, role.position, granted, role.managed, role.is_default())


def bot_facts(guild: discord.Guild) -> BotFacts:
    me = guild.me
    return BotFacts(me.guild_permissions.manage_roles, me.top_role.name, me.top_role.position)


def setter_top_position(member: discord.Member) -> int | None:
    """The position of a moderator's highest role; None for the server owner (no limit)."""
    return None if member.guild.owner_id == member.id else member.top_role.position
