"""The levels of the audio report against the EBU's conformance cases (Tech 3341 for
loudness and true peak, Tech 3342 for loudness range), stereo and the same audio in every
accepted format; all on signals generated here."""

import math
import struct

import numpy as np
import pytest

from bot.audio.decode import Decoder
from bot.audio.errors import (
    CorruptAudio,
    NotAudio,
    SilentAudio,
    TooLarge,
    TooLong,
    TooShort,
    UnsupportedCodec,
)
from bot.audio.meter import Levels, Meter
from bot.audio.report import measure
from bot.audio.summary import card
from tests.audio_signals import (
    FORMATS,
    Signal,
    burst,
    encode,
    faded,
    progression,
    sine,
    steps,
    stereo,
)


def levels(audio: Signal, rate: int = 48000) -> Levels:
    meter = Meter(rate, audio.shape[0])
    for start in range(0, audio.shape[1], meter.block_size):
        meter.feed(audio[:, start : start + meter.block_size])
    return meter.levels()


@pytest.mark.parametrize(("dbfs", "expected"), [(-23.0, -23.0), (-33.0, -33.0)])
def test_tech_3341_cases_1_and_2_integrated_loudness(dbfs: float, expected: float) -> None:
    assert levels(steps([(dbfs, 20.0)])).integrated == pytest.approx(expected, abs=0.1)


def test_tech_3341_gating_cases_3_to_5() -> None:
    """Quiet passages around the programme are gated out (relative gate at -10 LU)."""
    for case in (
        [(-36.0, 10.0), (-23.0, 60.0), (-36.0, 10.0)],
        [(-72.0, 10.0), (-36.0, 10.0), (-23.0, 60.0), (-36.0, 10.0), (-72.0, 10.0)],
        [(-26.0, 20.0), (-20.0, 20.1), (-26.0, 20.0)],
    ):
        assert levels(steps(case)).integrated == pytest.approx(-23, abs=0.1)


@pytest.mark.parametrize(
    ("divisor", "amplitude", "phase", "expected"),
    [
        (4, 0.5, 0.0, -6.0),  # case 15: fs/4 at -6 dBFS
        (4, 0.5, 45.0, -6.0),  # case 16: its samples read -9 dBFS
        (6, 0.5, 60.0, -6.0),  # case 17
        (8, 0.5, 67.5, -6.0),  # case 18
        (4, 1.41, 45.0, 3.0),  # case 19: samples at full scale, the wave 3 dB over it
    ],
)
def test_tech_3341_true_peak_cases(
    divisor: int, amplitude: float, phase: float, expected: float
) -> None:
    tone = sine(48000 / divisor, 0, 2.0, amplitude=amplitude, phase_degrees=phase)
    measured = levels(faded(stereo(tone))).true_peak
    assert expected - 0.4 <= measured <= expected + 0.2


@pytest.mark.parametrize(
    "offset",
    [
        0,  # case 20: one full-scale fs/4 period in a -6 dBFS fs/6 tone, decimated at phase 0
        1,  # case 21: the same decimated one fine sample later; samples read -0.5 dBFS
        2,  # case 22: two fine samples later; the samples straddle the peak at -2.5 dBFS
        3,  # case 23: three fine samples later; samples read -0.5 dBFS
    ],
)
def test_tech_3341_true_peak_cases_20_to_23(offset: int) -> None:
    """The burst, made at 4x the rate, reads 0 dBTP whichever of the four phases is kept."""
    measured = levels(burst(offset)).true_peak
    assert -0.4 <= measured <= 0.2


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ([(-20.0, 20.0), (-30.0, 20.0)], 10.0),
        ([(-20.0, 20.0), (-15.0, 20.0)], 5.0),
        ([(-40.0, 20.0), (-20.0, 20.0)], 20.0),
        ([(-50.0, 20.0), (-35.0, 20.0), (-20.0, 20.0), (-35.0, 20.0), (-50.0, 20.0)], 15.0),
    ],
)
def test_tech_3342_loudness_range_cases(case: list[tuple[float, float]], expected: float) -> None:
    measured = levels(steps(case, rate=8000), rate=8000).loudness_range
    assert measured == pytest.approx(expected, abs=1.0)


