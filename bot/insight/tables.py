"""The statistics written out: as aligned text sections (the CLI, and the bot inside ``<pre>``),
as one CSV table, and as JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from bot.insight.model import Breakdown, Comparison, Row, Statistics
from bot.insight.response import duration_words, share_words
from bot.insight.suppress import Shown

COMPARE_WORDS = {"previous": "the period before", "last-year": "the same period a year before"}


def heading(stats: Statistics, partnership: str) -> str:
    """What the figures are: whose, which period against which."""
    lines = [
        f"{partnership}: reports seen by {stats.audience}",
        f"Later: {stats.period.label()}",
        f"Earlier: {stats.compared.label()} ({COMPARE_WORDS[stats.compare]})",
    ]
    if stats.suppressed:
        lines.append(
            f"In sensitive categories, counts below {stats.threshold} are shown as "
            f'"fewer than {stats.threshold}", and a count that would give one away is withheld.'
        )
    return "\n".join(lines)


def _align(table: Sequence[Sequence[str]], right: Sequence[bool]) -> str:
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines = []
    for row in table:
        cells = [
            cell.rjust(width) if align else cell.ljust(width)
            for cell, width, align in zip(row, widths, right, strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _comparison_rows(comparison: Comparison, threshold: int) -> list[Row]:
    return [*comparison.rows, *([comparison.total] if comparison.total else [])]


def comparison_text(comparison: Comparison, stats: Statistics) -> str:
    """A comparison as an aligned table: name, earlier, later, change, percent."""
    table = [["", "earlier", "later", "change", ""]]
    for row in _comparison_rows(comparison, stats.threshold):
        table.append(
            [
                row.name,
                row.before.text(stats.threshold),
                row.after.text(stats.threshold),
                row.words,
                row.percent,
            ]
        )
    return _align(table, (False, True, True, False, False))


def responses_text(stats: Statistics) -> str:
    """Each agency's times to acknowledge and resolve (median, 90th percentile) and its share
    within target, a few lines each (they read on a phone)."""
    if not stats.responses:
        return "No reports were routed in the period."
    lines = []
    for r in stats.responses:
        lines.append(f"{r.name}: {r.routed:,} routed")
        for verb, measure in (("acknowledged", r.acknowledge), ("resolved", r.resolve)):
            if not measure.done:
                lines.append(f"  {verb}: none yet, {share_words(measure.share_within)} in time")
                continue
            lines.append(
                f"  {verb}: {measure.done:,}, median {duration_words(measure.median_minutes)},"
                f" 90% within {duration_words(measure.p90_minutes)},"
                f" {share_words(measure.share_within)} in time"
            )
    return "\n".join(lines)


def repeats_text(stats: Statistics) -> str:
    """How many spots were reported again and again, and where (the area only)."""
    if not stats.repeats:
        return f"No spot was reported {stats.repeat_at_least} times or more."
    table = [["area", "spots", "reports there", "most at one spot"]]
    for r in stats.repeats:
        table.append([r.area, f"{r.spots:,}", f"{r.reports:,}", f"{r.most:,}"])
    return _align(table, (False, True, True, True))


def breakdown_text(breakdown: Breakdown, threshold: int) -> str:
    """The answers to a question, option by option, with their total where they add up."""
    table = [[label, cell.text(threshold)] for label, cell in breakdown.rows]
    if breakdown.total is not None:
        table.append(["All", breakdown.total.text(threshold)])
    return _align(table, (False, True))


def sections(stats: Statistics) -> list[tuple[str, str]]:
    """(title, aligned text) of each part, in the order they are shown."""
    found = [
        (stats.categories.title, comparison_text(stats.categories, stats)),
        (stats.areas.title, comparison_text(stats.areas, stats)),
    ]
    if stats.wards is not None:
        found.append((stats.wards.title, comparison_text(stats.wards, stats)))
    found.append(("Response (time from the report)", responses_text(stats)))
    found.append(
        (
            f"Repeat locations (the same spot, about {stats.repeat_radius_m} m across,"
            f" reported {stats.repeat_at_least} times or more)",
            repeats_text(stats),
        )
    )
    for breakdown in stats.breakdowns:
        found.append(
            (
                f"Hate incidents: {breakdown.title.lower()}",
                breakdown_text(breakdown, stats.threshold),
            )
        )
    return found


def as_text(stats: Statistics, partnership: str) -> str:
    """Everything, as plain text for a terminal."""
    parts = [heading(stats, partnership)]
    for title, body in sections(stats):
        parts.append(f"{title}\n{body}")
    return "\n\n".join(parts) + "\n"


# -- CSV and JSON

CSV_COLUMNS = (
    "section",
    "name",
    "earlier",
    "later",
    "change",
    "percent",
    "routed",
    "acknowledge_median_minutes",
    "acknowledge_p90_minutes",
    "acknowledged_within_target",
    "resolve_median_minutes",
    "resolve_p90_minutes",
    "resolved_within_target",
)


def _cell(shown: Shown, threshold: int) -> str:
    return shown.text(threshold).replace(",", "")


def as_csv(stats: Statistics) -> str:
    """Everything as one CSV table: a row per line of each section."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    blank = [""] * 7
    comparisons = [stats.categories, stats.areas, *([stats.wards] if stats.wards else [])]
    for comparison in comparisons:
        for row in _comparison_rows(comparison, stats.threshold):
            writer.writerow(
                [
                    comparison.title,
                    row.name,
                    _cell(row.before, stats.threshold),
                    _cell(row.after, stats.threshold),
                    row.words,
                    row.percent,
                    *blank,
                ]
            )
    for r in stats.responses:
        writer.writerow(
            [
                "Response",
                r.name,
                "",
                "",
                "",
                "",
                r.routed,
                _number(r.acknowledge.median_minutes),
                _number(r.acknowledge.p90_minutes),
                _number(r.acknowledge.share_within),
                _number(r.resolve.median_minutes),
                _number(r.resolve.p90_minutes),
                _number(r.resolve.share_within),
            ]
        )
    for spots in stats.repeats:
        name = spots.area
        writer.writerow(["Repeat locations (spots)", name, "", spots.spots, "", "", *blank])
        writer.writerow(["Repeat locations (reports)", name, "", spots.reports, "", "", *blank])
    for breakdown in stats.breakdowns:
        for label, cell in breakdown.rows:
            writer.writerow(
                [breakdown.title, label, "", _cell(cell, stats.threshold), "", "", *blank]
            )
        if breakdown.total is not None:
            writer.writerow(
                [
                    breakdown.title,
                    "All",
                    "",
                    _cell(breakdown.total, stats.threshold),
                    "",
                    "",
                    *blank,
                ]
            )
    return out.getvalue()


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.3f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def _shown_json(shown: Shown, threshold: int) -> dict[str, Any]:
    if shown.hidden is None:
        return {"count": shown.count}
    return {"count": None, "shown_as": shown.text(threshold)}


