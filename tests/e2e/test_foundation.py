"""The foundation end to end: start-up, commands, buttons, modals, errors, mentions."""

import logging
from datetime import timedelta

import pytest

from bot.client import ProducerBot
from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from loopback.gateway import PRIVILEGED_INTENTS
from loopback.server import LoopbackDiscord
from tests.e2e.helpers import Server, start_bot, stop_bot

HOSTILE = "@everyone look <@&{role}> and <@{user}> @here"


async def test_startup_identifies_without_privileged_intents_and_syncs(
    discord: LoopbackDiscord, bot: ProducerBot
) -> None:
    [session] = discord.sessions
    assert session.intents & PRIVILEGED_INTENTS == 0
    names = {command["name"] for command in discord.commands}
    assert {"help", "settings", "suggest"} <= names
    assert any(r.method == "PUT" and r.path.endswith("/commands") for r in discord.requests)


async def test_help_answers_privately_and_pages_with_buttons(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    reply = await discord.slash("help", member=server.alice)
    assert reply.ephemeral
    assert "Producer bot: help" in reply.text
    assert "/settings" in reply.text
    first_footer = reply.message.embeds[0]["footer"]["text"]
    assert first_footer.startswith("Page 1 of ")

    turned = await discord.click(reply.message, "Next", member=server.alice)
    assert turned.message.id == reply.message.id
    assert turned.message.embeds[0]["footer"]["text"].startswith("Page 2 of ")
    titles = [turned.message.embeds[0]["title"]]
    while "/settings" not in titles[-1]:
        turned = await discord.click(reply.message, "Next", member=server.alice)
        titles.append(turned.message.embeds[0]["title"])
    assert "/settings timezone <zone>" in turned.text
    assert titles == sorted(titles)


async def test_someone_elses_buttons_are_refused(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    reply = await discord.slash("privacy delete", member=server.alice)
    shown = reply.message.text
    refused = await discord.click(reply.message, "Delete my data", member=server.bob)
    assert refused.ephemeral
    assert "belong to someone else" in refused.text
    assert reply.message.text == shown


async def test_help_for_one_command_and_its_autocomplete(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    choices = await discord.autocomplete("help", "command", member=server.alice, command="zone")
    assert [c["value"] for c in choices] == ["settings timezone"]
    reply = await discord.slash("help", member=server.alice, command="settings timezone")
    assert "zone (required)" in reply.text
    missing = await discord.slash("help", member=server.alice, command="nonsense")
    assert missing.ephemeral
    assert "no command called `/nonsense`" in missing.text


async def test_members_are_refused_moderator_subcommands(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    refused = await discord.slash("settings timezone", member=server.alice, zone="Europe/Berlin")
    assert refused.ephemeral
    assert "Only moderators" in refused.text
    settings = await bot.services.guild_settings.get(server.guild.id)
    assert settings.timezone == "UTC"

    done = await discord.slash("settings timezone", member=server.moderator, zone="Europe/Berlin")
    assert "Europe/Berlin" in done.text
    assert (await bot.services.guild_settings.get(server.guild.id)).timezone == "Europe/Berlin"


async def test_bad_input_gets_a_friendly_error(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    choices = await discord.autocomplete(
        "settings timezone", "zone", member=server.moderator, zone="berl"
    )
    assert "Europe/Berlin" in [c["value"] for c in choices]
    reply = await discord.slash("settings timezone", member=server.moderator, zone="Mars/Olympus")
    assert reply.ephemeral
    assert "not a time zone I know" in reply.text


async def test_suggestion_modal_posts_and_no_user_text_pings_anyone(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    board = discord.add_channel(server.guild, "suggestions")
    mods = next(r for r in server.guild.roles.values() if r.name == "Mods")
    hostile = HOSTILE.format(role=mods.id, user=server.bob.id)

    not_yet = await discord.slash("suggest", member=server.alice)
    assert "not set up here yet" in not_yet.text
    chosen = await discord.slash(
        "settings channel", member=server.moderator, feature="suggestions", channel=board
    )
    assert f"will post in <#{board.id}>" in chosen.text

    form = await discord.slash("suggest", member=server.alice)
    assert form.record.callback_type == 9, form.text
    assert form.modal["title"] == "Suggest something"
    thanks = await discord.submit(
        form, {"Title": hostile[:100], "Your idea": f"Please {hostile}"}, member=server.alice
    )
    assert thanks.ephemeral
    assert "@\u200beveryone" in thanks.text  # shown as typed, inert
    assert thanks.message.pings.nobody

    [posted] = discord.channel_messages(board)
    assert "@\u200beveryone" in posted.content
    assert f"<@\u200b&{mods.id}>" in posted.content
    assert posted.pings.nobody
    sent = [r for r in discord.requests if r.method == "POST" and str(board.id) in r.path]
    assert sent[-1].body["allowed_mentions"] == {"parse": []}

    refused = await discord.click(posted, "Mark handled", member=server.bob)
    assert "Only moderators" in refused.text
    handled = await discord.click(posted, "Mark handled", member=server.moderator)
    assert handled.message.id == posted.id
    assert posted.edited_at is not None
    assert "@\u200beveryone" in posted.content
    assert posted.pings.nobody
    assert posted.buttons()[0]["label"] == "Handled by Mona"
    assert posted.buttons()[0]["disabled"] is True


async def test_persistent_button_works_after_a_restart(
    discord: LoopbackDiscord,
    server: Server,
    database: Database,
    clock: ManualClock,
    content: Content,
) -> None:
    board = discord.add_channel(server.guild, "suggestions")
    bot, task = await start_bot(discord, database, clock, content)
    await bot.services.guild_settings.set_channel(server.guild.id, "suggestions", board.id)
    form = await discord.slash("suggest", member=server.alice)
    await discord.submit(
        form, {"Title": "Beat battle", "Your idea": "Monthly"}, member=server.alice
    )
    [posted] = discord.channel_messages(board)
    await stop_bot(bot, task)

    bot, task = await start_bot(discord, database, clock, content)
    try:
        await discord.click(posted, "Mark handled", member=server.moderator)
        assert "handled" in posted.embeds[0]["footer"]["text"]
    finally:
        await stop_bot(bot, task)


async def test_a_failing_command_answers_with_a_reference_and_logs_the_traceback(
    discord: LoopbackDiscord,
    server: Server,
    database: Database,
    clock: ManualClock,
    content: Content,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bot, task = await start_bot(
        discord, database, clock, content, extra_extensions=("tests.e2e.faulty",)
    )
    try:
        with caplog.at_level(logging.ERROR, logger="bot.ui.errors"):
            reply = await discord.slash("explode", member=server.alice)
    finally:
        await stop_bot(bot, task)
    assert reply.ephemeral
    assert "something went wrong" in reply.text
    assert "reference" in reply.text
    [record] = [r for r in caplog.records if r.name == "bot.ui.errors"]
    reference = reply.text.split("`")[1]
    assert f"ref={reference}" in record.getMessage()
    assert f"guild={server.guild.id}" in record.getMessage()
    assert f"user={server.alice.id}" in record.getMessage()
    assert "command='explode'" in record.getMessage()
    assert record.exc_info is not None
    assert "amp caught fire" in str(record.exc_info[1])


async def test_suggestions_have_a_cooldown_that_survives_a_restart(
    discord: LoopbackDiscord,
    server: Server,
    database: Database,
    clock: ManualClock,
    content: Content,
) -> None:
    board = discord.add_channel(server.guild, "suggestions")
    bot, task = await start_bot(discord, database, clock, content)
    await bot.services.guild_settings.set_channel(server.guild.id, "suggestions", board.id)
    form = await discord.slash("suggest", member=server.alice)
    await discord.submit(form, {"Title": "One", "Your idea": "First"}, member=server.alice)
    await stop_bot(bot, task)
    bot, task = await start_bot(discord, database, clock, content)
    try:
        form = await discord.slash("suggest", member=server.alice)
        again = await discord.submit(
            form, {"Title": "Two", "Your idea": "Next"}, member=server.alice
        )
        assert again.ephemeral
        assert "again in 2 minutes" in again.text
        assert len(discord.channel_messages(board)) == 1
        form = await discord.slash("suggest", member=server.bob)
        await discord.submit(form, {"Title": "Bob's", "Your idea": "Hi"}, member=server.bob)
        clock.advance(timedelta(minutes=2))
        form = await discord.slash("suggest", member=server.alice)
        await discord.submit(form, {"Title": "Three", "Your idea": "Later"}, member=server.alice)
        assert len(discord.channel_messages(board)) == 3
    finally:
        await stop_bot(bot, task)
