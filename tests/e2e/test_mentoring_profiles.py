"""/profile end to end: editing by forms, viewing, privacy."""

from bot.client import ProducerBot
from loopback.server import LoopbackDiscord
from tests.e2e.helpers import Server


async def test_profile_edit_by_forms_and_view(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    panel = await discord.slash("profile edit", member=server.alice)
    assert panel.ephemeral
    form = await discord.click(panel.message, "About you", member=server.alice)
    saved = await discord.submit(
        form,
        {
            "What you do": ["beatmaker", "mix-engineer"],
            "Experience": ["intermediate"],
            "Time zone": "Europe/Berlin",
            "Short bio": "Dusty drums, warm keys. @everyone <@&1>",
        },
        member=server.alice,
    )
    assert "Beatmaker, Mix engineer" in saved.text and "Europe/Berlin" in saved.text
    assert saved.message.pings.nobody
    form = await discord.click(panel.message, "Skills & goals", member=server.alice)
    await discord.submit(
        form,
        {
            "Skills you have": ["daw-operation"],
            "Skills you want to learn": ["mixing-basics", "mastering"],
            "You are looking for": ["mentor", "collaborators"],
        },
        member=server.alice,
    )
    form = await discord.click(panel.message, "Genres & DAWs", member=server.alice)
    await discord.submit(
        form, {"Genres": ["lo-fi", "hip-hop"], "DAWs": ["ableton-live"]}, member=server.alice
    )

    form = await discord.click(panel.message, "Links", member=server.alice)
    refused = await discord.submit(
        form, {"Portfolio link 1": "ftp://example.com/beats"}, member=server.alice
    )
    assert refused.ephemeral and "not a web link" in refused.text
    form = await discord.click(panel.message, "Links", member=server.alice)
    await discord.submit(
        form, {"Portfolio link 1": "https://example.com/beats"}, member=server.alice
    )

    form = await discord.click(panel.message, "Privacy", member=server.alice)
    await discord.submit(form, {"Keep these private": ["timezone"]}, member=server.alice)
    own = await discord.slash("profile view", member=server.alice)
    assert own.ephemeral
    assert "Europe/Berlin" in own.text and "Time zone 🔒" in own.text
    assert "Mixing basics" in own.text and "Ableton Live" in own.text
    assert "https://example.com/beats" in own.text

    seen = await discord.slash("profile view", member=server.bob, options={"member": server.alice})
    assert "Lo-fi" in seen.text and "https://example.com/beats" in seen.text
    assert "Europe/Berlin" not in seen.text and "🔒" not in seen.text

    form = await discord.click(panel.message, "Privacy", member=server.alice)
    await discord.submit(form, {"Who sees your profile": ["hidden"]}, member=server.alice)
    hidden = await discord.slash(
        "profile view", member=server.bob, options={"member": server.alice}
    )
    assert "no public profile" in hidden.text
    assert "hidden from everyone" in (await discord.slash("profile view", member=server.alice)).text

    other = await discord.click(panel.message, "About you", member=server.bob)
    assert "belong to someone else" in other.text


async def test_deleting_a_profile(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    panel = await discord.slash("profile edit", member=server.bob)
    form = await discord.click(panel.message, "Genres & DAWs", member=server.bob)
    await discord.submit(form, {"Genres": ["techno"]}, member=server.bob)
    assert (
        "Techno"
        in (
            await discord.slash("profile view", member=server.alice, options={"member": server.bob})
        ).text
    )
    assert "deleted" in (await discord.slash("profile delete", member=server.bob)).text
    gone = await discord.slash("profile view", member=server.alice, options={"member": server.bob})
    assert "no public profile" in gone.text
    again = await discord.slash("profile delete", member=server.bob)
    assert "no profile" in again.text