def test_the_meter_reads_like_pyloudnorm_across_block_edges() -> None:
    """Loudness measured block by block matches pyloudnorm's whole-signal meter."""
    import pyloudnorm

    rng = np.random.default_rng(7)
    audio = (rng.standard_normal((2, 48000 * 7)) * np.linspace(0.02, 0.3, 48000 * 7)).astype(
        np.float32
    )
    reference = pyloudnorm.Meter(48000).integrated_loudness(audio.T.astype(np.float64))
    assert levels(audio).integrated == pytest.approx(reference, abs=0.05)


def test_opposite_channels_cancel_in_mono_and_equal_ones_lose_nothing() -> None:
    tone = sine(1000, -12, 3.0)
    opposite = levels(stereo(tone, -tone))
    assert opposite.correlation == pytest.approx(-1.0, abs=1e-6)
    assert opposite.mono_loss == math.inf
    assert "cancels out entirely in mono" in card(
        measure(encode(stereo(tone, -tone), 48000), "x.wav").report
    )
    same = levels(stereo(tone))
    assert same.correlation == pytest.approx(1.0, abs=1e-6)
    assert same.mono_loss == pytest.approx(0.0, abs=0.01)


def test_sample_peak_and_clipped_samples() -> None:
    tone = np.clip(sine(100, 3.0, 1.0), -1, 1)
    measured = levels(stereo(tone))
    assert measured.sample_peak == pytest.approx(0.0, abs=0.01)
    assert measured.clipped > 100
    assert levels(stereo(sine(100, -6.0, 1.0))).clipped == 0


def test_the_same_audio_reads_the_same_in_every_format() -> None:
    audio = progression(2, False, seconds=5.0, rate=48000)
    reports = {ext: measure(encode(audio, 48000, ext), f"take.{ext}").report for ext in FORMATS}
    wav = reports["wav"]
    assert wav.bit_depth == 16 and wav.channels == 2 and wav.rate == 48000
    for ext, report in reports.items():
        assert report.integrated == pytest.approx(wav.integrated, abs=0.2), ext
        assert report.loudness_range == pytest.approx(wav.loudness_range, abs=0.2), ext
        assert report.true_peak == pytest.approx(wav.true_peak, abs=0.5), ext
        assert report.seconds == pytest.approx(wav.seconds, abs=0.1), ext
        assert report.key == wav.key == "D major", ext
    assert reports["mp3"].bit_depth is None and reports["flac"].bit_depth == 16


def test_the_card_fits_an_embed_field() -> None:
    report = measure(encode(progression(9, True, 6.0, 44100), 44100, "flac"), "t.flac").report
    text = card(report)
    assert len(text) <= 1024
    assert "LUFS" in text and "dBTP" in text and "A minor" in text and "44.1 kHz" in text


def wav_bytes(seconds: float, rate: int = 8000) -> bytes:
    return encode(stereo(sine(440, -10, seconds, rate)), rate)


def test_bad_input_gets_a_clear_answer() -> None:
    with pytest.raises(NotAudio):
        measure(b"these are not the sounds you are looking for" * 50, "notes.mp3")
    flac = encode(stereo(sine(440, -10, 3, 8000)), 8000, "flac")
    noise = np.random.default_rng(1).bytes(len(flac))
    with pytest.raises(CorruptAudio):  # a sound header, then noise where the frames were
        measure(flac[:200] + noise[200:], "take.flac")
    unknown = bytearray(wav_bytes(1.0))
    unknown[20:22] = struct.pack("<H", 0x1234)  # a format tag no decoder knows
    with pytest.raises(UnsupportedCodec):
        measure(bytes(unknown), "take.wav")
    with pytest.raises(SilentAudio):
        measure(encode(np.zeros((2, 8000), np.float32), 8000), "silence.wav")
    with pytest.raises(TooShort):
        measure(wav_bytes(0.2), "blip.wav")
    with pytest.raises(TooLarge):
        measure(wav_bytes(1.0), "take.wav", max_bytes=1000)
    with Decoder(wav_bytes(3.0), "take.wav", max_seconds=2.0) as track:
        assert track.source.rate == 8000
        with pytest.raises(TooLong):  # found while decoding
            list(track.blocks(4096))
    with pytest.raises(TooLong):  # the length the file declares is enough
        Decoder(wav_bytes(3.0), "take.wav", max_seconds=1.0)
