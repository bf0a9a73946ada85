"""What the admins and officers read about a cluster (Telegram HTML: every text from config or
from residents is escaped)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from storage.clusters import ClusterReport, StoredCluster

ACKNOWLEDGE = "Acknowledge"
LIST = "Open the list"
ACKNOWLEDGED = "Acknowledged. Thank you."
ALREADY = "Already acknowledged by {who}."
NOT_YOURS = "Only the partnership's admins and the officers of its agencies can do that."
GONE = "That cluster is no longer kept."
EMPTY = "None of the cluster's reports is still kept."


def mute_button(days: int) -> str:
    """The mute button's label."""
    return f"Mute {days} days"


def when(moment: datetime, zone: ZoneInfo) -> str:
    """A short local time: 'Tue 1 Dec 14:05'."""
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def _usual(expected: float) -> str:
    if expected < 0.1:
        return "almost none"
    if expected < 1:
        return f"about {expected:.1f}"
    return f"about {round(expected)}"


def announcement(
    cluster: StoredCluster,
    *,
    category: str,
    place: str,
    zone: ZoneInfo,
    window_days: int,
    history_weeks: int,
    sensitive: bool,
    refs: Sequence[str],
) -> str:
    """The announcement: what, where, how many against the usual, first and latest, refs."""
    noun = "report" if cluster.count == 1 else "reports"
    if cluster.scope == "spot" and not sensitive:
        where = f"within {cluster.radius_m} m of {escape(place)}"
    else:
        where = f"in {escape(place)}"
    basis = (
        f"this place's share of the last {history_weeks} weeks' {escape(category.lower())} reports"
        if cluster.basis == "history"
        else "the district's rate so far, spread over the place (little history yet)"
    )
    lines = [
        f"⚠️ <b>Emerging cluster: {escape(category)}</b>",
        f"{cluster.count} {noun} {where} in the last {window_days} days; {_usual(cluster.expected)}"
        f" would be usual (judged against {basis}).",
        f"First report {when(cluster.first_at, zone)}, latest {when(cluster.latest_at, zone)}.",
    ]
    if refs:
        lines.append("Reports: " + ", ".join(escape(r) for r in refs))
    if cluster.acknowledged_at is not None:
        who = escape(cluster.acknowledged_by or "someone")
        lines.append(f"✅ Acknowledged by {who}, {when(cluster.acknowledged_at, zone)}.")
    return "\n".join(lines)


def muted(category: str, place: str, until: datetime, zone: ZoneInfo) -> str:
    """The answer to a mute."""
    local = until.astimezone(zone)
    return (
        f"Muted: no new {escape(category.lower())} clusters in {escape(place)} will be announced"
        f" until {local:%a} {local.day} {local:%b}."
    )


def listing(category: str, place: str, reports: Sequence[ClusterReport], zone: ZoneInfo) -> str:
    """The cluster's reports, one a line, as /queue lists them."""
    if not reports:
        return EMPTY
    lines = [f"<b>{escape(category)}, {escape(place)}: {len(reports)} reports</b>"]
    for report in reports:
        where = f" · {escape(report.location_text)}" if report.location_text else ""
        lines.append(
            f"<code>{escape(report.ref)}</code> · {when(report.created_at, zone)}"
            f" · {escape(report.status.replace('_', ' '))}{where}"
        )
    return "\n".join(lines)
