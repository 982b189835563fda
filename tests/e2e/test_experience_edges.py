"""Rough edges, smoothed, end to end through the loopback Discord."""

from bot.client import ProducerBot
from loopback.server import LoopbackDiscord
from tests.e2e.helpers import Server


async def test_help_shows_groups_options_as_discord_shows_them_and_marks_moderators(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    group = await discord.slash("help", member=server.alice, command="career")
    assert group.ephemeral and "There is no command" not in group.text
    assert "`/career tip [topic] [level]`" in group.text
    assert "`/career daily [channel] [time] [off]` 🛡️" in group.text
    assert "`/career skills`\n" in group.text  # members' commands carry no mark
    choices = await discord.autocomplete("help", "command", member=server.alice, command="car")
    assert "career" in [c["value"] for c in choices]

    roles = await discord.slash("help", member=server.alice, command="quiz roles")
    assert "/quiz roles <type> [role]" in roles.text and "producer_type" not in roles.text
    assert "For moderators only" in roles.text
    every = await discord.slash("help", member=server.alice)
    assert "/quiz roles <type>" not in every.text  # the overview page lists groups
