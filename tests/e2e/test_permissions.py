"""The permission matrix: every command, run by every kind of member. Moderator commands
are refused to members by the runtime check (registered default permissions are only a
hint, and do not cover subcommands), and allowed to every kind of moderator."""

from collections.abc import Iterator
from typing import Any

import pytest
from discord import app_commands

from bot.checks import moderator_only
from bot.client import ProducerBot
from loopback import interactions as ix
from loopback.server import LoopbackDiscord
from loopback.world import GUILD_TEXT, Member
from tests.e2e.helpers import Server

REFUSED = "Only moderators"
MODERATOR_CHECK = moderator_only(lambda: None).__discord_app_commands_checks__[0]  # type: ignore[attr-defined]


def leaves(bot: ProducerBot) -> Iterator[app_commands.Command[Any, ..., Any]]:
    pending = list(bot.tree.get_commands())
    while pending:
        command = pending.pop()
        if isinstance(command, app_commands.Group):
            pending += command.commands
        elif isinstance(command, app_commands.Command):
            yield command


def is_moderator_command(command: app_commands.Command[Any, ..., Any]) -> bool:
    return MODERATOR_CHECK in command.checks


def benign_options(discord: LoopbackDiscord, server: Server, path: list[str]) -> dict[str, Any]:
    command = next(c for c in discord.commands if c["name"] == path[0])
    options = command.get("options") or []
    for name in path[1:]:
        options = next(o for o in options if o["name"] == name).get("options") or []
    channel = next(c for c in server.guild.channels.values() if c.type == GUILD_TEXT)
    values: dict[str, Any] = {}
    for option in options:
        if not option.get("required"):
            continue
        kind = option["type"]
        if option.get("choices"):
            values[option["name"]] = option["choices"][0]["value"]
        elif kind == ix.STRING:
            values[option["name"]] = "test"
        elif kind in (ix.INTEGER, ix.NUMBER):
            values[option["name"]] = option.get("min_value", 1)
        elif kind == ix.BOOLEAN:
            values[option["name"]] = False
        elif kind in (ix.USER, ix.MENTIONABLE):
            values[option["name"]] = server.bob
        elif kind == ix.ROLE:
            values[option["name"]] = server.guild.everyone
        elif kind == ix.CHANNEL:
            values[option["name"]] = channel
        elif kind == ix.ATTACHMENT:
            values[option["name"]] = discord.upload("take.mp3", b"ID3", "audio/mpeg")
    return values


async def run_as(discord: LoopbackDiscord, server: Server, name: str, who: Member) -> str:
    reply = await discord.slash(
        name, member=who, options=benign_options(discord, server, name.split())
    )
    if reply.record.callback_type == ix.MODAL:
        return "(a form opened)"
    return reply.text


async def test_moderator_commands_need_a_moderator_at_run_time(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    helpers = discord.add_role(server.guild, "Helpers", position=1)
    helper = discord.add_member(server.guild, "hana", roles=(helpers,))
    owner = server.guild.members[server.guild.owner_id]
    checked = 0
    for command in leaves(bot):
        name = command.qualified_name
        if is_moderator_command(command):
            assert REFUSED in await run_as(discord, server, name, server.alice), name
            for moderator in (server.moderator, helper, owner):
                # Commands run before may have changed the settings (/settings modrole).
                await bot.services.guild_settings.set_moderator_role(server.guild.id, helpers.id)
                assert REFUSED not in await run_as(discord, server, name, moderator), name
            checked += 1
        else:
            assert REFUSED not in await run_as(discord, server, name, server.alice), name
    assert checked >= 5


async def test_server_commands_are_not_offered_in_direct_messages(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    """Commands about a server's data are registered as server-only, so Discord does not
    offer them in DMs; any that are offered there answer politely."""
    for command in leaves(bot):
        name = command.qualified_name
        options = benign_options(discord, server, name.split())
        registered = next(c for c in discord.commands if c["name"] == name.split()[0])
        if 1 not in (registered.get("contexts") or [0, 1, 2]):
            with pytest.raises(LookupError, match="Discord offers no DM use"):
                await discord.slash(name, member=server.alice.user, options=options)
            continue
        reply = await discord.slash(name, member=server.alice.user, options=options)
        assert "went wrong" not in reply.text, name


async def test_default_permissions_agree_with_the_runtime_check(bot: ProducerBot) -> None:
    """A top-level command whose every subcommand is for moderators is registered with
    Manage Server as its default permission, so Discord hides it from members too."""
    for command in bot.tree.get_commands():
        if not isinstance(command, app_commands.Group):
            continue
        subcommands = list(leaves_of(command))
        if all(is_moderator_command(sub) for sub in subcommands):
            assert command.default_permissions is not None, command.name
            assert command.default_permissions.manage_guild, command.name
        elif any(not is_moderator_command(sub) for sub in subcommands):
            assert command.default_permissions is None, command.name


def leaves_of(group: app_commands.Group) -> Iterator[app_commands.Command[Any, ..., Any]]:
    for command in group.commands:
        if isinstance(command, app_commands.Group):
            yield from leaves_of(command)
        else:
            yield command


@pytest.mark.usefixtures("bot")
async def test_a_stale_moderator_button_is_refused_to_a_member(
    discord: LoopbackDiscord, server: Server
) -> None:
    board = discord.add_channel(server.guild, "suggestions")
    await discord.slash(
        "settings channel", member=server.moderator, feature="suggestions", channel=board
    )
    form = await discord.slash("suggest", member=server.alice)
    await discord.submit(form, {"Title": "Idea", "Your idea": "Details"}, member=server.alice)
    [posted] = discord.channel_messages(board)
    # The moderator role is taken away; the button on the old message no longer works for them.
    mods = next(r for r in server.guild.roles.values() if r.name == "Mods")
    server.moderator.role_ids.remove(mods.id)
    refused = await discord.click(posted, "Mark handled", member=server.moderator)
    assert REFUSED in refused.text


async def test_a_moderator_cannot_hand_out_a_role_above_their_own(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    bot_role = next(r for r in server.guild.roles.values() if r.name == "Producer Bot")
    bot_role.position = 10
    helpers = discord.add_role(server.guild, "Helpers", position=2)
    helper = discord.add_member(server.guild, "hana", roles=(helpers,))
    prize = discord.add_role(server.guild, "Prize", position=3)
    await bot.services.guild_settings.set_moderator_role(server.guild.id, helpers.id)
    owner = server.guild.members[server.guild.owner_id]
    for command, options in (
        ("quiz roles", {"type": "engineer", "role": prize}),
        ("challenge champion", {"role": prize}),
    ):
        refused = await discord.slash(command, member=helper, options=options)
        assert "not below your own highest role" in refused.text, command
        allowed = await discord.slash(command, member=owner, options=options)
        assert "not below your own highest role" not in allowed.text, command
