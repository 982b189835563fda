"""Every slash command is well-formed: names, descriptions, options, Discord's limits."""

from collections.abc import AsyncIterator

import pytest
from discord import app_commands

from bot.app import assemble
from bot.client import ProducerBot, cog_extensions
from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from loopback.limits import check_command


@pytest.fixture
async def bot(
    database: Database, clock: ManualClock, content: Content
) -> AsyncIterator[ProducerBot]:
    async with ProducerBot(assemble(database, clock, content)) as bot:
        for extension in cog_extensions():
            await bot.load_extension(extension)
        yield bot


def every_command(bot: ProducerBot) -> list[app_commands.Command]:  # type: ignore[type-arg]
    found = []
    pending = list(bot.tree.get_commands())
    while pending:
        command = pending.pop()
        if isinstance(command, app_commands.Group):
            pending += command.commands
        elif isinstance(command, app_commands.Command):
            found.append(command)
    return found


async def test_every_feature_package_is_loaded(bot: ProducerBot) -> None:
    assert {"cogs.help", "cogs.settings", "cogs.suggestions"} <= set(bot.extensions)


async def test_every_command_and_option_is_described(bot: ProducerBot) -> None:
    undescribed = [
        f"/{command.qualified_name} {parameter.name}"
        for command in every_command(bot)
        for parameter in command.parameters
        if parameter.description in ("…", "...", "")
    ]
    undescribed += [
        f"/{command.qualified_name}"
        for command in every_command(bot)
        if command.description in ("…", "...", "")
    ]
    assert undescribed == []


async def test_the_payloads_pass_discords_validation(bot: ProducerBot) -> None:
    payloads = [command.to_dict(bot.tree) for command in bot.tree.get_commands()]
    assert len(payloads) <= 100
    assert [problem for payload in payloads for problem in check_command(payload)] == []
