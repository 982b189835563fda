"""Tempo and key estimates on generated loops and chord progressions."""

import pytest

from bot.audio.meter import Meter, Sketch
from bot.audio.music import key, tempo
from tests.audio_signals import Signal, clicks, drums, progression

TEMPI = range(70, 181, 10)


def sketch(audio: Signal, rate: int) -> Sketch:
    meter = Meter(rate, audio.shape[0])
    for start in range(0, audio.shape[1], meter.block_size):
        meter.feed(audio[:, start : start + meter.block_size])
    return meter.sketch()


@pytest.mark.parametrize("loop", [clicks, drums])
def test_tempo_within_one_bpm_from_70_to_180(loop) -> None:
    """Half or double the tempo counts as a miss."""
    misses = {}
    for bpm in [*TEMPI, 95.5, 128, 174]:
        found = sketch(loop(bpm), 44100)
        estimate = tempo(found.mono, found.mono_rate)
        if estimate is None or abs(estimate - bpm) > 1:
            misses[bpm] = estimate
    assert misses == {}


def test_key_of_progressions_in_all_24_keys() -> None:
    wrong = {}
    for tonic in range(12):
        for minor in (False, True):
            found = sketch(progression(tonic, minor, seconds=6.0, rate=11025), 11025)
            estimate = key(found.mono, found.mono_rate)
            if estimate is None or (estimate.tonic, estimate.minor) != (tonic, minor):
                wrong[(tonic, minor)] = estimate and estimate.name
    assert len(wrong) <= 24 * 0.1, wrong


def test_no_estimates_for_a_short_or_shapeless_track() -> None:
    short = sketch(clicks(120, seconds=2.0), 44100)
    assert tempo(short.mono, short.mono_rate) is None
    assert key(short.mono, short.mono_rate) is None
