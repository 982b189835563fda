"""One definition of "moderator-grade": no role that lets a member act on others is handed
out by the bot, whether as a quiz reward, the champion role or the mentor role."""

import discord as discordpy
import pytest

from bot.client import ProducerBot
from bot.services.core.role_safety import MODERATOR_GRADE, RoleFacts, unsafe_role_reasons
from loopback.server import LoopbackDiscord
from tests.e2e.helpers import Server

MEMBER_GRADE = {
    "create_instant_invite", "add_reactions", "priority_speaker", "stream", "read_messages",
    "send_messages", "send_tts_messages", "embed_links", "attach_files",
    "read_message_history", "external_emojis", "view_guild_insights", "connect", "speak",
    "use_voice_activation", "change_nickname", "use_application_commands", "request_to_speak",
    "create_public_threads", "create_private_threads", "external_stickers",
    "send_messages_in_threads", "use_embedded_activities",
    "view_creator_monetization_analytics", "use_soundboard", "create_expressions",
    "create_events", "use_external_sounds", "send_voice_messages", "set_voice_channel_status",
    "send_polls", "use_external_apps",
}  # fmt: skip
"""Permissions that act only on the member's own messages, voice or view."""


def test_every_discord_permission_is_classified() -> None:
    known = {name for name, _ in discordpy.Permissions.all()}
    assert known - MEMBER_GRADE - set(MODERATOR_GRADE) == set(), "classify new permissions"


@pytest.mark.parametrize("permission", sorted(MODERATOR_GRADE))
def test_a_role_with_any_moderator_grade_permission_is_unsafe(permission: str) -> None:
    role = RoleFacts("Helpers", 1, frozenset({permission}))
    [reason] = unsafe_role_reasons(role, "/quiz roles")
    assert MODERATOR_GRADE[permission] in reason


async def test_timeout_and_manage_messages_are_refused_for_every_role_the_bot_gives(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    powers = discordpy.Permissions(moderate_members=True, manage_messages=True).value
    helpers = discord.add_role(server.guild, "Helpers", permissions=powers, position=1)
    replies = [
        await discord.slash("quiz roles", member=server.owner, type="engineer", role=helpers),
        await discord.slash("challenge champion", member=server.owner, role=helpers),
        await discord.slash("mentor role", member=server.owner, options={"role": helpers}),
    ]
    for reply in replies:
        assert "carries Manage Messages, Timeout Members" in reply.text, reply.text
        assert "never hand out roles with moderator powers" in reply.text
