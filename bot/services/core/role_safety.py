"""Whether a role is safe for the bot to hand out (quiz rewards, the champion, the mentor role),
as pure functions on plain facts about the role and the bot."""

from dataclasses import dataclass

MODERATOR_GRADE = {
    "administrator": "Administrator",
    "manage_guild": "Manage Server",
    "manage_roles": "Manage Roles",
    "manage_channels": "Manage Channels",
    "manage_messages": "Manage Messages",
    "manage_threads": "Manage Threads",
    "manage_nicknames": "Manage Nicknames",
    "manage_webhooks": "Manage Webhooks",
    "manage_events": "Manage Events",
    "manage_expressions": "Manage Expressions",
    "kick_members": "Kick Members",
    "ban_members": "Ban Members",
    "moderate_members": "Timeout Members",
    "mention_everyone": "Mention Everyone",
    "view_audit_log": "View Audit Log",
    "mute_members": "Mute Members",
    "deafen_members": "Deafen Members",
    "move_members": "Move Members",
    "pin_messages": "Pin Messages",
    "bypass_slowmode": "Bypass Slowmode",
}
"""Moderator-grade permissions (discord.py names: labels): each lets a member act on others
or on the server. A role the bot hands out (quiz rewards, the champion role, the mentor
role) must carry none of them."""


@dataclass(frozen=True, slots=True)
class RoleFacts:
    """What the bot knows about a role, as plain values."""

    name: str
    position: int
    permissions: frozenset[str]
    managed: bool = False
    is_default: bool = False


@dataclass(frozen=True, slots=True)
class BotFacts:
    """The bot's own standing in the guild."""

    manage_roles: bool
    top_role_name: str
    top_position: int


def unsafe_role_reasons(role: RoleFacts, setting: str) -> list[str]:
    """Why a role must never be a reward, whatever the bot's own permissions. ``setting``
    is the command where moderators choose the role."""
    if role.is_default:
        return [f"@everyone is not a role I can hand out. Pick another role with `{setting}`."]
    if role.managed:
        return [
            f"**{role.name}** is managed by an integration (a bot or server boosts), so nobody "
            f"can hand it out. Pick another role with `{setting}`."
        ]
    powers = [label for name, label in MODERATOR_GRADE.items() if name in role.permissions]
    if powers:
        return [
            f"**{role.name}** carries {', '.join(powers)}: I never hand out roles with "
            "moderator powers. A moderator can remove those permissions from the role in "
            f"Server Settings → Roles, or pick another role with `{setting}`."
        ]
    return []


def grant_blockers(role: RoleFacts, bot: BotFacts, setting: str) -> list[str]:
    """Everything that stops the bot from giving ``role`` safely, each with its fix."""
    reasons = unsafe_role_reasons(role, setting)
    if not bot.manage_roles:
        reasons.append(
            "I don't have the **Manage Roles** permission. A moderator can grant it to my "
            f"role **{bot.top_role_name}** in Server Settings → Roles."
        )
    if role.position >= bot.top_position:
        reasons.append(
            f"**{role.name}** is not below my highest role **{bot.top_role_name}**, and "
            "Discord only lets me give roles below my own. A moderator can drag "
            f"**{bot.top_role_name}** above **{role.name}** in Server Settings → Roles."
        )
    return reasons


def beyond_setter(role: RoleFacts, setter_top_position: int | None) -> list[str]:
    """A moderator may only choose a role below their own highest role (the server owner
    may choose any): otherwise they could hand out, through the bot, more than they hold.
    ``setter_top_position`` is None for the owner."""
    if setter_top_position is None or role.position < setter_top_position:
        return []
    return [
        f"**{role.name}** is not below your own highest role, so you can't have me hand it "
        "out. Someone with a higher role, or the server owner, can set it."
    ]
