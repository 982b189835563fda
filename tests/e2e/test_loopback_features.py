"""Discord features the cogs rely on, checked through the real client and the loopback."""

from collections.abc import AsyncIterator

import pytest

from bot.client import ProducerBot
from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from loopback.server import LoopbackDiscord
from tests.e2e.helpers import Server, start_bot, stop_bot


@pytest.fixture
async def probe_bot(
    discord: LoopbackDiscord,
    server: Server,
    database: Database,
    clock: ManualClock,
    content: Content,
) -> AsyncIterator[ProducerBot]:
    bot, task = await start_bot(
        discord, database, clock, content, extra_extensions=("tests.e2e.probe",)
    )
    yield bot
    await stop_bot(bot, task)


@pytest.mark.usefixtures("probe_bot")
async def test_a_modal_with_a_file_upload_and_a_select(
    discord: LoopbackDiscord, server: Server
) -> None:
    form = await discord.slash("probe-upload", member=server.alice)
    beat = discord.upload("beat.mp3", b"ID3" + b"\0" * 100, "audio/mpeg")
    done = await discord.submit(form, {"Track": [beat], "Mood": ["dark"]}, member=server.alice)
    assert done.text == "beat.mp3:103 dark"


@pytest.mark.usefixtures("probe_bot")
async def test_threads_and_direct_messages(discord: LoopbackDiscord, server: Server) -> None:
    reply = await discord.slash("probe-thread", member=server.alice)
    thread_id = int(reply.text.split()[1].rstrip(","))
    thread = discord.channels[thread_id]
    [greeting] = discord.channel_messages(thread)
    assert greeting.content == f"Hello <@{server.alice.id}>"
    assert greeting.pings.nobody
    assert "dm sent" in reply.text
    assert [m.content for m in discord.dms(server.alice.user)] == ["A DM"]

    server.bob.user.dms_open = False
    closed = await discord.slash("probe-thread", member=server.bob)
    assert "dm closed" in closed.text


@pytest.mark.usefixtures("probe_bot")
async def test_a_member_select_resolves_the_member(
    discord: LoopbackDiscord, server: Server
) -> None:
    menu = await discord.slash("probe-pick", member=server.alice)
    picked = await discord.select(menu.message, [server.bob], member=server.alice)
    assert picked.text == "picked bob"
