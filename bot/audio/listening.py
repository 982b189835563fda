"""The listening copy: the track at one loudness, so no entry wins a vote by being louder.
Gain brings it to ``TARGET_LUFS``, or less if that would push the true peak over
``CEILING_DBTP`` (gain only: nothing is limited or compressed), and it is encoded as MP3,
which Discord plays inline everywhere, at a bit rate that fits the upload limit."""

import io

import av
import numpy as np

from bot.audio.decode import Decoder, Track
from bot.audio.report import measure
from bot.audio.summary import CEILING_DBTP, TARGET_LUFS, ListeningCopy, Report

CODEC_MARGIN = 0.5
"""dB kept free under the ceiling for the peaks MP3 encoding adds."""
RATES = (32000, 44100, 48000)
BEST_BIT_RATE, LOWEST_BIT_RATE = 320_000, 48_000
TOLERANCE = 0.3
BLOCK = 65536
LAME_QUALITY = "7"
"""LAME's speed against care: 7 is its fast mode, 40 % less CPU than its default (a
four-minute track took 10 s of CPU here), and at these bit rates nothing audible is lost."""


def gain_for(report: Report) -> tuple[float, bool]:
    """The gain in dB, and whether the ceiling capped it."""
    wanted = TARGET_LUFS - report.integrated
    allowed = CEILING_DBTP - CODEC_MARGIN - report.true_peak
    return (wanted, False) if wanted <= allowed else (allowed, True)


def listening_copy(data: Track, name: str, report: Report, max_bytes: int) -> ListeningCopy | None:
    """The copy as MP3, or None if even the lowest bit rate would not fit ``max_bytes``.
    The encoded copy is measured, and encoded once more with the gain corrected if the
    codec moved its loudness by more than ``TOLERANCE`` LU or its true peak over the
    ceiling."""
    seconds = max(report.seconds, 1.0)
    bit_rate = min(BEST_BIT_RATE, int(max_bytes * 8 * 0.9 / seconds) // 8000 * 8000)
    if bit_rate < LOWEST_BIT_RATE:
        return None
    gain, limited = gain_for(report)
    encoded = _encode(data, name, report.rate, gain, bit_rate)
    copy = measure(encoded, name, musical=False).report
    if copy.true_peak > CEILING_DBTP:
        error = CEILING_DBTP - CODEC_MARGIN / 2 - copy.true_peak
    elif not limited and abs(TARGET_LUFS - copy.integrated) > TOLERANCE:
        error = min(TARGET_LUFS - copy.integrated, CEILING_DBTP - copy.true_peak)
    else:
        error = 0.0
    if error:
        gain += error
        encoded = _encode(data, name, report.rate, gain, bit_rate)
    return ListeningCopy(encoded, gain, limited)


def _encode(data: Track, name: str, source_rate: int, gain: float, bit_rate: int) -> bytes:
    factor = np.float32(10 ** (gain / 20))
    rate = min(RATES, key=lambda r: (r < source_rate, abs(r - source_rate)))
    out = io.BytesIO()
    with Decoder(data, name) as track, av.open(out, "w", format="mp3") as container:
        layout = "mono" if track.out_channels == 1 else "stereo"
        stream = container.add_stream("libmp3lame", rate=rate, layout=layout)
        stream.bit_rate = bit_rate
        stream.codec_context.options = {"compression_level": LAME_QUALITY}
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=rate)
        for block in track.blocks(BLOCK):
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(block * factor), format="fltp", layout=layout
            )
            frame.rate = track.source.rate
            for converted in resampler.resample(frame):
                container.mux(stream.encode(converted))
        for converted in resampler.resample(None):
            container.mux(stream.encode(converted))
        container.mux(stream.encode(None))
    return out.getvalue()
