"""Ear training: every kind at every level holds its answer, measurably above the level's
threshold, without a step at either end; the files are small Ogg Opus at 48 kHz; each
member's staircase moves on a real database and sets the next question's level."""

import random
import re

import numpy as np
import pytest
from sqlalchemy import Connection, select

from bot.app import QuizServices, build_services
from bot.clock import ManualClock
from bot.content import Content
from bot.db.engine import Database
from bot.models.quiz import EarLevel
from bot.services.quiz import ear
from bot.services.quiz.ear import kinds, staircase
from bot.services.quiz.ear.signals import RATE
from bot.services.quiz.ear.staircase import Climb, step
from tests.ear_listen import decode, hear, hertz, split

GUILD, ALICE = 1001, 11
EVERY_LEVEL = [
    (kind, level) for kind, spec in ear.KINDS.items() for level in range(1, len(spec.levels) + 1)
]


@pytest.mark.parametrize(("kind", "level"), EVERY_LEVEL)
def test_every_level_holds_its_answer_above_its_threshold(kind: str, level: int) -> None:
    documented = ear.KINDS[kind].levels[level - 1]
    for seed in (1, 2):
        spec = ear.EarSpec(kind, level, seed)
        drill = ear.drill(spec)
        clips = ear.clips(spec)
        heard, measured = hear(kind, drill.prompt, drill.choices, clips)
        assert heard == drill.answer, spec
        assert measured >= documented.threshold, (spec, measured, documented)
        for clip in clips:
            assert clip.ndim == 2 and clip.shape[1] == 2
            assert np.max(np.abs(clip[[0, -1]])) < 1e-6, spec  # faded to silence at both ends
            edge = RATE // 1000
            assert np.max(np.abs(clip[:edge])) < 0.1 * np.max(np.abs(clip)), spec
            assert np.max(np.abs(clip[-edge:])) < 0.1 * np.max(np.abs(clip)), spec


@pytest.mark.parametrize("kind", list(ear.KINDS))
def test_the_file_is_small_ogg_opus_that_a_listener_can_still_answer(kind: str) -> None:
    spec = ear.EarSpec(kind, len(ear.KINDS[kind].levels) // 2, 3)
    data = ear.render_audio(spec.key)
    assert data[:4] == b"OggS" and b"OpusHead" in data[:64]
    assert ear.AUDIO_FILE.endswith(".ogg")
    assert len(data) < 120 * 1024
    samples, rate = decode(data)
    assert rate == 48_000
    assert np.max(np.abs(samples[:10])) < 0.01 and np.max(np.abs(samples[-10:])) < 0.01
    drill = ear.drill(spec)
    clips = split(samples, len(ear.clips(spec)))
    assert hear(kind, drill.prompt, drill.choices, clips)[0] == drill.answer


def test_keys_round_trip_and_odd_keys_are_refused() -> None:
    spec = ear.EarSpec("eq", 6, 1234)
    assert ear.parse_key(spec.key) == spec
    for key in ("ear:eq:7:1", "ear:eq:0:1", "ear:tempo:1:1", "ear:band:hard:1", "ear:eq:1"):
        assert ear.parse_key(key) is None, key
    assert ear.drill(spec).prompt == ear.drill(spec).prompt


def test_explanations_name_the_range_the_band_is_in() -> None:
    ranges = {"sub range": (0, 60), "highs": (6000, 10000), "air": (10000, 20000)}
    for level in range(1, len(kinds.EQ) + 1):
        for seed in range(12):
            drill = ear.drill(ear.EarSpec("eq", level, seed))
            said = re.findall(r"Around (\S+ k?Hz) lies ([^.]+)\.", drill.explanation)
            assert len(said) == len(drill.choices[drill.answer].split(" and ")), drill
            for band, words in said:
                for word, (low, high) in ranges.items():
                    assert (word in words) == (low <= hertz(band) < high), drill.explanation


def test_the_staircase_climbs_after_two_right_and_drops_after_a_miss() -> None:
    now = Climb(1, 0, 0)
    for correct, expected in [
        (True, Climb(1, 1, 0)),
        (True, Climb(2, 0, 1)),
        (True, Climb(2, 1, 1)),
        (False, Climb(1, 0, 1)),
        (False, Climb(1, 0, 1)),
    ]:
        now = step(now, correct, top=6)
        assert now == expected
    assert step(Climb(6, 1, 5), True, top=6) == Climb(6, 0, 6)


@pytest.fixture
def quiz(any_database: Database, clock: ManualClock, content: Content) -> QuizServices:
    return build_services(any_database, clock, content, rng=random.Random(4)).quiz


async def test_answers_move_the_staircase_and_set_the_next_questions_level(
    quiz: QuizServices, any_database: Database
) -> None:
    asked = await quiz.solo.start(GUILD, ALICE, ear.EAR_TOPIC, 8)
    first = ear.parse_key(asked.question.key)
    assert first is not None and first.level == 1
    kind_levels: dict[str, int] = {}
    for position in range(8):
        spec = ear.parse_key(asked.question.key)
        assert spec is not None
        assert spec.level == kind_levels.get(spec.kind, 1)  # the level the member stands at
        await quiz.solo.answer(GUILD, asked.round_id, position, ALICE, asked.question.answer)
        async with any_database.read() as session:
            row = await session.scalar(select(EarLevel).filter_by(kind=spec.kind))
        assert row is not None
        kind_levels[spec.kind] = row.level
        if position < 7:
            asked = await quiz.solo.next(GUILD, asked.round_id, position, ALICE)
    standings = await quiz.ear.standings(GUILD, ALICE)
    assert sum(standing.answered for standing in standings) == 8
    assert any(standing.level == 2 and standing.best == 1 for standing in standings)
    assert await quiz.ear.standings(GUILD + 1, ALICE) == []

    fresh = await quiz.solo.start(GUILD, ALICE, ear.EAR_TOPIC, 20)
    spec = ear.parse_key(fresh.question.key)
    assert spec is not None and spec.level == kind_levels.get(spec.kind, 1)
    wrong = (fresh.question.answer + 1) % len(fresh.question.choices)
    await quiz.solo.answer(GUILD, fresh.round_id, 0, ALICE, wrong)
    after = {s.kind: s for s in await quiz.ear.standings(GUILD, ALICE)}[spec.kind]
    assert after.level == max(spec.level - 1, 1)


async def test_only_answers_at_the_members_level_move_the_staircase(
    any_database: Database, clock: ManualClock
) -> None:

    def answer(connection: Connection) -> None:
        for level, correct in [(1, True), (3, False), (1, True), (1, False), (2, False)]:
            spec = ear.EarSpec("delay", level, 7)
            staircase.record(connection, GUILD, ALICE, spec, correct, clock.now())

    await any_database.run(answer, write=True)
    async with any_database.read() as session:
        row = await session.scalar(select(EarLevel))
    assert row is not None
    assert (row.level, row.streak, row.best, row.answered) == (1, 0, 1, 3)
