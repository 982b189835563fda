"""Pictures as PNG bytes (matplotlib's object API: no pyplot, no display needed). CPU-bound:
call them through ``bot.renders.run`` from async code. matplotlib is imported on the first
picture: it is a quarter of the bot's memory, and a server may never ask for one.

Every picture is laid out in pixels for a phone: Discord shows an image across the chat
column, about ``PHONE_WIDTH`` pixels wide, so text is drawn at a size that stays at least
Discord's body text (``BODY_TEXT`` pixels) once the picture is shrunk to that width. Long
labels wrap instead of shrinking. Each PNG records its smallest text size (in the picture's
own pixels) under ``SMALLEST_TEXT_KEY``, which the tests check."""

import io
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

INK = "#F2F3F5"
MUTED = "#B5BAC1"
BACKGROUND = "#2B2D31"
PANEL = "#383A40"
ACCENT = "#7C5CFF"

PHONE_WIDTH = 360
"""How wide, in CSS pixels, Discord shows an image in a phone's chat column."""
BODY_TEXT = 16
"""Discord's body text, in CSS pixels."""
WIDTH = 600
"""Every picture's width in pixels."""
DPI = 100
TEXT = math.ceil(BODY_TEXT * WIDTH / PHONE_WIDTH)
"""The smallest text, in the picture's pixels: body-sized on a phone."""
TITLE = round(TEXT * 1.25)
MARGIN = 24
SMALLEST_TEXT_KEY = "Smallest text px"


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    colour: str = ACCENT


@dataclass(frozen=True, slots=True)
class Segment:
    """One part of a stacked bar: ``value`` of the ``key`` kind (a legend entry)."""

    key: str
    value: int


@dataclass(frozen=True, slots=True)
class Tile:
    """One place on a tiered map: a label, its state's word and colour, and a glyph."""

    label: str
    state: str
    colour: str
    glyph: str


def _wrap(text: str, size: int = TEXT, width: float = WIDTH - 2 * MARGIN) -> list[str]:
    """``text`` in lines that fit ``width`` pixels at ``size`` (an average glyph is a little
    over half the font size wide)."""
    return textwrap.wrap(text, max(8, int(width / (size * 0.56)))) or [""]


@dataclass(frozen=True, slots=True)
class _Text:
    x: float
    y: float
    text: str
    size: int
    colour: str
    ha: str = "left"
    weight: str = "normal"


@dataclass(frozen=True, slots=True)
class _Box:
    x: float
    y: float
    width: float
    height: float
    colour: str


class _Canvas:
    """A picture measured in pixels from the top left, grown downwards as rows are added,
    then drawn at once."""

    def __init__(self) -> None:
        self.y: float = MARGIN
        self.parts: list[_Text | _Box] = []

    def text(
        self,
        x: float,
        text: str,
        *,
        size: int = TEXT,
        colour: str = INK,
        ha: str = "left",
        weight: str = "normal",
    ) -> None:
        self.parts.append(_Text(x, self.y, text, size, colour, ha, weight))

    def lines(
        self,
        text: str,
        *,
        size: int = TEXT,
        colour: str = INK,
        x: float = MARGIN,
        width: float = WIDTH - 2 * MARGIN,
        weight: str = "normal",
    ) -> None:
        """``text`` wrapped to ``width``, one line under the other."""
        for line in _wrap(text, size, width):
            self.text(x, line, size=size, colour=colour, weight=weight)
            self.y += size * 1.3

    def box(self, x: float, y: float, width: float, height: float, colour: str) -> None:
        self.parts.append(_Box(x, y, width, height, colour))

    def png(self) -> bytes:
        from matplotlib.figure import Figure  # here, not at the top: see the docstring
        from matplotlib.patches import FancyBboxPatch

        height = int(self.y + MARGIN)
        figure = Figure(figsize=(WIDTH / DPI, height / DPI), dpi=DPI, facecolor=BACKGROUND)
        axes = figure.add_axes((0, 0, 1, 1))
        axes.set_xlim(0, WIDTH)
        axes.set_ylim(height, 0)
        axes.axis("off")
        for part in self.parts:
            if isinstance(part, _Text):
                axes.text(
                    part.x,
                    part.y,
                    part.text,
                    fontsize=part.size * 72 / DPI,
                    color=part.colour,
                    va="top",
                    ha=part.ha,
                    fontweight=part.weight,
                )
            else:
                axes.add_patch(
                    FancyBboxPatch(
                        (part.x, part.y),
                        part.width,
                        part.height,
                        boxstyle="round,pad=0,rounding_size=6",
                        facecolor=part.colour,
                        edgecolor="none",
                    )
                )
        smallest = min((p.size for p in self.parts if isinstance(p, _Text)), default=TEXT)
        buffer = io.BytesIO()
        figure.savefig(
            buffer,
            format="png",
            facecolor=BACKGROUND,
            metadata={SMALLEST_TEXT_KEY: str(smallest)},
        )
        return buffer.getvalue()


