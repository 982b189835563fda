"""The report's picture: the waveform over the spectrogram, on Discord's dark background,
with text sized like the bot's other pictures (see ``bot.charts``). matplotlib is imported
on the first picture."""

import io

import numpy as np
import numpy.typing as npt

from bot.audio.meter import HOP_SECONDS, Sketch
from bot.charts import ACCENT, BACKGROUND, DPI, INK, MUTED, PANEL, SMALLEST_TEXT_KEY, TEXT, WIDTH

HEIGHT = 480
COLUMNS = 300
"""Time steps drawn, at most: about two pixels each."""
FLOOR_DB = 90.0
"""The spectrogram shows this many dB under its loudest band."""


def _columns(values: npt.NDArray[np.float32], count: int, how: str) -> npt.NDArray[np.float32]:
    """``values`` (one row per 100 ms) squeezed into at most ``count`` rows."""
    if len(values) <= count:
        return values
    edges = np.linspace(0, len(values), count + 1).astype(int)
    reduce = np.maximum if how == "max" else np.minimum if how == "min" else np.add
    out = reduce.reduceat(values, edges[:-1], axis=0)
    if how == "mean":
        out = out / np.diff(edges)[:, None] if out.ndim == 2 else out / np.diff(edges)
    return np.asarray(out, dtype=np.float32)


def _time(seconds: float) -> str:
    return f"{int(seconds // 60)}:{int(seconds % 60):02d}"


def picture(sketch: Sketch, title: str) -> bytes:
    """A PNG of the track's waveform and spectrogram."""
    from matplotlib.figure import Figure  # here, not at the top: see the docstring

    size = TEXT * 72 / DPI
    figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, facecolor=BACKGROUND)
    top, bottom = figure.subplots(
        2, 1, sharex=True, gridspec_kw={"height_ratios": (1, 1.6), "hspace": 0.08}
    )
    figure.subplots_adjust(left=0.19, right=0.94, top=0.88, bottom=0.12)
    figure.suptitle(title, color=INK, fontsize=size, x=0.04, ha="left")
    seconds = len(sketch.extent) * HOP_SECONDS
    low = _columns(sketch.extent[:, 0], COLUMNS, "min")
    high = _columns(sketch.extent[:, 1], COLUMNS, "max")
    times = np.linspace(0, seconds, len(low))
    top.fill_between(times, low, high, color=ACCENT, linewidth=0.6, edgecolor=ACCENT)
    top.set_ylim(-1, 1)
    top.set_yticks([])
    top.set_ylabel("Wave", color=MUTED, fontsize=size)
    spectrum = _columns(sketch.spectrum, COLUMNS, "mean")
    loudest = float(spectrum.max()) if spectrum.size else 0.0
    bottom.pcolormesh(
        np.linspace(0, seconds, len(spectrum) + 1),
        sketch.band_edges,
        spectrum.T,
        cmap="magma",
        vmin=loudest - FLOOR_DB,
        vmax=loudest,
        shading="flat",
    )
    bottom.set_yscale("log")
    ticks = [tick for tick in (100, 1000, 10000) if tick < sketch.band_edges[-1]]
    bottom.set_yticks(ticks, [f"{tick // 1000}k" if tick >= 1000 else str(tick) for tick in ticks])
    bottom.set_ylabel("Hz", color=MUTED, fontsize=size)
    marks = np.linspace(0, seconds, 4)
    bottom.set_xticks(marks, [_time(mark) for mark in marks])
    for axes in (top, bottom):
        axes.set_facecolor(PANEL)
        axes.set_xlim(0, seconds)
        axes.tick_params(colors=MUTED, labelsize=size)
        axes.minorticks_off()
        for spine in axes.spines.values():
            spine.set_visible(False)
    buffer = io.BytesIO()
    figure.savefig(
        buffer, format="png", facecolor=BACKGROUND, metadata={SMALLEST_TEXT_KEY: str(TEXT)}
    )
    return buffer.getvalue()
