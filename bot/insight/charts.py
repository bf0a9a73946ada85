"""The statistics as pictures (PNG, drawn by matplotlib's Agg canvas with the DejaVu fonts it
ships, so nothing is fetched): a bar chart of each category period against period, and a map
of the district's configured areas shaded by the period's reports."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from matplotlib import colormaps
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from bot.geo.areas import AreaMap
from bot.insight.model import Statistics
from bot.insight.suppress import Shown

DPI = 110
FONT = {"family": "DejaVu Sans", "size": 9}
_EARLIER = "#9bb7d4"
_LATER = "#1f4e79"
_HIDDEN = "#d9d9d9"


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": "safetybot"})
    return buffer.getvalue()


def _label(shown: Shown, threshold: int) -> str:
    return f"<{threshold}" if shown.hidden == "small" else shown.text(threshold)


def bar_chart(stats: Statistics) -> bytes:
    """Each category's count in the earlier and the later period, side by side; a hidden
    count has no bar, only its words."""
    rows = stats.categories.rows
    names = [row.name for row in rows]
    positions = np.arange(len(rows))
    height = 0.38
    figure = Figure(figsize=(8, 0.45 * len(rows) + 1.6))
    axes = figure.add_subplot()
    largest = max([1, *(c.count for r in rows for c in (r.before, r.after) if c.value())])
    for offset, colour, label, cells in (
        (-height / 2, _EARLIER, stats.compared.label(), [r.before for r in rows]),
        (height / 2, _LATER, stats.period.label(), [r.after for r in rows]),
    ):
        values = [cell.value() or 0 for cell in cells]
        axes.barh(positions - offset, values, height, color=colour, label=label)
        for y, cell in zip(positions - offset, cells, strict=True):
            axes.text(
                (cell.value() or 0) + largest * 0.01,
                y,
                _label(cell, stats.threshold),
                va="center",
                fontdict=FONT,
            )
    axes.set_yticks(positions, names, fontdict=FONT)
    axes.invert_yaxis()
    axes.set_xlim(0, largest * 1.18)
    axes.set_xlabel("reports", fontdict=FONT)
    axes.legend(loc="lower right", prop={"family": "DejaVu Sans", "size": 8})
    axes.set_title(
        f"Reports by category: {stats.period.label()} against {stats.compared.label()}",
        fontdict={**FONT, "size": 10},
    )
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    return _png(figure)


def _rings(geometry: Any) -> list[Any]:
    """The outer rings of a polygon or of each part of a multipolygon."""
    parts = getattr(geometry, "geoms", [geometry])
    return [np.asarray(part.exterior.coords) for part in parts if hasattr(part, "exterior")]


def area_map(stats: Statistics, areas: AreaMap) -> bytes:
    """The configured areas as drawn on the district's geography (boundary files, or the
    approximation from the gazetteer without them), each shaded by its count in the later
    period and labelled with it."""
    counts = {row.key: row.after for row in stats.areas.rows}
    figure = Figure(figsize=(7, 7))
    axes = figure.add_subplot()
    shown = [c.count for c in counts.values() if c.value() is not None]
    scale = Normalize(vmin=0, vmax=max([1, *shown]))
    palette = colormaps["Blues"]
    for shape in areas.shapes:
        cell = counts.get(shape.id, Shown(0))
        fill = _HIDDEN if cell.hidden else palette(0.15 + 0.8 * scale(cell.count))
        for ring in _rings(shape.geometry):
            axes.fill(ring[:, 0], ring[:, 1], facecolor=fill, edgecolor="white", linewidth=1.2)
        centre = shape.geometry.representative_point()
        dark = not cell.hidden and scale(cell.count) > 0.55
        axes.text(
            centre.x,
            centre.y,
            f"{shape.name}\n{_label(cell, stats.threshold)}",
            ha="center",
            va="center",
            color="white" if dark else "black",
            fontdict={**FONT, "size": 7},
        )
    outside = next((row.after for row in stats.areas.rows if row.key == ""), None)
    axes.set_title(f"Reports by area, {stats.period.label()}", fontdict={**FONT, "size": 10})
    if outside is not None:
        note = f"Reports in no area (no point, or outside): {_label(outside, stats.threshold)}"
        axes.text(0.0, -0.04, note, transform=axes.transAxes, fontdict={**FONT, "size": 8})
    axes.set_aspect("equal")
    axes.set_axis_off()
    figure.tight_layout()
    return _png(figure)


def cluster_map(
    points: list[tuple[float, float]],
    centre: tuple[float, float],
    radius_m: float,
    areas: AreaMap,
    title: str,
) -> bytes:
    """A small map of a cluster: its reports (latitude, longitude) as dots, the spot's circle,
    and the configured areas' outlines and names around it for the place."""
    projection = areas.projection
    xy = np.array([projection.to_metres(lat, lon) for lat, lon in points]).reshape(-1, 2)
    cx, cy = projection.to_metres(*centre)
    reach = max(radius_m * 3, 1500.0)
    figure = Figure(figsize=(4.2, 4.2))
    axes = figure.add_subplot()
    for shape in areas.shapes:
        for ring in _rings(shape.geometry):
            axes.fill(ring[:, 0], ring[:, 1], facecolor="#f2f2f2", edgecolor="#9a9a9a", lw=0.8)
        label = shape.geometry.representative_point()
        if abs(label.x - cx) < reach and abs(label.y - cy) < reach:
            axes.text(
                label.x,
                label.y,
                shape.name,
                ha="center",
                color="#555555",
                fontdict={**FONT, "size": 7},
            )
    circle = np.linspace(0, 2 * np.pi, 120)
    axes.plot(cx + radius_m * np.cos(circle), cy + radius_m * np.sin(circle), color=_LATER, lw=1)
    axes.scatter(xy[:, 0], xy[:, 1], s=22, color="#c0392b", edgecolor="white", zorder=3)
    axes.set_xlim(cx - reach, cx + reach)
    axes.set_ylim(cy - reach, cy + reach)
    axes.set_title(title, fontdict={**FONT, "size": 9})
    axes.set_aspect("equal")
    axes.set_axis_off()
    figure.tight_layout()
    return _png(figure)
