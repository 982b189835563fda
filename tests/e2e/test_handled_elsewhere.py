"""A report or suggestion marked handled away from its card (on the web dashboard, which
calls the same services) shows as handled on its card too: the bot's scheduler brings the
card up to date, once, in the process that serves the guild."""

from bot.client import ProducerBot
from bot.clock import ManualClock
from loopback.server import LoopbackDiscord
from loopback.world import Channel
from tests.e2e.helpers import Server, tick


async def feature_channel(discord: LoopbackDiscord, server: Server, feature: str) -> Channel:
    channel = discord.add_channel(server.guild, feature)
    await discord.dispatch("CHANNEL_CREATE", channel.to_json(), server.guild.id)
    await discord.slash(
        "settings channel", member=server.moderator, feature=feature, channel=channel
    )
    return channel


async def test_a_report_handled_on_the_dashboard_is_shown_handled_on_its_card(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, clock: ManualClock
) -> None:
    log = await feature_channel(discord, server, "mod-log")
    reason = "Posted the same promo link in every channel this morning."
    await discord.slash(
        "report", member=server.bob, options={"member": server.alice, "reason": reason}
    )
    [card] = await discord.wait_for_messages(log, 1)
    report_id = int(card.embeds[0]["footer"]["text"].split("#")[1].split()[0])

    await bot.services.safety.mark_report_handled(server.guild.id, report_id, server.moderator.id)
    assert "open" in card.embeds[0]["footer"]["text"]  # the scheduler has not run yet
    await tick(bot, clock, clock.now())
    assert "handled" in card.embeds[0]["footer"]["text"]
    assert f"<@{server.moderator.id}>" in card.text
    [label] = card.buttons()
    assert label == {**label, "label": "Handled on the dashboard", "disabled": True}

    edits = [r for r in discord.requests if r.method == "PATCH" and str(card.id) in r.path]
    await tick(bot, clock, clock.now())
    assert [r for r in discord.requests if r.method == "PATCH" and str(card.id) in r.path] == edits


async def test_a_suggestion_handled_on_the_dashboard_is_shown_handled_on_its_card(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, clock: ManualClock
) -> None:
    board = await feature_channel(discord, server, "suggestions")
    form = await discord.slash("suggest", member=server.alice)
    await discord.submit(
        form, {"Title": "Mix-feedback night", "Your idea": "Every Friday."}, member=server.alice
    )
    [card] = discord.channel_messages(board)
    suggestion_id = int(card.embeds[0]["footer"]["text"].split("#")[1].split()[0])

    await bot.services.suggestions.mark_handled(server.guild.id, suggestion_id, server.moderator.id)
    await tick(bot, clock, clock.now())
    assert card.embeds[0]["footer"]["text"].endswith("· handled")
    assert card.embeds[0]["author"]["name"] == "Suggestion from Alice"  # kept from the card
    [label] = card.buttons()
    assert label["label"] == "Handled on the dashboard" and label["disabled"] is True


async def test_a_card_handled_on_discord_is_not_edited_again(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, clock: ManualClock
) -> None:
    log = await feature_channel(discord, server, "mod-log")
    reason = "Keeps sending unsolicited beats for sale in my DMs."
    await discord.slash(
        "report", member=server.bob, options={"member": server.alice, "reason": reason}
    )
    [card] = await discord.wait_for_messages(log, 1)
    await discord.click(card, "Mark handled", member=server.moderator)
    edits = [r for r in discord.requests if r.method == "PATCH" and str(card.id) in r.path]
    await tick(bot, clock, clock.now())
    assert [r for r in discord.requests if r.method == "PATCH" and str(card.id) in r.path] == edits
    assert card.buttons()[0]["label"] == "Handled by Mona"
