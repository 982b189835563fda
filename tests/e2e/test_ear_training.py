"""Ear training through the loopback Discord: the audio holds the answer a listener can
hear, and answers move the member's staircase, which `/quiz stats` shows."""

import re

from sqlalchemy import select

from bot.client import ProducerBot
from bot.db.engine import Database
from bot.models.quiz import QuizRound
from bot.services.quiz import ear
from loopback.server import LoopbackDiscord
from tests.e2e.helpers import LETTERS, Server
from tests.ear_listen import choices_in, decode, hear, split

KIND_WORDS = {
    "octave band": "eq",
    "dB apart": "level",
    "compress": "compression",
    "reverb decay": "reverb",
    "pre-delay": "reverb",
    "panned": "stereo",
    "wider": "stereo",
    "delay time": "delay",
    "saturated": "saturation",
    "interval": "interval",
    "chord": "chord",
}


def listen(text: str, data: bytes) -> int:
    """The choice an attentive listener picks, from the prompt and the audio alone."""
    kind = next(kind for words, kind in KIND_WORDS.items() if words in text)
    choices = choices_in(text)
    samples, _ = decode(data)
    clips = split(samples, 1 if kind in ("interval", "chord") else 2)
    return hear(kind, text, choices, clips)[0]


async def test_an_ear_training_round_plays_audio_that_holds_the_answer(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot
) -> None:
    reply = await discord.slash("quiz skills", member=server.alice, topic="ear-training", length=3)
    message = reply.message
    for position in range(3):
        [audio] = message.attachments
        assert audio.filename == ear.AUDIO_FILE
        assert audio.data.startswith(b"OggS") and len(audio.data) < 150 * 1024
        assert "Ear training · level " in message.text  # the staircase may move mid-round
        await discord.click(message, LETTERS[listen(message.text, audio.data)], member=server.alice)
        assert "✅ Right!" in message.text
        assert message.attachments == [audio]  # still there to listen again
        if position < 2:
            await discord.click(message, "Next question", member=server.alice)
    assert "You got **3 of 3** right" in message.text


async def test_right_answers_climb_the_staircase_shown_in_quiz_stats(
    discord: LoopbackDiscord, server: Server, bot: ProducerBot, database: Database
) -> None:
    before = await discord.slash("quiz stats", member=server.alice)
    assert "No ear-training answers yet" in before.text
    reply = await discord.slash("quiz skills", member=server.alice, topic="ear-training", length=10)
    message = reply.message
    asked: list[ear.EarSpec] = []
    for position in range(10):  # ten questions of nine kinds: some kind comes twice
        async with database.read() as session:
            keys = await session.scalar(select(QuizRound.question_keys))
        assert keys is not None
        spec = ear.parse_key(keys[position])
        assert spec is not None
        asked.append(spec)
        await discord.click(message, LETTERS[ear.drill(spec).answer], member=server.alice)
        if position < 9:
            await discord.click(message, "Next question", member=server.alice)
    twice = next(s.kind for s in asked if sum(other.kind == s.kind for other in asked) >= 2)
    assert [s.level for s in asked if s.kind == twice][1] == 1
    stats = await discord.slash("quiz stats", member=server.alice)
    name = ear.KINDS[twice].name
    climbed = rf"\*\*{name}\*\*: level [23] of \d+ \(.+\); best passed: level [12]"
    assert re.search(climbed, stats.text)
    assert "Your ear training" in stats.text
    other = await discord.slash("quiz stats", member=server.bob)
    assert "No ear-training answers yet" in other.text
