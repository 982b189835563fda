"""One track measured while it is decoded, into its technical report."""

from dataclasses import dataclass
from pathlib import Path

from bot.audio.decode import MAX_SECONDS, Decoder, Track
from bot.audio.errors import SilentAudio, TooLarge, TooShort
from bot.audio.meter import ABSOLUTE_GATE, Levels, Meter, Sketch
from bot.audio.music import key, tempo
from bot.audio.summary import Report

MAX_BYTES = 100 * 2**20
"""The largest upload Discord allows anywhere (a server at boost tier 3)."""
MIN_SECONDS = 0.4
"""One gating block: anything shorter has no loudness."""


@dataclass(frozen=True, slots=True)
class Measured:
    report: Report
    levels: Levels
    sketch: Sketch


def measure(
    data: Track, name: str, max_bytes: int = MAX_BYTES, *, musical: bool = True
) -> Measured:
    """Decode and measure a whole track (tempo and key only if ``musical``). Raises an
    ``AudioRejected`` the member can read."""
    size = data.stat().st_size if isinstance(data, Path) else len(data)
    if size > max_bytes:
        raise TooLarge(name, size, max_bytes)
    with Decoder(data, name, MAX_SECONDS) as track:
        meter = Meter(track.source.rate, track.out_channels)
        for block in track.blocks(meter.block_size):
            meter.feed(block)
        source = track.source
    levels = meter.levels()
    if levels.seconds < MIN_SECONDS:
        raise TooShort(name)
    if not levels.integrated > ABSOLUTE_GATE:
        raise SilentAudio(name)
    sketch = meter.sketch()
    found = key(sketch.mono, sketch.mono_rate) if musical else None
    report = Report(
        seconds=levels.seconds,
        rate=source.rate,
        channels=source.channels,
        bit_depth=source.bit_depth,
        codec=source.codec,
        integrated=levels.integrated,
        true_peak=levels.true_peak,
        loudness_range=levels.loudness_range,
        sample_peak=levels.sample_peak,
        clipped=levels.clipped,
        correlation=levels.correlation,
        mono_loss=levels.mono_loss,
        tempo=tempo(sketch.mono, sketch.mono_rate) if musical else None,
        key=found.name if found else None,
    )
    return Measured(report, levels, sketch)