def _title(canvas: _Canvas, title: str, subtitle: str = "") -> None:
    canvas.lines(title, size=TITLE, weight="bold")
    if subtitle:
        canvas.lines(subtitle, colour=MUTED)
    canvas.y += TEXT * 0.5


SPAN = WIDTH - 2 * MARGIN - TEXT * 3
"""The longest bar, leaving room for its value."""


def _scale(canvas: _Canvas, maximum: float, label: str, *, whole: bool) -> None:
    """A scale under the bars, as long as the longest bar: up to five ticks, whole numbers
    when counting."""
    left, right = MARGIN, MARGIN + SPAN
    canvas.box(left, canvas.y, right - left, 2, MUTED)
    canvas.y += 6
    step = maximum / 4
    if whole:
        step = max(1, math.ceil(maximum / 4))
    ticks = [step * i for i in range(int(maximum // step) + 1)] if step else [0]
    for value in ticks:
        x = left + (right - left) * (value / maximum if maximum else 0)
        text = f"{int(value)}" if whole or value == int(value) else f"{value:.1f}"
        ha = "left" if value == 0 else "right" if value == ticks[-1] else "center"
        canvas.text(x, text, colour=MUTED, ha=ha)
    canvas.y += TEXT * 1.3
    if label:
        canvas.lines(label, colour=MUTED)


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    value_label: str = "",
    maximum: float | None = None,
    whole: bool = False,
) -> bytes:
    """Horizontal bars, first at the top, each under its label with its value at its end;
    ``whole`` numbers for counts."""
    top = maximum if maximum is not None else max([b.value for b in bars] + [1])
    if whole:
        top = max(1, math.ceil(top))
    canvas = _Canvas()
    _title(canvas, title)
    span = SPAN
    for bar in bars:
        canvas.lines(bar.label)
        length = span * (min(bar.value, top) / top if top else 0)
        canvas.box(MARGIN, canvas.y, max(length, 3), TEXT, bar.colour)
        value = f"{bar.value:.0f}" if whole or bar.value == int(bar.value) else f"{bar.value:.1f}"
        canvas.text(MARGIN + max(length, 3) + 8, value, colour=INK)
        canvas.y += TEXT * 1.6
    _scale(canvas, top, value_label, whole=whole)
    return canvas.png()


def _legend(canvas: _Canvas, entries: Sequence[tuple[str, str]]) -> None:
    """Colour keys in rows that fit the width."""
    x: float = MARGIN
    for name, colour in entries:
        needed = TEXT * 1.2 + len(name) * TEXT * 0.56 + TEXT
        if x + needed > WIDTH - MARGIN and x > MARGIN:
            x, canvas.y = MARGIN, canvas.y + TEXT * 1.4
        canvas.box(x, canvas.y + TEXT * 0.1, TEXT * 0.8, TEXT * 0.8, colour)
        canvas.text(x + TEXT, name, colour=INK)
        x += needed
    canvas.y += TEXT * 1.8


def stacked_chart(
    rows: Sequence[tuple[str, Sequence[Segment]]],
    *,
    title: str,
    legend: Sequence[tuple[str, str]],
    value_label: str = "",
) -> bytes:
    """One stacked bar per row, under its label, coloured by ``legend`` (key, colour), with
    a whole-number scale: counts of members."""
    colours = dict(legend)
    top = max([sum(s.value for s in segments) for _, segments in rows] + [1])
    canvas = _Canvas()
    _title(canvas, title)
    _legend(canvas, legend)
    span = SPAN
    for label, segments in rows:
        canvas.lines(label)
        x = float(MARGIN)
        for segment in segments:
            if segment.value:
                length = span * segment.value / top
                canvas.box(x, canvas.y, length, TEXT, colours[segment.key])
                x += length
        if x == MARGIN:
            canvas.box(x, canvas.y, 3, TEXT, MUTED)
        canvas.text(x + 8, str(sum(s.value for s in segments)), colour=INK)
        canvas.y += TEXT * 1.6
    _scale(canvas, top, value_label, whole=True)
    return canvas.png()


def tier_map(
    tiers: Sequence[tuple[str, Sequence[Tile]]],
    *,
    title: str,
    subtitle: str = "",
    legend: Sequence[tuple[str, str]] = (),
) -> bytes:
    """A map in tiers, top to bottom: each tier a heading and its places as rows, each row
    a coloured glyph, the place's label and its state in words (colour is never the only
    sign)."""
    canvas = _Canvas()
    _title(canvas, title, subtitle)
    if legend:
        _legend(canvas, legend)
    glyph_box = TEXT * 1.4
    text_x = MARGIN + glyph_box + 14
    text_width = WIDTH - MARGIN - text_x
    for number, (heading, tiles) in enumerate(tiers, start=1):
        canvas.box(MARGIN, canvas.y, WIDTH - 2 * MARGIN, TEXT * 1.5, PANEL)
        canvas.y += TEXT * 0.2
        canvas.text(MARGIN + 12, f"{number}. {heading}", weight="bold")
        canvas.y += TEXT * 1.6
        for tile in tiles:
            top = canvas.y
            canvas.box(MARGIN, top, glyph_box, glyph_box, tile.colour)
            canvas.y = top + (glyph_box - TEXT) / 2 - TEXT * 0.1
            canvas.text(
                MARGIN + glyph_box / 2, tile.glyph, colour=BACKGROUND, ha="center", weight="bold"
            )
            canvas.y = top
            canvas.lines(tile.label, x=text_x, width=text_width)
            canvas.lines(tile.state, x=text_x, width=text_width, colour=tile.colour)
            canvas.y = max(canvas.y, top + glyph_box) + TEXT * 0.4
        canvas.y += TEXT * 0.4
    return canvas.png()


def ranked_boards(
    sections: Sequence[tuple[str, Sequence[Bar]]],
    *,
    title: str,
    subtitle: str = "",
    value_label: str = "",
) -> bytes:
    """Several rankings in one picture, each under its heading: a bar per member, longest
    first, its points at its end; a section without bars says so."""
    canvas = _Canvas()
    _title(canvas, title, subtitle)
    for heading, bars in sections:
        canvas.box(MARGIN, canvas.y, WIDTH - 2 * MARGIN, TEXT * 1.5, PANEL)
        canvas.y += TEXT * 0.2
        canvas.text(MARGIN + 12, heading, weight="bold")
        canvas.y += TEXT * 1.6
        if not bars:
            canvas.lines("Nobody yet: the first points take the top.", colour=MUTED)
            canvas.y += TEXT * 0.6
            continue
        top = max(bar.value for bar in bars) or 1
        for bar in bars:
            canvas.lines(bar.label)
            length = max(SPAN * bar.value / top, 3)
            canvas.box(MARGIN, canvas.y, length, TEXT, bar.colour)
            canvas.text(MARGIN + length + 8, f"{bar.value:.0f}")
            canvas.y += TEXT * 1.6
        canvas.y += TEXT * 0.4
    if value_label:
        canvas.lines(value_label, colour=MUTED)
    return canvas.png()
