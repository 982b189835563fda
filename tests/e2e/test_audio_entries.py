"""Audio entries end to end through the loopback Discord: every file entry is re-posted
with its technical report, picture and a listening copy at one loudness; ``/analyze``
answers privately; a blind challenge names no author before its results."""

from datetime import UTC, datetime

import pytest

from bot.audio.report import measure
from bot.audio.summary import TARGET_LUFS
from bot.client import ProducerBot
from bot.clock import ManualClock
from loopback.server import LoopbackDiscord
from loopback.world import Message
from tests.audio_signals import encode, progression
from tests.e2e.helpers import Server, post_today, set_up_challenges, thread_of, tick

pytestmark = pytest.mark.slow
ANALYSIS = 120.0
"""Seconds a reply may take: the first analysis starts the worker process."""


def take(tonic: int, level: float, extension: str) -> bytes:
    """Five seconds of chords, ``level`` times full scale, as a file of ``extension``."""
    return encode(progression(tonic, False, seconds=5.0, rate=48000) * level, 48000, extension)


async def test_file_entries_get_a_report_and_a_listening_copy_at_one_loudness(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    channel = await set_up_challenges(discord, server, bot)
    thread = thread_of(discord, await post_today(discord, server, channel))
    quiet, loud = take(0, 0.05, "wav"), take(7, 0.9, "flac")
    for member, name, data in ((server.alice, "quiet.wav", quiet), (server.bob, "loud.flac", loud)):
        upload = discord.upload(name, data, "audio/wav" if name.endswith("wav") else "audio/flac")
        done = await discord.slash("challenge submit", member=member, file=upload, timeout=ANALYSIS)
        assert "is in" in done.text
    # A file the analysis cannot read is refused with the reason, and nothing is posted.
    damaged = discord.upload("broken.wav", quiet[:44] + bytes(range(256)) * 8, "audio/wav")
    refused = await discord.slash(
        "challenge submit", member=server.moderator, file=damaged, timeout=ANALYSIS
    )
    assert refused.ephemeral and "`broken.wav`" in refused.text, refused.text
    entries = discord.channel_messages(thread)
    assert len(entries) == 2
    louder = []
    for entry, original in zip(entries, (quiet, loud), strict=True):
        assert "Technical report" in entry.text and "LUFS" in entry.text and "dBTP" in entry.text
        assert "Listening copy" in entry.text and entry.pings.nobody
        copy, picture, kept = entry.attachments
        assert copy.filename.startswith("listening-copy-") and copy.filename.endswith(".mp3")
        assert picture.filename == "report.png" and picture.data.startswith(b"\x89PNG")
        assert kept.data == original  # the original stays downloadable
        measured = measure(copy.data, copy.filename).report
        assert measured.integrated == pytest.approx(TARGET_LUFS, abs=0.5)
        assert measured.true_peak <= -1.0
        louder.append(measure(original, kept.filename).report.integrated)
    assert louder[1] - louder[0] > 20  # the originals were far apart

    # /analyze: the same report, privately; bad files get a sentence.
    upload = discord.upload("idea.flac", loud, "audio/flac")
    report = await discord.slash("analyze", member=server.alice, file=upload, timeout=ANALYSIS)
    assert report.ephemeral and "LUFS" in report.text and "not kept" in report.text
    assert report.message.attachments[0].filename == "report.png"
    again = await discord.slash("analyze", member=server.alice, file=upload)
    assert again.ephemeral and "again in" in again.text  # the cooldown
    text = discord.upload("notes.txt", b"just some words, no sound at all" * 20, "text/plain")
    refused = await discord.slash("analyze", member=server.bob, file=text, timeout=ANALYSIS)
    assert refused.ephemeral and "is not an audio file I can read" in refused.text


def mentions(message: Message, *members: int) -> list[int]:
    return [member for member in members if str(member) in message.text]


async def test_a_blind_challenge_names_no_author_before_the_results(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, clock: ManualClock
) -> None:
    channel = await set_up_challenges(discord, server, bot)
    setup = await discord.slash(
        "challenge setup", member=server.moderator, channel=channel, time="09:00", blind=True
    )
    assert "Blind voting" in setup.text
    await tick(bot, clock, datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    [post] = discord.channel_messages(channel)
    thread = thread_of(discord, post)
    upload = discord.upload("alice-final-mix.wav", take(2, 0.3, "wav"), "audio/wav")
    mine = await discord.slash(
        "challenge submit", member=server.alice, file=upload, timeout=ANALYSIS
    )
    assert "shows as **Entry" in mine.text
    await discord.slash("challenge submit", member=server.bob, link="https://example.com/bob")
    alice_entry, bob_entry = discord.channel_messages(thread)
    labels = [entry.text.split("**Entry ")[1].split("**")[0] for entry in (alice_entry, bob_entry)]
    assert labels[0] != labels[1]
    assert all(a.filename.find("alice") < 0 for a in alice_entry.attachments)

    # Votes and feedback: a self-vote is refused to its author alone, feedback names the
    # entry's letter.
    assert "your own" in (await discord.click(alice_entry, "Vote", member=server.alice)).text
    assert "1 vote" in (await discord.click(alice_entry, "Vote", member=server.bob)).text
    form = await discord.click(alice_entry, "Feedback", member=server.bob)
    await discord.submit(form, {"Your feedback": "Lovely chords, more low end?"}, member=server.bob)
    authors = (server.alice.id, server.bob.id)
    before = discord.channel_messages(thread) + discord.channel_messages(channel)
    for message in before:
        if message.id == discord.channel_messages(thread)[-1].id:  # the feedback names its writer
            assert mentions(message, server.alice.id) == [] and f"Entry {labels[0]}" in message.text
            continue
        assert mentions(message, *authors) == [], message.text

    await tick(bot, clock, datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    results = next(m for m in discord.channel_messages(channel) if "Results" in m.text)
    assert f"Entry {labels[0]} · <@{server.alice.id}>: 1 vote" in results.text
    assert f"Entry {labels[1]}: <@{server.bob.id}>" in results.text and results.pings.nobody