def as_json(stats: Statistics) -> str:
    """Everything as one JSON document (hidden counts are null, with how they are shown)."""
    t = stats.threshold

    def comparison(c: Comparison) -> dict[str, Any]:
        return {
            "title": c.title,
            "rows": [
                {
                    "key": row.key,
                    "name": row.name,
                    "earlier": _shown_json(row.before, t),
                    "later": _shown_json(row.after, t),
                    "change": row.words,
                    "percent": row.percent,
                }
                for row in _comparison_rows(c, t)
            ],
        }

    document = {
        "audience": stats.audience,
        "period": {"from": stats.period.first.isoformat(), "to": stats.period.last.isoformat()},
        "compared": {
            "from": stats.compared.first.isoformat(),
            "to": stats.compared.last.isoformat(),
            "as": stats.compare,
        },
        "small_count_threshold": t,
        "suppressed": stats.suppressed,
        "categories": comparison(stats.categories),
        "areas": comparison(stats.areas),
        "wards": comparison(stats.wards) if stats.wards else None,
        "responses": [
            {
                "agency": r.agency_id,
                "name": r.name,
                "routed": r.routed,
                "acknowledge": _timing_json(r.acknowledge),
                "resolve": _timing_json(r.resolve),
            }
            for r in stats.responses
        ],
        "repeat_locations": [
            {"area": r.area, "spots": r.spots, "reports": r.reports, "most_at_one_spot": r.most}
            for r in stats.repeats
        ],
        "breakdowns": [
            {
                "title": b.title,
                "rows": [{"option": label, **_shown_json(cell, t)} for label, cell in b.rows],
                "total": _shown_json(b.total, t) if b.total else None,
            }
            for b in stats.breakdowns
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _timing_json(timing: Any) -> dict[str, Any]:
    return {
        "done": timing.done,
        "median_minutes": timing.median_minutes,
        "p90_minutes": timing.p90_minutes,
        "judged": timing.judged,
        "within_target": timing.within,
        "share_within_target": timing.share_within,
    }
