"""Who moderates a guild: members with the Manage Server permission (owners and
administrators have it), or with the moderator role set in the bot. The bot's commands
and the web dashboard both ask this."""

from collections.abc import Iterable

from bot.services.core.guild_settings import GuildConfig


def moderates(manage_guild: bool, role_ids: Iterable[int], config: GuildConfig) -> bool:
    """Whether a member with these powers and roles moderates ``config``'s guild."""
    if manage_guild:
        return True
    return config.moderator_role_id is not None and config.moderator_role_id in set(role_ids)
