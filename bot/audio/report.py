"""One track's technical report: measured while decoding, then written as a compact card."""

import math
from dataclasses import asdict, dataclass

from bot.audio.decode import MAX_SECONDS, Decoder
from bot.audio.errors import SilentAudio, TooLarge, TooShort
from bot.audio.meter import ABSOLUTE_GATE, Levels, Meter, Sketch
from bot.audio.music import key, tempo

MAX_BYTES = 100 * 2**20
"""The largest upload Discord allows anywhere (a server at boost tier 3)."""
MIN_SECONDS = 0.4
"""One gating block: anything shorter has no loudness."""


@dataclass(frozen=True, slots=True)
class Report:
    seconds: float
    rate: int
    channels: int
    bit_depth: int | None
    codec: str
    integrated: float
    """LUFS."""
    true_peak: float
    """dBTP."""
    loudness_range: float
    """LU."""
    sample_peak: float
    """dBFS."""
    clipped: int
    correlation: float | None
    mono_loss: float | None
    """dB lost in a mono sum; inf for a total loss; None for a mono track."""
    tempo: float | None
    key: str | None

    def summary(self) -> dict[str, float | int | str | None]:
        """Plain values to store (a total mono loss as the string "total")."""
        values = asdict(self)
        if self.mono_loss == math.inf:
            values["mono_loss"] = "total"
        return values


@dataclass(frozen=True, slots=True)
class Measured:
    report: Report
    levels: Levels
    sketch: Sketch


def measure(
    data: bytes, name: str, max_bytes: int = MAX_BYTES, *, musical: bool = True
) -> Measured:
    """Decode and measure a whole track (tempo and key only if ``musical``). Raises an
    ``AudioRejected`` the member can read."""
    if len(data) > max_bytes:
        raise TooLarge(name, len(data), max_bytes)
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


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d}"


def _channels(count: int) -> str:
    return {1: "mono", 2: "stereo"}.get(count, f"{count} channels")


def _stereo(report: Report) -> str:
    if report.correlation is None:
        return "mono file"
    if report.mono_loss == math.inf:
        loss = "cancels out entirely in mono"
    elif report.mono_loss is not None and report.mono_loss >= 0.05:
        loss = f"mono loses {report.mono_loss:.1f} dB"
    else:
        loss = "no loss in mono"
    return f"correlation {report.correlation:+.2f} · {loss}"


def card(report: Report) -> str:
    """The report in a few lines (well within an embed field's 1024 characters)."""
    clipped = (
        f"{report.clipped} clipped sample{'s' * (report.clipped != 1)}"
        if report.clipped
        else "no clipping"
    )
    depth = f"{report.bit_depth}-bit" if report.bit_depth else "lossy"
    musical = " · ".join(
        part
        for part in (
            f"~{report.tempo:.0f} BPM" if report.tempo else "",
            f"{report.key} (estimate)" if report.key else "",
        )
        if part
    )
    lines = [
        f"**Loudness** {report.integrated:.1f} LUFS · range {report.loudness_range:.1f} LU",
        f"**Peaks** {report.true_peak:.1f} dBTP true · {report.sample_peak:.1f} dBFS sample · "
        f"{clipped}",
        f"**Stereo** {_stereo(report)}",
        f"**Tempo · key** {musical or 'no steady pulse or key found'}",
        f"**File** {_duration(report.seconds)} · {report.rate / 1000:g} kHz · {depth} · "
        f"{_channels(report.channels)} · {report.codec}",
    ]
    return "\n".join(lines)
