"""Charts as PNG bytes (matplotlib's object API: no pyplot, no display needed). CPU-bound:
call them through ``asyncio.to_thread`` from async code. matplotlib is imported on the
first chart: it is a quarter of the bot's memory, and a server may never ask for one."""

import io
from collections.abc import Sequence
from dataclasses import dataclass

INK = "#E6E6F0"
BACKGROUND = "#2B2D31"
ACCENT = "#7C5CFF"


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    colour: str = ACCENT


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    value_label: str = "",
    maximum: float | None = None,
    width: float = 8.0,
) -> bytes:
    """A horizontal bar chart, first bar at the top, in Discord's dark theme."""
    from matplotlib.figure import Figure  # here, not at the top: see the docstring

    height = 1.2 + 0.45 * max(len(bars), 1)
    figure = Figure(figsize=(width, height), dpi=100, facecolor=BACKGROUND)
    axes = figure.add_subplot()
    axes.set_facecolor(BACKGROUND)
    positions = range(len(bars))
    axes.barh(
        list(positions),
        [bar.value for bar in bars],
        color=[bar.colour for bar in bars],
        height=0.6,
    )
    axes.set_yticks(list(positions), [bar.label for bar in bars], color=INK)
    axes.invert_yaxis()
    axes.set_xlim(0, maximum if maximum is not None else max([b.value for b in bars] + [1]))
    axes.set_title(title, color=INK, loc="left", fontsize=13)
    axes.set_xlabel(value_label, color=INK)
    axes.tick_params(colors=INK)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("bottom", "left"):
        axes.spines[side].set_color(INK)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", facecolor=BACKGROUND)
    return buffer.getvalue()
