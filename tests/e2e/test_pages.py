"""Paginated answers turn their pages from the buttons' custom ids: each turn builds the
pages again (so it shows what is current), a moderators' source checks the presser on every
turn. (That they answer after a restart is in ``test_restart_buttons``; forged ids are in
``test_button_ids``.)"""

from bot.client import ProducerBot
from loopback.server import LoopbackDiscord
from loopback.world import Message
from tests.e2e.helpers import Server, offer, press_posted
from tests.helpers import eventually


def footer(message: Message) -> str:
    return str(message.embeds[0]["footer"]["text"])


async def test_a_page_turn_shows_what_is_current(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    """Six mentors fill two pages of ``/mentor list mastering``; a seventh offers while the
    first page is shown, and the second page has them too. The skill travels in the id."""
    mentors = [discord.add_member(server.guild, f"mentor{n}") for n in range(7)]
    for mentor in mentors[:6]:
        await offer(discord, mentor, ["mastering"])
    await offer(discord, server.bob, ["mixing"])  # another skill: not listed
    shown = (await discord.slash("mentor list", member=server.alice, skill="mastering")).message
    assert shown.embeds[0]["title"] == "Mentors (6)"
    assert footer(shown) == "Page 1 of 2"
    next_id = str(shown.buttons()[1]["custom_id"])
    assert next_id == "pages:mentor-list:mastering:1"

    await offer(discord, mentors[6], ["mastering"])
    await discord.click(shown, "Next", member=server.alice)
    assert shown.embeds[0]["title"] == "Mentors (7)"
    assert footer(shown) == "Page 2 of 2"
    assert f"<@{server.bob.id}>" not in shown.text
    back = await discord.click(shown, "Previous", member=server.alice)
    assert back.message.id == shown.id and footer(shown) == "Page 1 of 2"


async def test_a_moderators_pages_check_the_presser_every_time(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    """A member who is not (or no longer) a moderator cannot turn moderators' pages; a
    moderator can, also for a source slow enough to be deferred first (the introductions'
    preview)."""
    for source in ("mentor-feedback", "network-preview"):
        refused = await press_posted(discord, server.alice, f"pages:{source}:-:0")
        assert refused.ephemeral and "Only moderators" in refused.text, source

    lounge = discord.add_channel(server.guild, "networking")
    await discord.dispatch("CHANNEL_CREATE", lounge.to_json(), server.guild.id)
    await discord.slash(
        "network setup", member=server.moderator, channel=lounge, every=1, day=0, size=2
    )
    for member in (server.alice, server.bob):
        await discord.slash("network join", member=member)

    feedback = await press_posted(discord, server.moderator, "pages:mentor-feedback:-:0")
    assert "feedback" in feedback.message.embeds[0]["title"].lower()
    preview = await press_posted(discord, server.moderator, "pages:network-preview:-:0")
    await eventually(lambda: bool(preview.message.embeds), "the preview's page")
    assert f"<@{server.alice.id}>" in preview.message.text
    assert footer(preview.message) == "Page 1 of 1"


async def test_a_page_past_the_end_shows_the_last(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    """The pages may have become fewer since the buttons were shown."""
    last = await press_posted(discord, server.alice, "pages:help:-:999")
    count = footer(last.message).rpartition(" of ")[2]
    assert footer(last.message) == f"Page {count} of {count}"
    previous = last.message.buttons()[0]
    assert previous["custom_id"] == f"pages:help:-:{int(count) - 2}"
