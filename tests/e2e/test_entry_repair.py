"""Entries an interruption left half-done (saved but never re-posted, or a replaced take not
struck through) are finished by a scheduled job, once."""

from datetime import timedelta

import pytest

from bot.client import ProducerBot
from bot.clock import ManualClock
from bot.services.challenges.entries import REPAIR_AFTER, AudioFile
from bot.ui import delivery
from loopback.server import LoopbackDiscord
from tests.e2e.helpers import Server, post_today, set_up_challenges, thread_of


async def test_a_saved_entry_without_its_re_post_is_posted_by_the_repair_job(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, clock: ManualClock
) -> None:
    channel = await set_up_challenges(discord, server, bot)
    thread = thread_of(discord, await post_today(discord, server, channel))
    entries = bot.services.challenges.entries
    post = await entries.open_post(server.guild.id)
    # What a crash between saving and re-posting leaves behind:
    await entries.submit(
        server.guild.id, server.alice.id, post.id, link="https://e.com/a", notes=None, file=None
    )
    track = AudioFile("take.wav", "audio/wav", 1000)
    await entries.submit(server.guild.id, server.bob.id, post.id, link=None, notes=None, file=track)

    await bot.scheduler.run_due()
    assert discord.channel_messages(thread) == [], "too early: the member may still be waiting"
    clock.advance(REPAIR_AFTER + timedelta(seconds=1))
    await bot.scheduler.run_due()
    await bot.scheduler.run_due()  # a second run finds nothing left to do

    alice, bob = discord.channel_messages(thread)
    assert f"<@{server.alice.id}>" in alice.text and "https://e.com/a" in alice.text
    assert "submit the file again" in bob.text
    assert [b["label"] for b in alice.buttons()] == ["Vote", "Feedback"]
    assert await entries.half_done(clock.now()) == []


async def test_a_replaced_take_left_unstruck_is_struck_by_the_repair_job(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, clock: ManualClock
) -> None:
    channel = await set_up_challenges(discord, server, bot)
    thread = thread_of(discord, await post_today(discord, server, channel))
    first = await discord.slash("challenge submit", member=server.alice, link="https://e.com/1")
    assert "is in" in first.text
    [old] = discord.channel_messages(thread)
    entries = bot.services.challenges.entries
    post = await entries.open_post(server.guild.id)
    await entries.submit(  # replaced, then interrupted before the re-post and the strike
        server.guild.id, server.alice.id, post.id, link="https://e.com/2", notes=None, file=None
    )
    clock.advance(REPAIR_AFTER + timedelta(seconds=1))
    await bot.scheduler.run_due()

    struck, new = discord.channel_messages(thread)
    assert struck.id == old.id and "replaced by a newer one" in struck.text
    assert struck.buttons() == []
    assert "https://e.com/2" in new.text and "New take" in new.text
    assert await entries.half_done(clock.now()) == []


async def test_a_re_post_discord_refuses_is_explained_then_repaired(
    discord: LoopbackDiscord,
    server: Server,
    bot: ProducerBot,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(delivery, "RETRY_DELAYS", (0.05, 0.05, 0.05))
    channel = await set_up_challenges(discord, server, bot)
    thread = thread_of(discord, await post_today(discord, server, channel))
    discord.inject_fault("POST", f"/channels/{thread.id}/messages", 503, times=4)
    reply = await discord.slash("challenge submit", member=server.alice, link="https://e.com/1")
    assert "Your entry is saved, but Discord would not show it" in reply.text
    assert discord.channel_messages(thread) == []

    clock.advance(REPAIR_AFTER + timedelta(seconds=1))
    await bot.scheduler.run_due()
    [shown] = discord.channel_messages(thread)
    assert "https://e.com/1" in shown.text
