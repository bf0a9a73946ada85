"""The poster drawn on an A4 page: one matplotlib drawing, saved as PDF (vector, for printing)
or PNG (at print resolution).

Everything is placed in millimetres from the bottom left of the page. Each text is fitted to its
width (wrapped, then shrunk, within a few sizes), and the QR code takes the room that is left,
within bounds: 9 to 11 cm across where the words allow (about 2.2 to 2.7 mm a module for the
St Albans links), which a phone's camera reads from a metre or more away (a rule of thumb for
QR codes: up to about ten times the code's width). The QR code carries its quiet zone (four
modules of white, as the QR standard asks) inside its square.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

import matplotlib
import numpy as np
import segno
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Rectangle
from matplotlib.textpath import TextToPath

from bot.posters import Format, texts
from bot.posters.content import Poster

PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0  # A4 portrait, in millimetres (ISO 216)
MARGIN = 15.0
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
PNG_DPI = 300  # print resolution
QR_LARGEST, QR_WANTED, QR_SMALLEST = 110.0, 90.0, 60.0  # the code's square, quiet zone included
QR_BORDER = 4  # modules of quiet zone (ISO/IEC 18004)

_MM_PER_POINT = 25.4 / 72
_LINE_SPACING = 1.22
_NAVY, _RED, _INK, _WHITE = "#123c69", "#b00020", "#1a1a1a", "#ffffff"
_MEASURE = TextToPath()


class LayoutError(ValueError):
    """The poster's words do not fit on the page; the message says which."""


@dataclass(frozen=True, slots=True)
class _Font:
    size: float  # points
    weight: str = "normal"
    family: str = "DejaVu Sans"  # ships with matplotlib, so every machine draws the same page
    style: Literal["normal", "italic", "oblique"] = "normal"
    color: str = _INK

    def properties(self) -> FontProperties:
        return FontProperties(
            family=self.family, weight=self.weight, style=self.style, size=self.size
        )

    @property
    def line(self) -> float:
        """The height of one line, in millimetres."""
        return self.size * _LINE_SPACING * _MM_PER_POINT


@dataclass(frozen=True, slots=True)
class _Block:
    """Lines of text in one font, centred on the page, or starting at ``x`` in a row."""

    lines: tuple[str, ...]
    font: _Font
    x: float | None = None

    @property
    def height(self) -> float:
        return len(self.lines) * self.font.line


@dataclass(frozen=True, slots=True)
class _Row:
    """Blocks side by side (the columns of the list of categories), as tall as the tallest."""

    cells: tuple[_Block, ...]

    @property
    def height(self) -> float:
        return max(cell.height for cell in self.cells)


_Part = _Block | _Row | float  # a float is a gap, in millimetres


def _width(text: str, font: _Font) -> float:
    """How wide ``text`` is drawn in ``font``, in millimetres."""
    width, _, _ = _MEASURE.get_text_width_height_descent(text, font.properties(), ismath=False)
    return float(width) * _MM_PER_POINT


