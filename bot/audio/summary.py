"""What the bot process keeps of an analysis: the report, the listening copy and how both
read in a message. Nothing here decodes or computes, so the bot imports it without the
numerical libraries (those load only in the worker processes)."""

import math
from dataclasses import asdict, dataclass

TARGET_LUFS = -14.0
CEILING_DBTP = -1.0


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
class ListeningCopy:
    data: bytes
    gain: float
    """dB applied to the original."""
    peak_limited: bool
    """The gain stopped short of the target to keep the true peak under the ceiling."""


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


def describe(copy: ListeningCopy) -> str:
    """One line for the re-post."""
    if copy.peak_limited:
        return (
            f"Listening copy: {copy.gain:+.1f} dB, as close to {TARGET_LUFS:g} LUFS as a "
            f"true peak of {CEILING_DBTP:g} dBTP allows."
        )
    return f"Listening copy at {TARGET_LUFS:g} LUFS ({copy.gain:+.1f} dB): vote on the music."