def _wrap(text: str, font: _Font, width: float) -> list[str]:
    """Words filled into lines no wider than ``width`` (a word longer than that stands alone)."""
    lines: list[str] = []
    for word in text.split():
        if lines and _width(f"{lines[-1]} {word}", font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _fit(
    text: str, font: _Font, sizes: Iterable[float], *, width: float, lines: int, what: str
) -> _Block:
    """``text`` in the largest of ``sizes`` at which it fits ``width`` in at most ``lines``."""
    for size in sizes:
        sized = replace(font, size=size)
        wrapped = _wrap(text, sized, width)
        if len(wrapped) <= lines and all(_width(line, sized) <= width for line in wrapped):
            return _Block(tuple(wrapped), sized)
    raise LayoutError(f"{what} is too long for a poster: {text!r}")


def _link(poster: Poster) -> _Block:
    """The link in words on one line, or broken before its ``?`` when it is long."""
    font = _Font(0, weight="bold", family="DejaVu Sans Mono", color=_NAVY)
    words = poster.link.in_words
    for size in range(24, 13, -1):
        sized = replace(font, size=size)
        if _width(words, sized) <= TEXT_WIDTH:
            return _Block((words,), sized)
    site, query = words.split("?", 1)
    for size in range(18, 8, -1):
        sized = replace(font, size=size)
        if max(_width(site, sized), _width(f"?{query}", sized)) <= TEXT_WIDTH:
            return _Block((site, f"?{query}"), sized)
    raise LayoutError(f"the link is too long for a poster: {words}")


def _items(poster: Poster, size: float) -> list[_Part]:
    """What to report: the one category's name and description, or every name in columns."""
    if poster.description is not None:
        name = _Font(0, weight="bold", color=_NAVY)
        return [
            _fit(
                poster.items[0],
                name,
                (size + 10, size + 6, size + 2, size - 2),
                width=TEXT_WIDTH,
                lines=2,
                what="the category's name",
            ),
            _fit(
                poster.description,
                _Font(0),
                range(int(size) - 4, 8, -1),
                width=TEXT_WIDTH,
                lines=3,
                what="the category's description",
            ),
        ]
    font = _Font(size)
    count = len(poster.items)
    columns = 1 if count <= 4 else 2 if count <= 12 else 3
    gutter = 6.0
    indent = _width(f"{texts.BULLET} ", font)
    room = (TEXT_WIDTH - gutter * (columns - 1)) / columns - indent
    entries = [_wrap(name, font, room) for name in poster.items]
    widest = max(_width(line, font) for entry in entries for line in entry)
    if widest > room:
        raise LayoutError(f"a category's name is too long for a poster: {poster.items}")
    # One column is centred as a block; more fill the width, each read top to bottom.
    left = (PAGE_WIDTH - widest - indent) / 2 if columns == 1 else MARGIN
    step = room + indent + gutter
    per_column = -(-count // columns)
    rows: list[_Part] = []
    for row in range(per_column):
        cells: list[_Block] = []
        for column, entry in enumerate(entries[row::per_column]):
            x = left + column * step
            cells.append(_Block((texts.BULLET,), font, x=x))
            cells.append(_Block(tuple(entry), font, x=x + indent))
        rows.append(_Row(tuple(cells)))
    return rows


@dataclass(frozen=True, slots=True)
class _Plan:
    """Where everything goes: the bands, the blocks above and below the code, the code's size."""

    header: list[_Block]
    header_height: float
    above: list[_Part]
    below: list[_Part]
    emergency: _Block
    footer_height: float
    qr_size: float


def _plan(poster: Poster) -> _Plan:
    """The layout, with the largest type for the list of categories that leaves the code big."""
    name = _fit(
        poster.partnership,
        _Font(0, weight="bold", color=_WHITE),
        range(28, 13, -2),
        width=TEXT_WIDTH,
        lines=3,
        what="the partnership's name",
    )
    area = _fit(
        poster.area,
        _Font(0, color=_WHITE),
        (15, 13, 11),
        width=TEXT_WIDTH,
        lines=2,
        what="the area's name",
    )
    header: list[_Block] = [name, area]
    header_height = 9 + name.height + 2 + area.height + 9
    emergency = _fit(
        texts.EMERGENCY,
        _Font(0, weight="bold", color=_WHITE),
        range(44, 19, -2),
        width=TEXT_WIDTH,
        lines=1,
        what="the emergency line",
    )
    footer_height = 30.0
    headline = _fit(
        texts.HEADLINE,
        _Font(0, weight="bold", color=_NAVY),
        range(38, 19, -2),
        width=TEXT_WIDTH,
        lines=1,
        what="the headline",
    )
    heading = _fit(poster.heading, _Font(17), (17, 15), width=TEXT_WIDTH, lines=1, what="heading")
    scan = _fit(texts.SCAN, _Font(16), (16, 14, 12), width=TEXT_WIDTH, lines=2, what="text")
    below: list[_Part] = [
        2.0,
        _fit(texts.OR_OPEN, _Font(14), (14, 12), width=TEXT_WIDTH, lines=1, what="text"),
        _link(poster),
        4.0,
        _fit(texts.HOW_IT_WORKS, _Font(13), (13, 11), width=TEXT_WIDTH, lines=2, what="text"),
    ]
    room = PAGE_HEIGHT - header_height - footer_height - 2 * 6.0
    # The words about what to report get the largest type that leaves the code its size.
    for size in (20, 18, 16, 14, 12, 10):
        above: list[_Part] = [headline, 4.0, heading, 2.0, *_items(poster, size), 5.0]
        above += [scan, 2.0]
        under = below + _note(poster, size)
        left = room - _height(above) - _height(under) - 2.0
        if left >= QR_WANTED:
            break
    if left < QR_SMALLEST:
        raise LayoutError(
            f"{len(poster.items)} categories leave too little room for the QR code; make one "
            "poster per category instead"
        )
    return _Plan(
        header, header_height, above, under, emergency, footer_height, min(left, QR_LARGEST)
    )


def _note(poster: Poster, size: float) -> list[_Part]:
    """The category's signpost under the link, in smaller type than what to report."""
    if poster.note is None:
        return []
    sizes = range(min(12, int(size) - 6), 8, -1)
    note = _fit(
        poster.note,
        _Font(0, style="italic"),
        sizes,
        width=TEXT_WIDTH,
        lines=4,
        what="the category's signpost",
    )
    return [2.0, note]


def _height(parts: Iterable[_Part]) -> float:
    """How much of the page's height a run of blocks, rows and gaps takes."""
    return sum(part if isinstance(part, int | float) else part.height for part in parts)


def draw(poster: Poster) -> Figure:
    """The poster as a matplotlib figure the size of an A4 page."""
    plan = _plan(poster)
    figure = Figure(figsize=(PAGE_WIDTH / 25.4, PAGE_HEIGHT / 25.4), facecolor=_WHITE)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_axis_off()
    axes.set_autoscale_on(False)
    axes.set_xlim(0, PAGE_WIDTH)
    axes.set_ylim(0, PAGE_HEIGHT)
    top = PAGE_HEIGHT - plan.header_height
    axes.add_patch(Rectangle((0, top), PAGE_WIDTH, plan.header_height, color=_NAVY))
    _write(axes, [9.0, plan.header[0], 2.0, plan.header[1]], PAGE_HEIGHT)
    axes.add_patch(Rectangle((0, 0), PAGE_WIDTH, plan.footer_height, color=_RED))
    _text(
        axes, PAGE_WIDTH / 2, plan.footer_height / 2, texts.EMERGENCY, plan.emergency.font, "center"
    )
    y = _write(axes, plan.above, top - 6.0)
    _qr(axes, poster.link.url, y, plan.qr_size)
    _write(axes, plan.below, y - plan.qr_size)
    return figure


def _write(axes: Axes, parts: Iterable[_Part], top: float) -> float:
    """Draw blocks, rows and gaps downwards from ``top``; return where the next thing goes."""
    y = top
    for part in parts:
        if isinstance(part, int | float):
            y -= part
            continue
        for block in part.cells if isinstance(part, _Row) else (part,):
            for index, line in enumerate(block.lines):
                line_top = y - index * block.font.line
                if block.x is None:
                    _text(axes, PAGE_WIDTH / 2, line_top, line, block.font, "top")
                else:
                    _text(axes, block.x, line_top, line, block.font, "top", "left")
        y -= part.height
    return y


def _text(
    axes: Axes,
    x: float,
    y: float,
    line: str,
    font: _Font,
    va: str,
    ha: str = "center",
) -> None:
    axes.text(
        x,
        y,
        line,
        fontproperties=font.properties(),
        color=font.color,
        ha=ha,
        va=va,
        parse_math=False,  # a "$" in a name is a dollar sign, not mathematics
    )


def _qr(axes: Axes, url: str, top: float, size: float) -> None:
    """The QR code of ``url`` as a square of ``size`` mm, centred, with its quiet zone."""
    code = segno.make_qr(url, error="m")  # boosted to a higher level where the size allows
    dark = np.array([list(row) for row in code.matrix_iter(scale=1, border=QR_BORDER)], dtype=bool)
    pixels = np.where(dark, 0, 255).astype(np.uint8)
    left = (PAGE_WIDTH - size) / 2
    axes.imshow(
        np.dstack([pixels] * 3),
        extent=(left, left + size, top - size, top),
        interpolation="none",  # each module a sharp square, in the PDF and the PNG
        aspect="auto",
    )


def render(poster: Poster, fmt: Format) -> bytes:
    """The poster as the bytes of a one-page A4 PDF, or of a PNG at print resolution."""
    figure = draw(poster)
    metadata: dict[str, str | None]
    if fmt == "pdf":
        # No creation date: the same poster gives the same file.
        metadata = {"Title": poster.title, "Creator": "safetybot", "CreationDate": None}
    else:
        metadata = {"Title": poster.title, "Software": "safetybot"}
    buffer = io.BytesIO()
    # TrueType fonts in the PDF (not Type 3): printers and text search read them.
    with matplotlib.rc_context({"pdf.fonttype": 42}):
        figure.savefig(buffer, format=fmt, dpi=PNG_DPI, metadata=metadata)
    return buffer.getvalue()
